import Foundation

/// The 18-character unified social credit code (统一社会信用代码, GB 32100-2015) of an organisation.
public enum CreditCode {
    /// The code's alphabet: digits and capital letters without I, O, S, V, Z.
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// True when the code has the right form and its last character is the correct check character.
    public static func isValid(_ code: String) -> Bool {
        let chars = Array(code.uppercased())
        guard chars.count == 18 else { return false }
        var sum = 0
        for i in 0..<17 {
            guard let v = alphabet.firstIndex(of: chars[i]) else { return false }
            sum += v * weights[i]
        }
        return alphabet[(31 - sum % 31) % 31] == chars[17]
    }

    /// Appends the check character to a 17-character body (used by the demo data).
    public static func complete(_ body: String) -> String? {
        let chars = Array(body.uppercased())
        guard chars.count == 17 else { return nil }
        var sum = 0
        for i in 0..<17 {
            guard let v = alphabet.firstIndex(of: chars[i]) else { return nil }
            sum += v * weights[i]
        }
        return String(chars) + String(alphabet[(31 - sum % 31) % 31])
    }
}
