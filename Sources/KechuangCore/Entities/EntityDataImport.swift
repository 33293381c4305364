import Foundation

/// A problem with one row of an import, so the user can fix the file and try again.
public struct ImportProblem: Sendable, Equatable {
    public let line: Int
    public let error: DomainError

    public init(line: Int, error: DomainError) {
        self.line = line
        self.error = error
    }
}

/// Every bad row of an import; nothing is imported when there is one.
public struct ImportErrors: Error, Sendable {
    public let problems: [ImportProblem]

    public init(problems: [ImportProblem]) { self.problems = problems }
}

extension EntityData {
    /// A wide table: header `year,<variable>,<variable>…`, one row per year. Blank rows are skipped.
    /// Returns (line, year, values) for every row, or every row's problems.
    public static func parseTable(_ rows: [[String]], base: RuleBase, entity: EntityKind) throws(ImportErrors) -> [(line: Int, year: Int, values: [String: String?])] {
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces) }), header.contains("year") else {
            throw ImportErrors(problems: [ImportProblem(line: 1, error: .invalid("year", "import.no_year_column"))])
        }
        var problems: [ImportProblem] = []
        for (k, name) in header.enumerated() where name != "year" {
            if name.isEmpty || base.variable(name).map({ !$0.entities.contains(entity) || EntityData.derivation(of: $0.name) != nil }) ?? true {
                problems.append(ImportProblem(line: 1, error: .invalid(name.isEmpty ? "column \(k + 1)" : name, "policy.unknown_variable", ["name": String(name.prefix(40))])))
            }
            if header.firstIndex(of: name) != k { problems.append(ImportProblem(line: 1, error: .invalid(name, "import.duplicate_column"))) }
        }
        if !problems.isEmpty { throw ImportErrors(problems: problems) }
        var out: [(Int, Int, [String: String?])] = []
        var seenYears: [Int: Int] = [:]
        for (index, row) in rows.enumerated().dropFirst() {
            let line = index + 1
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard row.count <= header.count else {
                problems.append(ImportProblem(line: line, error: .invalid("row", "import.too_many_fields", ["count": String(row.count)])))
                continue
            }
            var raw: [String: String] = [:]
            var yearText = ""
            for (k, cell) in row.enumerated() {
                if header[k] == "year" { yearText = cell.trimmingCharacters(in: .whitespaces) } else if !cell.trimmingCharacters(in: .whitespaces).isEmpty { raw[header[k]] = cell }
            }
            do throws(ValidationErrors) {
                let (year, values) = try check(raw, year: Int(yearText), base: base, entity: entity)
                if let first = seenYears[year] {
                    problems.append(ImportProblem(line: line, error: .invalid("year", "import.duplicate_year", ["year": String(year), "line": String(first)])))
                    continue
                }
                seenYears[year] = line
                out.append((line, year, values))
            } catch {
                problems += error.errors.map { ImportProblem(line: line, error: $0) }
            }
        }
        if !problems.isEmpty { throw ImportErrors(problems: problems) }
        if out.isEmpty { throw ImportErrors(problems: [ImportProblem(line: 2, error: .invalid("row", "import.empty"))]) }
        return out
    }

    /// Splits CSV text (UTF-8, optional BOM, RFC 4180 quoting, quoted line breaks allowed) into rows.
    public static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var chars = Array(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        chars.append("\n")
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { inQuotes = false }
                } else { field.append(c) }
            } else if c == "\"" && field.isEmpty {
                inQuotes = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" || c == "\r\n" || c == "\r" {
                row.append(field); field = ""
                if !(row.count == 1 && row[0].isEmpty) || i < chars.count - 1 { rows.append(row) }
                row = []
            } else {
                field.append(c)
            }
            i += 1
        }
        while let last = rows.last, last.allSatisfy(\.isEmpty) { rows.removeLast() }
        return rows
    }
}
