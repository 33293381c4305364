import Foundation

/// Why a rule came out as it did, in terms a reviewer or applicant can check by hand.
public struct RuleTrace: Sendable {
    public struct Condition: Sendable {
        public let source: String
        /// The condition with every name replaced by its value.
        public let substituted: String
        public let result: Value
        /// For a failed comparison: how far the entity is from passing it (same unit as the comparison).
        public let gap: String?
        public let missing: [String]
        /// For an ordering comparison (`a ≥ b`, …): the value of each side, so a page can show value and threshold.
        public let sides: (left: Value, right: Value)?
    }

    public struct ParameterUse: Sendable {
        public let name: String
        public let label: String
        public let value: String
        public let unit: String
        public let from: String
        public let until: String?
        public let status: ParameterDef.Status
        public let source: String
        public let overridden: Bool
    }

    public let rule: RuleDef
    public let outcome: RuleOutcome
    public let conditions: [Condition]
    /// The index of the first condition that failed, if one did.
    public let failedCondition: Int?
    public let formula: String?
    public let formulaSubstituted: String?
    public let parameters: [ParameterUse]
    /// True when any amount-bearing parameter is provisional: the amount must be shown as provisional.
    public var provisional: Bool { parameters.contains { $0.status == .provisional } }
}

extension RuleBase {
    /// Every applicable rule for one entity's inputs (by variable name), evaluated and explained: the one-entity path
    /// of 一键匹配, the ladder, platform awards and recognition awards.
    public func explain(entity: EntityKind, date: Day, inputs: [String: Value], overlay: ParameterOverlay = [:]) -> [RuleTrace] {
        let prepared = prepare(date: date, entity: entity, overlay: overlay)
        let frame = prepared.makeFrame()
        for (name, value) in inputs { if let slot = variableIndex[name] { frame.inputs[slot] = value } }
        return prepared.explain(frame, overlay: overlay)
    }
}

extension PreparedEvaluation {
    /// Evaluates and explains every rule; slower than `evaluate`, meant for one entity at a time.
    public func explain(_ f: EvalFrame, overlay: ParameterOverlay = [:]) -> [RuleTrace] {
        let outcomes = evaluate(f)
        return outcomes.compactMap { o in
            guard let i = base.ruleIndex[o.ruleID] else { return nil }
            return trace(i, o, f, overlay)
        }
    }

    func trace(_ i: Int, _ o: RuleOutcome, _ f: EvalFrame, _ overlay: ParameterOverlay) -> RuleTrace {
        let rule = base.rules[i]
        var conditions: [RuleTrace.Condition] = []
        var failed: Int?
        if o.status != .notInForce {
            for (c, node) in base.conditionNodes[i].enumerated() {
                let result = (try? node.eval(f)) ?? .unknown
                if result == .bool(false) && failed == nil { failed = c }
                let expr = rule.conditions[c].expr
                let missing = expr.names.filter { n in base.variableIndex[n].map { f.inputs[$0] == .unknown } ?? false }
                conditions.append(.init(source: rule.conditions[c].source, substituted: render(expr, f), result: result,
                                        gap: result == .bool(false) ? gap(rule: i, condition: c, f) : nil, missing: missing,
                                        sides: sides(rule: i, condition: c, f)))
            }
        }
        let uses = base.ruleParameters[i].map { slot -> RuleTrace.ParameterUse in
            let p = base.parameters[slot]
            let dated = p.value(at: date)
            return .init(name: p.name, label: p.label, value: self.params[slot].display, unit: p.unit, from: dated?.from.description ?? "—",
                         until: dated?.until?.description, status: dated?.status ?? .provisional,
                         source: overlay[p.name] != nil ? "what-if overlay" : (dated?.source ?? "no value on \(date)"), overridden: overlay[p.name] != nil)
        }
        return RuleTrace(rule: rule, outcome: o, conditions: conditions, failedCondition: failed, formula: rule.amountSource,
                         formulaSubstituted: rule.amount.map { render($0, f) }, parameters: uses)
    }

    func value(of name: String, _ f: EvalFrame) -> Value? {
        if let s = base.variableIndex[name] { return f.inputs[s] }
        if let s = base.parameterIndex[name] { return params[s] }
        for (suffix, amount) in [(".amount", true), (".eligible", false)] where name.hasSuffix(suffix) {
            if let r = base.ruleIndex[String(name.dropLast(suffix.count))] { return amount ? f.amounts[r] : f.eligible[r] }
        }
        return nil
    }

    /// The expression with names replaced by values, e.g. `min(0.10 × 2000000 + …, 5000000)`.
    func render(_ e: Expr, _ f: EvalFrame) -> String {
        var out = ""
        out.reserveCapacity(64)
        render(e, f, into: &out)
        return out
    }

    /// Writes into one string instead of concatenating pieces: traces are built for every rule of a match.
    func render(_ e: Expr, _ f: EvalFrame, into out: inout String) {
        switch e.kind {
        case .number(let x): out += x.description
        case .text(let s): out += "\""; out += s; out += "\""
        case .bool(let b): out += b ? "true" : "false"
        case .name(let n): out += value(of: n, f)?.display ?? n
        case .call(let name, let args):
            out += name
            out += "("
            for (k, a) in args.enumerated() {
                if k > 0 { out += ", " }
                render(a, f, into: &out)
            }
            out += ")"
        case .negate(let a): out += "-"; render(a, f, into: &out)
        case .not(let a): out += "not "; render(a, f, into: &out)
        case .binary(let op, let a, let b):
            out += "("
            render(a, f, into: &out)
            switch op {
            case .mul: out += " × "
            case .div: out += " ÷ "
            case .le: out += " ≤ "
            case .ge: out += " ≥ "
            case .ne: out += " ≠ "
            default: out += " "; out += op.rawValue; out += " "
            }
            render(b, f, into: &out)
            out += ")"
        case .ifThenElse(let c, let a, let b):
            out += "if "; render(c, f, into: &out)
            out += " then "; render(a, f, into: &out)
            out += " else "; render(b, f, into: &out)
        case .list(let items):
            out += "["
            for (k, item) in items.enumerated() {
                if k > 0 { out += ", " }
                render(item, f, into: &out)
            }
            out += "]"
        case .member(let a, let b, let negated):
            render(a, f, into: &out)
            out += negated ? " not in " : " in "
            render(b, f, into: &out)
        }
    }

    /// Both sides of an ordering comparison, evaluated alone.
    func sides(rule i: Int, condition c: Int, _ f: EvalFrame) -> (left: Value, right: Value)? {
        guard let (a, b) = base.conditionSides[i][c] else { return nil }
        return ((try? a.eval(f)) ?? .unknown, (try? b.eval(f)) ?? .unknown)
    }

    /// For `a ≥ b` (and the other orderings) that failed, the distance b − a; nil for other conditions.
    func gap(rule i: Int, condition c: Int, _ f: EvalFrame) -> String? {
        guard case .binary(let op, _, _) = base.rules[i].conditions[c].expr.kind, let (a, b) = base.conditionSides[i][c],
              case .num(let l)? = try? a.eval(f), case .num(let r)? = try? b.eval(f) else { return nil }
        let d = (op == .ge || op == .gt) ? try? r - l : try? l - r
        return d.map { ($0.isNegative ? Fixed.zero : $0).description }
    }
}

extension Value {
    /// How a value reads in a trace.
    public var display: String {
        switch self {
        case .unknown: "?"
        case .bool(let b): b ? "true" : "false"
        case .num(let f): f.description
        case .text(let s): s
        }
    }
}
