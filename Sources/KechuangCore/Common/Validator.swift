import Foundation

/// Collects field errors while a form or JSON body is checked, then throws them together.
public struct Validator: Sendable {
    public private(set) var errors: [DomainError] = []

    public init() {}

    /// Trimmed, required text between `min` and `max` characters with no control characters.
    public mutating func text(_ field: String, _ value: String?, min: Int = 1, max: Int, required: Bool = true) -> String? {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            if required { errors.append(.invalid(field, "field.required")) }
            return nil
        }
        if trimmed.count < min {
            errors.append(.invalid(field, "field.too_short", ["min": String(min)]))
            return nil
        }
        if trimmed.count > max {
            errors.append(.invalid(field, "field.too_long", ["max": String(max)]))
            return nil
        }
        if trimmed.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) && $0 != "\n" && $0 != "\t" }) {
            errors.append(.invalid(field, "field.control_characters"))
            return nil
        }
        return trimmed
    }

    /// A value that must be one of `allowed` (by raw value).
    public mutating func choice<T: RawRepresentable>(_ field: String, _ value: String?, as type: T.Type, allowed: [T]? = nil) -> T? where T.RawValue == String {
        guard let raw = value?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
            errors.append(.invalid(field, "field.required"))
            return nil
        }
        guard let parsed = T(rawValue: raw), allowed.map({ list in list.contains { $0.rawValue == parsed.rawValue } }) ?? true else {
            errors.append(.invalid(field, "field.not_allowed", ["value": String(raw.prefix(40))]))
            return nil
        }
        return parsed
    }

    public mutating func add(_ error: DomainError) { errors.append(error) }

    public mutating func check(_ condition: Bool, _ error: @autoclosure () -> DomainError) {
        if !condition { errors.append(error()) }
    }

    public func throwIfAny() throws(ValidationErrors) {
        if !errors.isEmpty { throw ValidationErrors(errors) }
    }
}
