import Foundation

/// An amount of renminbi held as integer fen (分), so sums and comparisons are exact.
public struct Money: Hashable, Comparable, Codable, Sendable {
    public let fen: Int64

    public init(fen: Int64) { self.fen = fen }
    public static func yuan(_ yuan: Int64) -> Money { Money(fen: yuan * 100) }
    public static let zero = Money(fen: 0)

    /// Parses "1234", "1234.5", "1,234.56" or "-3.10" yuan; rejects more than two decimals instead of rounding.
    public init?(yuanString: String) {
        var text = yuanString.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
        var negative = false
        if text.hasPrefix("-") { negative = true; text.removeFirst() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit),
              whole.count <= 15 else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 2, fraction.allSatisfy(\.isASCIIDigit), parts.count == 1 || !fraction.isEmpty else { return nil }
        while fraction.count < 2 { fraction += "0" }
        guard let w = Int64(whole), let f = Int64(fraction) else { return nil }
        fen = (negative ? -1 : 1) * (w * 100 + f)
    }

    /// "1234.50" — plain, for CSV and JSON.
    public var plainYuan: String {
        let sign = fen < 0 ? "-" : ""
        let a = fen.magnitude
        return sign + String(a / 100) + "." + Self.twoDigits(a % 100)
    }

    static func twoDigits(_ n: UInt64) -> String { n < 10 ? "0" + String(n) : String(n) }

    /// "¥1,234.50" — grouped, for people.
    public var display: String {
        let sign = fen < 0 ? "-" : ""
        let a = fen.magnitude
        var whole = String(a / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole.removeLast(3)
        }
        return sign + "¥" + whole + grouped + "." + Self.twoDigits(a % 100)
    }

    public static func < (l: Money, r: Money) -> Bool { l.fen < r.fen }
    public static func + (l: Money, r: Money) -> Money { Money(fen: l.fen + r.fen) }
    public static func - (l: Money, r: Money) -> Money { Money(fen: l.fen - r.fen) }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
