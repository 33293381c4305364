import Foundation
import KechuangCore
import Vapor

/// Every list can leave as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese) or XLSX: `?format=csv|xlsx`.
enum ListExport {
    /// nil when no export was asked for; otherwise the file, or 400 naming `format`.
    static func response(_ req: Request, name: String, header: [String], rows: [[String]]) throws -> Response? {
        guard let format = try? req.query.get(String.self, at: "format"), !format.isEmpty else { return nil }
        let stamp = ChinaTime.dateString(req.now)
        switch format {
        case "csv":
            var text = "\u{FEFF}" + header.map(csvField).joined(separator: ",") + "\r\n"
            for r in rows { text += r.map(csvField).joined(separator: ",") + "\r\n" }
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
            headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)-\(stamp).csv\"")
            return Response(status: .ok, headers: headers, body: .init(string: text))
        case "xlsx":
            let cells: [[XLSXWriter.Cell]] = rows.map { $0.map { v in isDecimal(v) ? .number(v) : (v.isEmpty ? .empty : .text(v)) } }
            return .xlsx(try XLSXWriter.workbook(sheetName: name, header: header, rows: cells), filename: "\(name)-\(stamp).xlsx")
        default:
            throw DomainError.invalid("format", "field.not_allowed", ["value": String(format.prefix(20))])
        }
    }

    static func csvField(_ s: String) -> String {
        // A leading =, +, - or @ would run as a formula in a spreadsheet: prefix it so it stays text.
        var v = s
        if let f = v.first, "=+-@".contains(f), !isDecimal(v) { v = "'" + v }
        return v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
    }

    /// Plain decimals ("1200.50", "7") become numeric cells; anything else stays text.
    static func isDecimal(_ s: String) -> Bool {
        guard !s.isEmpty, s.count <= 18 else { return false }
        let body = s.hasPrefix("-") ? s.dropFirst() : Substring(s)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } } && !(parts[0].count > 1 && parts[0].hasPrefix("0"))
    }
}
