import Foundation

/// A platform's yearly performance report as checked values, from the form or one row of an import.
public struct PlatformReportInput: Sendable, Equatable {
    public let year: Int
    public let grade: PerformanceGrade
    public let incubatees: Int?
    public let graduates: Int?
    public let areaM2: Int?
    public let rdSpendFen: Int64?
    public let summary: String

    public init(year: Int, grade: PerformanceGrade, incubatees: Int?, graduates: Int?, areaM2: Int?, rdSpendFen: Int64?, summary: String) {
        self.year = year
        self.grade = grade
        self.incubatees = incubatees
        self.graduates = graduates
        self.areaM2 = areaM2
        self.rdSpendFen = rdSpendFen
        self.summary = summary
    }
}

/// Checks performance reports: every bad field named; an import is all rows or none, every bad row listed.
public enum PlatformReports {
    public static let columns = ["platform", "year", "grade", "incubatees", "graduates", "area_m2", "rd_spend", "summary"]

    public static func check(_ v: [String: String]) throws(ValidationErrors) -> PlatformReportInput {
        var errors: [DomainError] = []
        func text(_ k: String) -> String { (v[k] ?? "").trimmingCharacters(in: .whitespaces) }
        let year = Int(text("year"))
        if year == nil || !(2000...2100).contains(year!) { errors.append(.invalid("year", "field.out_of_range", ["min": "2000", "max": "2100"])) }
        let grade = PerformanceGrade(rawValue: text("grade"))
        if grade == nil { errors.append(.invalid("grade", "field.not_allowed", ["value": String(text("grade").prefix(20))])) }
        func count(_ k: String) -> Int? {
            let t = text(k)
            if t.isEmpty { return nil }
            guard let n = Int(t), n >= 0, n <= 100_000_000 else { errors.append(.invalid(k, "field.not_integer")); return nil }
            return n
        }
        let incubatees = count("incubatees"), graduates = count("graduates"), area = count("area_m2")
        var spend: Int64?
        if !text("rd_spend").isEmpty {
            if let m = Money(yuanString: text("rd_spend")), m.fen >= 0 { spend = m.fen } else { errors.append(.invalid("rd_spend", "field.not_number")) }
        }
        let summary = text("summary")
        if summary.isEmpty { errors.append(.invalid("summary", "field.required")) }
        if summary.count > 2000 { errors.append(.invalid("summary", "field.too_long", ["max": "2000"])) }
        if !errors.isEmpty { throw ValidationErrors(errors) }
        return PlatformReportInput(year: year!, grade: grade!, incubatees: incubatees, graduates: graduates, areaM2: area, rdSpendFen: spend, summary: summary)
    }

    /// Rows of an uploaded table (header `platform,year,grade,…`); platforms are named as in the registry.
    public static func rows(_ table: [[String]], platforms: [String: UUID]) throws(ImportErrors) -> [(UUID, PlatformReportInput)] {
        guard let header = table.first?.map({ $0.trimmingCharacters(in: .whitespaces) }), header.contains("platform"), header.contains("year") else {
            throw ImportErrors(problems: [ImportProblem(line: 1, error: .invalid("platform", "import.no_platform_column"))])
        }
        var problems: [ImportProblem] = []
        for name in header where !columns.contains(name) {
            problems.append(ImportProblem(line: 1, error: .invalid(name.isEmpty ? "column" : String(name.prefix(40)), "field.unknown", ["field": String(name.prefix(40))])))
        }
        if !problems.isEmpty { throw ImportErrors(problems: problems) }
        var out: [(UUID, PlatformReportInput)] = []
        var seen: [String: Int] = [:]
        for (index, row) in table.enumerated().dropFirst() {
            let line = index + 1
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            var values: [String: String] = [:]
            for (k, cell) in row.enumerated() where k < header.count { values[header[k]] = cell }
            let name = (values["platform"] ?? "").trimmingCharacters(in: .whitespaces)
            guard let id = platforms[name] else {
                problems.append(ImportProblem(line: line, error: .invalid("platform", "import.unknown_platform", ["name": String(name.prefix(60))])))
                continue
            }
            do throws(ValidationErrors) {
                let r = try check(values)
                let key = "\(name)/\(r.year)"
                if let first = seen[key] {
                    problems.append(ImportProblem(line: line, error: .invalid("year", "import.duplicate_year", ["year": String(r.year), "line": String(first)])))
                    continue
                }
                seen[key] = line
                out.append((id, r))
            } catch {
                problems += error.errors.map { ImportProblem(line: line, error: $0) }
            }
        }
        if !problems.isEmpty { throw ImportErrors(problems: problems) }
        if out.isEmpty { throw ImportErrors(problems: [ImportProblem(line: 2, error: .invalid("file", "import.no_rows"))]) }
        return out
    }
}
