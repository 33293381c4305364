import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads the first worksheet of an .xlsx file into rows of text, for imports.
///
/// Numbers come back as the exact text Excel stored ("1234567.8", exponents expanded), never through Double.
enum XLSXReader {
    struct Unreadable: Error { let reason: String }

    static func rows(from data: Data) throws -> [[String]] {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw Unreadable(reason: "not an XLSX (zip) file") }
        func read(_ path: String) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            var out = Data()
            _ = try archive.extract(entry) { out.append($0) }
            return out
        }
        let shared = try read("xl/sharedStrings.xml").map(SharedStringsParser.parse) ?? []
        let sheetPath = archive.map(\.path).filter { $0.hasPrefix("xl/worksheets/sheet") && $0.hasSuffix(".xml") }.sorted().first
        guard let sheetPath, let sheet = try read(sheetPath) else { throw Unreadable(reason: "the workbook has no worksheet") }
        return SheetParser.parse(sheet, shared: shared)
    }
}

/// `xl/sharedStrings.xml`: the text of each `<si>`, rich-text runs joined.
private final class SharedStringsParser: NSObject, XMLParserDelegate {
    var strings: [String] = []
    var current = ""
    var inText = false

    static func parse(_ data: Data) -> [String] {
        let p = SharedStringsParser()
        let parser = XMLParser(data: data)
        parser.delegate = p
        parser.parse()
        return p.strings
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "si" { current = "" }
        if name == "t" { inText = true }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "t" { inText = false }
        if name == "si" { strings.append(current) }
    }
}

/// A worksheet's `<row>`/`<c>` cells placed by their `r` reference (B3 → row 3, column 2).
private final class SheetParser: NSObject, XMLParserDelegate {
    let shared: [String]
    var rows: [Int: [Int: String]] = [:]
    var cellRef = ""
    var cellType = ""
    var text = ""
    var collecting = false

    init(shared: [String]) { self.shared = shared }

    static func parse(_ data: Data, shared: [String]) -> [[String]] {
        let p = SheetParser(shared: shared)
        let parser = XMLParser(data: data)
        parser.delegate = p
        parser.parse()
        guard let last = p.rows.keys.max() else { return [] }
        let width = (p.rows.values.flatMap(\.keys).max() ?? 0) + 1
        return (1...last).map { r in (0..<width).map { p.rows[r]?[$0] ?? "" } }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "c": cellRef = attributes["r"] ?? ""; cellType = attributes["t"] ?? "n"; text = ""
        case "v", "t": collecting = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if collecting { text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "v" || name == "t" { collecting = false }
        guard name == "c", let (row, column) = Self.position(cellRef) else { return }
        var value = text
        switch cellType {
        case "s": value = Int(text).flatMap { $0 < shared.count ? shared[$0] : nil } ?? ""
        case "b": value = text == "1" ? "true" : "false"
        case "n": value = Self.plainNumber(text)
        default: break
        }
        rows[row, default: [:]][column] = value
    }

    /// "AB12" → (12, 27): row and zero-based column.
    static func position(_ ref: String) -> (Int, Int)? {
        var column = 0
        var digits = ""
        for ch in ref {
            if let a = ch.asciiValue, a >= 65, a <= 90 { column = column * 26 + Int(a - 64) } else { digits.append(ch) }
        }
        guard let row = Int(digits), column > 0 else { return nil }
        return (row, column - 1)
    }

    /// Excel writes 12000000 as "12000000" or "1.2E+7"; give back plain decimal text.
    static func plainNumber(_ s: String) -> String {
        guard s.contains("E") || s.contains("e"), let d = Decimal(string: s, locale: Locale(identifier: "en_US_POSIX")) else { return s }
        return "\(d)"
    }
}
