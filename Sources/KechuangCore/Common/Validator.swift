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

extension Validator {
    /// A whole number in `range`, named by `field` when it is not.
    public mutating func integer(_ field: String, _ raw: String?, _ range: ClosedRange<Int>) -> Int? {
        guard let n = Int((raw ?? "").trimmingCharacters(in: .whitespaces)), range.contains(n) else {
            add(.invalid(field, "field.range", ["min": String(range.lowerBound), "max": String(range.upperBound)]))
            return nil
        }
        return n
    }

    /// An amount of yuan exact to the fen; `positive` refuses zero.
    public mutating func money(_ field: String, _ raw: String?, positive: Bool = false, required: Bool = true) -> Money? {
        let s = (raw ?? "").trimmingCharacters(in: .whitespaces)
        if s.isEmpty {
            if required { add(.invalid(field, "field.required")) }
            return nil
        }
        guard let m = Money(yuanString: s) else { add(.invalid(field, "money.not_fen")); return nil }
        if m.fen < 0 { add(.invalid(field, "money.negative")); return nil }
        if positive && m.fen == 0 { add(.invalid(field, "money.not_positive")); return nil }
        return m
    }

    /// A calendar date "YYYY-MM-DD".
    public mutating func day(_ field: String, _ raw: String?) -> Day? {
        guard let d = Day((raw ?? "").trimmingCharacters(in: .whitespaces)) else { add(.invalid(field, "field.date")); return nil }
        return d
    }

    /// A comma-separated list of choices, at least one.
    public mutating func choices<T: RawRepresentable & Equatable>(_ field: String, _ raw: String?, as type: T.Type) -> [T] where T.RawValue == String {
        let parts = (raw ?? "").replacingOccurrences(of: "，", with: ",").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var out: [T] = []
        for p in parts {
            guard let x = T(rawValue: p) else { add(.invalid(field, "field.not_allowed", ["value": String(p.prefix(40))])); return [] }
            if !out.contains(x) { out.append(x) }
        }
        if out.isEmpty { add(.invalid(field, "field.required")) }
        return out
    }
}
