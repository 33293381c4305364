import Foundation

/// An indicator the monitoring module tracks (`data/monitoring/indicators.json`).
public struct IndicatorDefinition: Codable, Sendable, Equatable {
    /// What kind of number it is; decides which magnitudes are impossible.
    public enum Kind: String, Codable, Sendable { case percent, amount, count, ratio, rank }

    public let key: String
    public let name: String
    public let nameEn: String
    public let unit: String
    public let direction: IndicatorTarget.Direction
    /// Whom to ask when a value is missing.
    public let department: String
    public let definition: String
    public let csvNames: [String]
    public let kind: Kind
}

public struct IndicatorCatalog: Codable, Sendable {
    public let note: String
    public let indicators: [IndicatorDefinition]

    public static func decode(_ data: Data) throws -> IndicatorCatalog {
        try JSONDecoder().decode(IndicatorCatalog.self, from: data)
    }

    public func definition(_ key: String) -> IndicatorDefinition? { indicators.first { $0.key == key } }

    /// The catalogued indicator a CSV name belongs to.
    public func key(forCSVName name: String) -> String? { indicators.first { $0.csvNames.contains(name) }?.key }
}

/// A value as stored: exact decimal text with its source and caveats.
public struct IndicatorValueInput: Sendable, Equatable {
    public let indicator: String
    public let region: String
    public let year: Int
    public let value: Decimal
    public let valueText: String
    public let unit: String
    public let source: String
    public let note: String
    /// Caveat tags (DERIVED, PARTIAL YEAR, BUDGET, …); values with PARTIAL YEAR or TARGET never enter trends.
    public let flags: [String]

    public var countsForTrend: Bool { !flags.contains("PARTIAL YEAR") && !flags.contains("TARGET") && !flags.contains("BUDGET") }

    public static let regions = ["鄂尔多斯市"] + Banner.allCases.map(\.nameZh) + ["内蒙古自治区", "全国"]
    public static let tags = ["DERIVED", "PARTIAL YEAR", "SECONDARY SOURCE", "DATA-YEAR TRAP", "DATA YEAR INFERRED", "BUDGET", "LOWER BOUND", "TARGET"]

    /// Checks a value a staff member enters or a file brings: known indicator and region, a year in range, a number
    /// of the indicator's unit and a possible magnitude, and a source. Every problem names its field.
    public static func validate(indicator: String?, region: String?, year: String?, value: String?, unit: String?, source: String?,
                                note: String?, catalog: IndicatorCatalog) throws(ValidationErrors) -> IndicatorValueInput {
        var v = Validator()
        let def = indicator.flatMap { catalog.definition($0) }
        if def == nil { v.add(.invalid("indicator", "monitoring.unknown_indicator", ["value": String((indicator ?? "").prefix(40))])) }
        let r = (region ?? "").trimmingCharacters(in: .whitespaces)
        let regionName = Banner(codeOrName: r)?.nameZh ?? (regions.contains(r) ? r : nil)
        if regionName == nil { v.add(.invalid("region", r.isEmpty ? "field.required" : "banner.unknown", ["value": String(r.prefix(20))])) }
        let y = Int((year ?? "").trimmingCharacters(in: .whitespaces))
        if y == nil || !(2000...2100).contains(y!) { v.add(.invalid("year", "field.out_of_range", ["min": "2000", "max": "2100"])) }
        let text = (value ?? "").trimmingCharacters(in: .whitespaces)
        let number = Fixed(parsing: text).map(\.decimal)
        if text.isEmpty { v.add(.invalid("value", "field.required")) }
        else if number == nil { v.add(.invalid("value", "field.not_number")) }
        if let def, let u = unit?.trimmingCharacters(in: .whitespaces), !u.isEmpty, u != def.unit {
            v.add(.invalid("unit", "monitoring.wrong_unit", ["expected": def.unit, "value": String(u.prefix(10))]))
        }
        if let def, let n = number {
            switch def.kind {
            case .percent: if n < 0 || n > 100 { v.add(.invalid("value", "monitoring.impossible", ["range": "0–100"])) }
            case .amount, .count, .ratio: if n < 0 { v.add(.invalid("value", "monitoring.impossible", ["range": "≥ 0"])) }
            case .rank: if n < 1 || n != n.roundedTo(0) { v.add(.invalid("value", "monitoring.impossible", ["range": "1, 2, 3 …"])) }
            }
        }
        let s = v.text("source", source, max: 500)
        let n = v.text("note", note, max: 1000, required: false) ?? ""
        try v.throwIfAny()
        let flags = tags.filter { n.hasPrefix($0) || n.contains($0 + ":") || n.contains($0 + " ") }
        return IndicatorValueInput(indicator: def!.key, region: regionName!, year: y!, value: number!, valueText: Fixed(parsing: text)!.description,
                                   unit: def!.unit, source: s!, note: n, flags: flags)
    }
}


extension IndicatorValueInput {
    /// A table with header `indicator,region,year,value,unit,source,note` (unit and note may be empty): every row
    /// checked, every problem listed with its line; nothing is returned unless all rows are good.
    public static func parseTable(_ rows: [[String]], catalog: IndicatorCatalog) throws(ImportErrors) -> [IndicatorValueInput] {
        let expected = ["indicator", "region", "year", "value", "unit", "source", "note"]
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces) }), header == expected else {
            throw ImportErrors(problems: [ImportProblem(line: 1, error: .invalid("header", "monitoring.import_header", ["columns": expected.joined(separator: ",")]))])
        }
        var out: [IndicatorValueInput] = []
        var problems: [ImportProblem] = []
        for (k, row) in rows.enumerated().dropFirst() {
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            let cell = { (i: Int) -> String? in i < row.count ? row[i] : nil }
            do throws(ValidationErrors) {
                out.append(try validate(indicator: cell(0), region: cell(1), year: cell(2), value: cell(3), unit: cell(4), source: cell(5),
                                        note: cell(6), catalog: catalog))
            } catch {
                problems += error.errors.map { ImportProblem(line: k + 1, error: $0) }
            }
        }
        if !problems.isEmpty { throw ImportErrors(problems: problems) }
        if out.isEmpty { throw ImportErrors(problems: [ImportProblem(line: 2, error: .invalid("row", "import.empty"))]) }
        return out
    }
}
