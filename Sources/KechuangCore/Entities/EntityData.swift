import Foundation

/// One yearly value of an organisation (R&D expense 2024, …) and where it comes from.
public struct EntityFact: Sendable, Equatable {
    public let year: Int
    public let variable: String
    /// Exact text of the value as checked against the variable ("1234567.80", "true", "national").
    public let value: String
    /// "self-declared" or the department that supplied it.
    public let source: String
    public let verified: Bool

    public static let selfDeclared = "self-declared"

    public init(year: Int, variable: String, value: String, source: String, verified: Bool) {
        self.year = year
        self.variable = variable
        self.value = value
        self.source = source
        self.verified = verified
    }
}

/// Turns yearly facts into rule inputs and checks typed entries against the rule base's variables.
public enum EntityData {
    public static let years = 2000...2100

    /// Suffixes of derived variables and how many years back each reads its base variable.
    public static let derivedSuffixes: [(suffix: String, yearsBack: Int)] = [("_last_year", 1), ("_two_years_ago", 2)]

    /// The base variable and years back of a derived variable (`rd_expense_two_years_ago` → `rd_expense`, 2).
    public static func derivation(of name: String) -> (base: String, yearsBack: Int)? {
        for d in derivedSuffixes where name.hasSuffix(d.suffix) { return (String(name.dropLast(d.suffix.count)), d.yearsBack) }
        return nil
    }

    /// Inputs for evaluating `year`: each variable's value that year; `x_last_year` variables take `x` of the year
    /// before and `x_two_years_ago` that of two years before, unless stored themselves.
    public static func inputs(from facts: [EntityFact], year: Int, base: RuleBase, entity: EntityKind) -> [String: Value] {
        // Facts by variable, then year (the first of duplicates wins): the whole-city batch calls this for every
        // enterprise, so no key strings are built per look-up.
        var byVariable: [String: [Int: EntityFact]] = [:]
        for f in facts where byVariable[f.variable]?[f.year] == nil { byVariable[f.variable, default: [:]][f.year] = f }
        var out: [String: Value] = [:]
        // Indices, not `for v in`: a VariableDef copy retains a dozen strings, and this runs a million times a batch.
        for i in base.variables.indices where base.variables[i].entities.contains(entity) {
            let name = base.variables[i].name
            var fact = byVariable[name]?[year]
            if fact == nil, let d = derivation(of: name) { fact = byVariable[d.base]?[year - d.yearsBack] }
            if let fact, let value = storedValue(fact.value, base.variables[i].type) { out[name] = value }
        }
        return out
    }

    /// A stored value back as a rule value. Stored text is already checked and canonical (`storageText`), so no
    /// trimming or unit parsing is needed; anything that does not read back is left out (unknown), never zero.
    static func storedValue(_ text: String, _ type: ValueType) -> Value? {
        switch type {
        case .bool: text == "true" ? .bool(true) : (text == "false" ? .bool(false) : nil)
        case .number, .money: Fixed(parsing: text).map(Value.num)
        case .text: text.isEmpty ? nil : .text(text)
        }
    }

    /// Checks a set of entered values for one year; every bad field is reported with its name.
    /// Empty values mean "remove this value". Returns normalised text per variable (nil to remove).
    public static func check(_ raw: [String: String], year: Int?, base: RuleBase, entity: EntityKind) throws(ValidationErrors) -> (Int, [String: String?]) {
        var errors: [DomainError] = []
        if year == nil || !years.contains(year!) {
            errors.append(.invalid("year", "field.out_of_range", ["min": String(years.lowerBound), "max": String(years.upperBound)]))
        }
        var out: [String: String?] = [:]
        for (name, text) in raw.sorted(by: { $0.key < $1.key }) {
            guard let v = base.variable(name), v.entities.contains(entity), derivation(of: v.name) == nil else {
                errors.append(.invalid(name, "policy.unknown_variable", ["name": String(name.prefix(40))]))
                continue
            }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { out[name] = .some(nil); continue }
            do throws(DomainError) {
                if let value = try RuleBase.convert(.text(trimmed), to: v, field: name) { out[name] = .some(value.storageText) }
            } catch {
                errors.append(error)
            }
        }
        if !errors.isEmpty { throw ValidationErrors(errors) }
        return (year!, out)
    }

    /// The variables an organisation of this kind keeps yearly (the `_last_year` / `_two_years_ago` ones are derived).
    public static func variables(for entity: EntityKind, in base: RuleBase) -> [VariableDef] {
        base.variables.filter { $0.entities.contains(entity) && derivation(of: $0.name) == nil }
    }
}

extension Value {
    /// How a value is stored: exact decimal text, true/false, or the text itself.
    public var storageText: String {
        switch self {
        case .unknown: ""
        case .bool(let b): b ? "true" : "false"
        case .num(let f): f.description
        case .text(let s): s
        }
    }
}

extension OrganizationKind {
    /// The rule-base entity an organisation of this kind is evaluated as.
    public var entityKind: EntityKind? {
        switch self {
        case .enterprise: .enterprise
        case .institution: .institution
        case .department: nil
        }
    }
}
