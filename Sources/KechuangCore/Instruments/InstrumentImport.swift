import Foundation

extension InstrumentDraft {
    /// A registry table (CSV or XLSX rows): header with the `fieldNames` (any order, all required), one instrument
    /// per row; blank rows skipped. Returns every row, or every bad row's problems.
    public static func parseTable(_ rows: [[String]], today: String) throws(ImportErrors) -> [(line: Int, draft: InstrumentDraft)] {
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw ImportErrors(problems: [ImportProblem(line: 1, error: .invalid("file", "import.empty"))])
        }
        var problems: [ImportProblem] = []
        for name in fieldNames where !header.contains(name) {
            problems.append(ImportProblem(line: 1, error: .invalid(name, "import.missing_column", ["column": name])))
        }
        for name in header where !fieldNames.contains(name) {
            problems.append(ImportProblem(line: 1, error: .invalid(String(name.prefix(40)), "field.unknown")))
        }
        if Set(header).count != header.count { problems.append(ImportProblem(line: 1, error: .invalid("file", "import.duplicate_column"))) }
        if !problems.isEmpty { throw ImportErrors(problems: problems) }
        var out: [(Int, InstrumentDraft)] = []
        for (k, row) in rows.enumerated().dropFirst() {
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            var fields: [String: String] = [:]
            for (c, name) in header.enumerated() { fields[name] = c < row.count ? row[c] : "" }
            switch Result(catching: { () throws(ValidationErrors) in try parse(fields, today: today) }) {
            case .success(let d): out.append((k + 1, d))
            case .failure(let e): problems += e.errors.map { ImportProblem(line: k + 1, error: $0) }
            }
        }
        if out.isEmpty && problems.isEmpty { problems.append(ImportProblem(line: 1, error: .invalid("file", "import.empty"))) }
        if !problems.isEmpty { throw ImportErrors(problems: problems) }
        return out
    }
}
