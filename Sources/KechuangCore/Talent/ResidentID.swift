import Foundation

/// 居民身份证号码 (GB 11643-1999): 6-digit address code, birth date, sequence, and an ISO 7064 MOD 11-2 check
/// character. Checked before it is stored (encrypted), and shown masked everywhere but to whom it must be.
public enum ResidentID {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters = Array("10X98765432")

    /// The normalised number (upper-case X), or the error code of what is wrong with it.
    public static func validate(_ raw: String) -> Result<String, DomainError> {
        let s = raw.trimmingCharacters(in: .whitespaces).uppercased()
        let chars = Array(s)
        guard chars.count == 18, chars.prefix(17).allSatisfy(\.isASCIIDigit), chars[17].isASCIIDigit || chars[17] == "X" else {
            return .failure(.invalid("id_number", "talent.id_format"))
        }
        guard let birth = Day("\(String(chars[6..<10]))-\(String(chars[10..<12]))-\(String(chars[12..<14]))"), birth.year >= 1900 else {
            return .failure(.invalid("id_number", "talent.id_birth_date"))
        }
        guard check(chars) == chars[17] else { return .failure(.invalid("id_number", "talent.id_checksum")) }
        return .success(s)
    }

    static func check(_ chars: [Character]) -> Character {
        let sum = zip(chars.prefix(17), weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// A valid number for the address code, birth date and sequence (demo data and tests).
    public static func make(address: String, birth: Day, sequence: Int) -> String {
        let body = address + String(format: "%08d", birth.yyyymmdd) + String(format: "%03d", sequence % 1000)
        return body + String(check(Array(body)))
    }

    /// The birth date a valid number carries.
    public static func birthDate(_ valid: String) -> Day? {
        let c = Array(valid)
        guard c.count == 18 else { return nil }
        return Day("\(String(c[6..<10]))-\(String(c[10..<12]))-\(String(c[12..<14]))")
    }

    /// "150602********123X": region code and the last four characters only.
    public static func masked(_ number: String) -> String {
        guard number.count == 18 else { return String(repeating: "*", count: number.count) }
        return String(number.prefix(6)) + String(repeating: "*", count: 8) + String(number.suffix(4))
    }

    /// "138****5678".
    public static func maskedPhone(_ phone: String) -> String {
        guard phone.count >= 7 else { return String(repeating: "*", count: phone.count) }
        return String(phone.prefix(3)) + String(repeating: "*", count: phone.count - 7) + String(phone.suffix(4))
    }
}
