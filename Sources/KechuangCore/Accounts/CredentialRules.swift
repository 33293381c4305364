import Foundation

/// What a username and a password must look like; checked on registration, staff creation and password change.
public enum CredentialRules {
    public static let usernameLength = 3...40
    public static let passwordLength = 8...128

    public static func checkUsername(_ raw: String?, into v: inout Validator) -> String? {
        guard let name = v.text("username", raw, min: usernameLength.lowerBound, max: usernameLength.upperBound) else { return nil }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard name.lowercased() == name, name.unicodeScalars.allSatisfy(allowed.contains) else {
            v.add(.invalid("username", "username.charset"))
            return nil
        }
        return name
    }

    public static func checkPassword(_ raw: String?, field: String = "password", into v: inout Validator) -> String? {
        guard let pw = raw, !pw.isEmpty else {
            v.add(.invalid(field, "field.required"))
            return nil
        }
        guard passwordLength.contains(pw.count) else {
            v.add(.invalid(field, "password.length", ["min": String(passwordLength.lowerBound), "max": String(passwordLength.upperBound)]))
            return nil
        }
        let hasLetter = pw.contains { $0.isLetter }
        let hasDigit = pw.contains { $0.isNumber }
        guard hasLetter, hasDigit else {
            v.add(.invalid(field, "password.weak"))
            return nil
        }
        return pw
    }
}
