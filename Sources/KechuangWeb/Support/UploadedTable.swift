import Foundation
import KechuangCore
import Vapor

/// An uploaded CSV (UTF-8) or XLSX file as rows of text, and import problems as lines for the page.
/// Shared by every import so they accept the same files and report errors the same way.
enum UploadedTable {
    /// Data rows one upload may hold (plus its header): an import runs in one transaction, and a city-wide
    /// registry (about 10,000 instruments, 500 enterprises) fits with room; bigger files are split by the sender.
    static let maxRows = 20_000

    static func rows(_ file: File?) throws -> [[String]] {
        guard let file, file.data.readableBytes > 0 else { throw DomainError.invalid("file", "import.no_file") }
        let data = Data(file.data.readableBytesView)
        let rows: [[String]]
        if file.filename.lowercased().hasSuffix(".xlsx") {
            do { rows = try XLSXReader.rows(from: data) } catch { throw DomainError.invalid("file", "import.unreadable_xlsx") }
        } else {
            guard let text = String(data: data, encoding: .utf8) else { throw DomainError.invalid("file", "import.not_utf8") }
            rows = EntityData.csvRows(text)
        }
        if rows.count > maxRows + 1 {
            throw DomainError(.invalidInput, code: "import.too_many_rows", arguments: ["max": String(maxRows), "rows": String(rows.count - 1)], field: "file")
        }
        return rows
    }

    /// "第3行： year: …" — one line per problem, in the user's language.
    static func messages(_ e: ImportErrors, req: Request) -> [String] {
        e.problems.map { p in
            req.t("import_line", ["line": String(p.line)]) + " " + (p.error.field.map { "\($0): " } ?? "") + req.services.translator.message(p.error, req.lang)
        }
    }
}
