import Foundation

/// 一键匹配: every rule for one entity with status, amount, citation and explanation, most valuable first.
public struct MatchReport: Sendable {
    public struct Item: Sendable {
        public let trace: RuleTrace
        public var rule: RuleDef { trace.rule }
        public var outcome: RuleOutcome { trace.outcome }
    }

    /// An input that would decide at least one undetermined rule.
    public struct MissingInput: Sendable {
        public let variable: VariableDef
        public let decides: [String]
    }

    public let date: Day
    public let entity: EntityKind
    public let ruleBaseVersion: String
    public let items: [Item]
    public let missingInputs: [MissingInput]

    /// The same report restricted to one rule (for storing with an application).
    public func only(_ ruleID: String) -> MatchReport {
        MatchReport(date: date, entity: entity, ruleBaseVersion: ruleBaseVersion, items: items.filter { $0.rule.id == ruleID }, missingInputs: [])
    }

    /// Total of eligible amounts (awards only, not computations, obligations or competitive ceilings).
    public var eligibleAwardTotal: Fixed {
        items.filter { $0.outcome.status == .eligible && $0.rule.kind == .award && !$0.rule.ceiling }
            .reduce(Fixed.zero) { (try? $0 + ($1.outcome.amount ?? .zero)) ?? $0 }
    }

    public static func run(base: RuleBase, entity: EntityKind, date: Day, inputs: [String: Value], overlay: ParameterOverlay = [:]) -> MatchReport {
        // Assessment schemes (the cultivation ladder) are answered by their own module, not as benefits.
        let traces = base.explain(entity: entity, date: date, inputs: inputs, overlay: overlay).filter { $0.rule.scheme == nil }
        let items = traces.map(Item.init).sorted(by: order)
        var decides: [String: [String]] = [:]
        for item in items where item.outcome.status == .undetermined {
            for name in item.outcome.missing { decides[name, default: []].append(item.rule.id) }
        }
        let missing = decides.keys.sorted().compactMap { name in base.variable(name).map { MissingInput(variable: $0, decides: decides[name]!) } }
        return MatchReport(date: date, entity: entity, ruleBaseVersion: base.version, items: items, missingInputs: missing)
    }

    /// Eligible first (largest amount first), then undetermined (largest potential first), then the rest.
    static func order(_ a: Item, _ b: Item) -> Bool {
        let rank: [RuleOutcome.Status: Int] = [.eligible: 0, .undetermined: 1, .superseded: 2, .notEligible: 3, .notInForce: 4]
        let ra = rank[a.outcome.status]!, rb = rank[b.outcome.status]!
        if ra != rb { return ra < rb }
        let va = a.outcome.amount ?? a.outcome.potentialAmount ?? .zero
        let vb = b.outcome.amount ?? b.outcome.potentialAmount ?? .zero
        if va != vb { return vb < va }
        return (a.rule.article, a.rule.id) < (b.rule.article, b.rule.id)
    }
}

/// A match request as a visitor or the API sends it, before checking.
public struct MatchRequest: Sendable {
    public let kind: String?
    public let date: String?
    public let inputs: [String: RawInput]

    public init(kind: String?, date: String?, inputs: [String: RawInput]) {
        self.kind = kind
        self.date = date
        self.inputs = inputs
    }

    /// Checks the kind, the date (2000–2100; today in Beijing if absent) and every input.
    public func validate(against base: RuleBase, today: Day) throws(ValidationErrors) -> (EntityKind, Day, [String: Value]) {
        var errors: [DomainError] = []
        var entity: EntityKind?
        if let k = kind, let e = EntityKind(rawValue: k) { entity = e }
        else { errors.append(.invalid("kind", kind == nil ? "field.required" : "field.not_allowed", ["value": String((kind ?? "").prefix(20))])) }
        var day = today
        if let d = date, !d.isEmpty {
            if let parsed = Day(d), (2000...2100).contains(parsed.year) { day = parsed }
            else { errors.append(.invalid("date", "policy.date_invalid", ["value": String(d.prefix(20))])) }
        }
        var values: [String: Value] = [:]
        if let entity {
            do { values = try base.checkInputs(inputs, entity: entity) } catch { errors += error.errors }
        }
        if !errors.isEmpty { throw ValidationErrors(errors) }
        return (entity!, day, values)
    }
}
