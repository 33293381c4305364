import Foundation
import KechuangCore
import Vapor

/// An uploaded CSV (UTF-8) or XLSX file as rows of text, and import problems as lines for the page.
/// Shared by every import so they accept the same files and report errors the same way.
enum UploadedTable {
    static func rows(_ file: File?) throws -> [[String]] {
        guard let file, file.data.readableBytes > 0 else { throw DomainError.invalid("file", "import.no_file") }
        let data = Data(file.data.readableBytesView)
        if file.filename.lowercased().hasSuffix(".xlsx") {
            do { return try XLSXReader.rows(from: data) } catch { throw DomainError.invalid("file", "import.unreadable_xlsx") }
        }
        guard let text = String(data: data, encoding: .utf8) else { throw DomainError.invalid("file", "import.not_utf8") }
        return EntityData.csvRows(text)
    }

    /// "第3行： year: …" — one line per problem, in the user's language.
    static func messages(_ e: ImportErrors, req: Request) -> [String] {
        e.problems.map { p in
            req.t("import_line", ["line": String(p.line)]) + " " + (p.error.field.map { "\($0): " } ?? "") + req.services.translator.message(p.error, req.lang)
        }
    }
}
