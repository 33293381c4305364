import Foundation

/// An input value as it arrives (JSON, CSV cell, form field), before it is checked against its variable.
public enum RawInput: Sendable, Equatable {
    case text(String)
    /// A JSON number, kept as its decimal text so nothing passes through binary floating point.
    case number(String)
    case bool(Bool)
    case null
}

extension RuleBase {
    /// Checks inputs against the variables: unknown names, wrong types, out-of-range values and values of
    /// variables that do not describe this kind of entity are errors naming the field. Null means "not known".
    public func checkInputs(_ raw: [String: RawInput], entity: EntityKind) throws(ValidationErrors) -> [String: Value] {
        var errors: [DomainError] = []
        var out: [String: Value] = [:]
        for (name, input) in raw.sorted(by: { $0.key < $1.key }) {
            let field = "inputs.\(name)"
            guard let v = variable(name) else {
                errors.append(.invalid(field, "policy.unknown_variable", ["name": String(name.prefix(40))]))
                continue
            }
            guard v.entities.contains(entity) else {
                errors.append(.invalid(field, "policy.variable_not_for_entity", ["name": name, "entity": entity.rawValue]))
                continue
            }
            do throws(DomainError) {
                if let value = try Self.convert(input, to: v, field: field) { out[name] = value }
            } catch {
                errors.append(error)
            }
        }
        if !errors.isEmpty { throw ValidationErrors(errors) }
        return out
    }

    public static func convert(_ input: RawInput, to v: VariableDef, field: String) throws(DomainError) -> Value? {
        func typeError() -> DomainError { .invalid(field, "policy.input_type", ["expected": v.type.rawValue]) }
        switch (v.type, input) {
        case (_, .null): return nil
        case (.text, .text(let s)):
            let t = s.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return nil }
            if let allowed = v.allowed, !allowed.contains(t) {
                throw .invalid(field, "field.not_allowed", ["value": String(t.prefix(40))])
            }
            guard t.count <= 200 else { throw .invalid(field, "field.too_long", ["max": "200"]) }
            return .text(t)
        case (.bool, .bool(let b)): return .bool(b)
        case (.bool, .text(let s)), (.bool, .number(let s)):
            switch s.trimmingCharacters(in: .whitespaces).lowercased() {
            case "1", "true", "yes", "是": return .bool(true)
            case "0", "false", "no", "否": return .bool(false)
            case "": return nil
            default: throw typeError()
            }
        case (.number, .number(let s)), (.number, .text(let s)), (.money, .number(let s)), (.money, .text(let s)):
            let t = s.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return nil }
            guard let f = parseNumber(t) else { throw typeError() }
            if v.type == .money, f.normalized().scale > 2 { throw .invalid(field, "policy.money_precision") }
            if let lo = v.minimum, f < lo { throw .invalid(field, "field.below_minimum", ["min": lo.description]) }
            if let hi = v.maximum, hi < f { throw .invalid(field, "field.above_maximum", ["max": hi.description]) }
            return .num(f)
        default:
            throw typeError()
        }
    }
}

/// Numbers as people write them: "1,200,000", "1_200_000", "30万", "1.5亿", "20%".
func parseNumber(_ text: String) -> Fixed? {
    var t = Substring(text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "_", with: ""))
    var factor: Fixed?
    if let m = t.last, let f = ExprLexer.multipliers[m] { factor = f; t = t.dropLast() }
    guard let n = Fixed(parsing: t) else { return nil }
    guard let factor else { return n }
    return try? n * factor
}

extension VariableDef {
    /// A variable with a parameter's type, so what-if values are read with the same rules as inputs.
    public static func parameterStandIn(_ p: ParameterDef) -> VariableDef {
        VariableDef(name: p.name, type: p.type, entities: EntityKind.allCases, label: p.label, labelEn: p.labelEn, source: "overlay",
                    government: true, minimum: nil, maximum: nil, allowed: nil, position: p.position)
    }
}
