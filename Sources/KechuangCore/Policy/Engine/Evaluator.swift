import Foundation

/// The result of one rule for one entity.
public struct RuleOutcome: Sendable, Equatable {
    public enum Status: String, Sendable {
        case eligible
        case notEligible = "not_eligible"
        /// An input the rule needs is missing; `missing` says which.
        case undetermined
        /// The evaluation date is outside the rule's period, or a parameter has no value then.
        case notInForce = "not_in_force"
        /// Eligible, but another rule of its exclusive group pays more (就高不重复).
        case superseded
    }

    public let ruleID: String
    public internal(set) var status: Status
    /// Payable amount (yuan, rounded to fen with the rule's rounding) when eligible.
    public internal(set) var amount: Fixed?
    /// What the amount would be if the missing inputs allowed it (undetermined rules).
    public internal(set) var potentialAmount: Fixed?
    public internal(set) var missing: [String]
    /// Why a payable amount was cut or withheld (cap group, exclusive group).
    public internal(set) var note: String?
    /// Arithmetic that could not be done (overflow, division by zero) for this entity.
    public internal(set) var error: String?
}

/// Parameter overrides for what-if runs: a name and the value to use on every date.
public typealias ParameterOverlay = [String: Value]

/// The result of one rule without explanations: what batch runs need, kept in a reusable buffer.
public struct FastOutcome: Sendable {
    public var status: RuleOutcome.Status = .notInForce
    public var amount: Fixed = .zero
    public var potential: Fixed?
    public var error: EvalError?
    /// Rule index of the exclusive-group winner that superseded this one, or -1.
    public var supersededBy: Int = -1
    /// The amount before a cap group cut it, when it did.
    public var reducedFrom: Fixed?
}

/// Everything fixed for one evaluation date, entity kind and overlay; reused across many entities.
public final class PreparedEvaluation: @unchecked Sendable {
    public let base: RuleBase
    public let date: Day
    public let entity: EntityKind
    let params: [Value]
    /// Rules of this entity kind that are in force on the date, in dependency order.
    let active: [Int]
    let inactive: [Int]
    /// All rules of this entity kind, in rule-base order.
    public let applicable: [Int]
    /// Exclusive groups among active rules: each a list of rule indices (only groups with 2+ members).
    let exclusiveGroups: [[Int]]
    /// Cap groups among active rules: limit and members in rule order.
    let capGroups: [(limit: Fixed, members: [Int], id: String)]
    /// Per rule index: its rounding, copied out so the hot loop never copies a whole `RuleDef`.
    let rounding: [RoundingMode]

    init(base: RuleBase, date: Day, entity: EntityKind, overlay: ParameterOverlay) {
        self.base = base
        self.date = date
        self.entity = entity
        let params = base.parameters.map { p in overlay[p.name] ?? p.value(at: date)?.value ?? .unknown }
        self.params = params
        var active: [Int] = [], inactive: [Int] = []
        for (i, r) in base.rules.enumerated() where r.entities.contains(entity) {
            let inPeriod = r.effectiveFrom <= date && (r.effectiveUntil.map { date <= $0 } ?? true)
            let paramsKnown = base.ruleParameters[i].allSatisfy { params[$0] != .unknown }
            if inPeriod && paramsKnown { active.append(i) } else { inactive.append(i) }
        }
        self.active = active
        self.inactive = inactive
        applicable = (active + inactive).sorted()
        rounding = base.rules.map(\.rounding)
        exclusiveGroups = Dictionary(grouping: active.filter { base.rules[$0].exclusiveGroup != nil }, by: { base.rules[$0].exclusiveGroup! })
            .values.filter { $0.count > 1 }.map { $0.sorted() }
        capGroups = base.capGroups.compactMap { g in
            guard let slot = base.parameterIndex[g.parameter], case .num(let limit) = params[slot] else { return nil }
            let members = active.filter { base.rules[$0].capGroup == g.id }
            return members.isEmpty ? nil : (limit, members, g.id)
        }
    }

    public func makeFrame() -> EvalFrame {
        EvalFrame(inputCount: base.variables.count, params: params, ruleCount: base.rules.count)
    }

    /// A buffer for `evaluate(_:into:)`, indexed by rule index.
    public func makeBuffer() -> [FastOutcome] { Array(repeating: FastOutcome(), count: base.rules.count) }

    /// Evaluates every applicable rule into `out` (indexed by rule index) without allocating: the batch path.
    public func evaluate(_ f: EvalFrame, into out: inout [FastOutcome]) {
        for i in inactive {
            f.eligible[i] = .bool(false)
            f.amounts[i] = .num(.zero)
            out[i] = FastOutcome()
        }
        for i in active {
            var o = FastOutcome()
            do throws(EvalError) {
                var eligibility = Value.bool(true)
                for node in base.conditionNodes[i] {
                    let v = try node.eval(f)
                    if v == .bool(false) { eligibility = v; break }
                    if v == .unknown { eligibility = .unknown }
                }
                var amount: Fixed?
                if eligibility != .bool(false), let node = base.amountNodes[i] {
                    if case .num(let a) = try node.eval(f) {
                        do { amount = try a.rounded(scale: 2, rounding[i]) } catch { throw EvalError.arithmetic(error) }
                    } else if eligibility == .bool(true) {
                        eligibility = .unknown
                    }
                }
                switch eligibility {
                case .bool(true): o.status = .eligible; o.amount = amount ?? .zero
                case .bool(false): o.status = .notEligible
                default: o.status = .undetermined; o.potential = amount
                }
            } catch {
                o.status = .undetermined
                o.error = error
            }
            f.eligible[i] = o.status == .eligible ? .bool(true) : (o.status == .notEligible ? .bool(false) : .unknown)
            f.amounts[i] = o.status == .eligible ? .num(o.amount) : (o.status == .notEligible ? .num(.zero) : .unknown)
            out[i] = o
        }
        applyGroups(&out)
    }

    /// 就高不重复 first (the highest amount stays, ties to the earlier rule), then cap groups in rule order.
    func applyGroups(_ out: inout [FastOutcome]) {
        for members in exclusiveGroups {
            let eligible = members.filter { out[$0].status == .eligible }
            guard eligible.count > 1 else { continue }
            var best = eligible[0]
            for k in eligible.dropFirst() where out[best].amount < out[k].amount { best = k }
            for k in eligible where k != best {
                out[k].status = .superseded
                out[k].supersededBy = best
                out[k].potential = out[k].amount
                out[k].amount = .zero
            }
        }
        for group in capGroups {
            var remaining = group.limit
            for k in group.members where out[k].status == .eligible {
                let a = out[k].amount
                if remaining < a {
                    out[k].reducedFrom = a
                    out[k].amount = max(remaining, .zero)
                }
                remaining = (try? remaining - out[k].amount) ?? .zero
            }
        }
    }

    /// Evaluates every rule for the inputs in `frame.inputs`, with missing inputs and group notes filled in.
    public func evaluate(_ f: EvalFrame) -> [RuleOutcome] {
        var buffer = makeBuffer()
        evaluate(f, into: &buffer)
        return (active + inactive).map { i in
            let o = buffer[i]
            var out = RuleOutcome(ruleID: base.rules[i].id, status: o.status, amount: o.status == .eligible ? o.amount : nil,
                                  potentialAmount: o.potential, missing: [], note: nil, error: o.error.map { "\($0)" })
            if o.status == .undetermined && o.error == nil { out.missing = missingInputs(i, f) }
            if o.supersededBy >= 0 {
                out.note = "superseded by \(base.rules[o.supersededBy].id) (\(base.rules[i].exclusiveGroup ?? ""): 就高不重复)"
            }
            if let from = o.reducedFrom {
                out.note = "reduced from \(from.yuanString) to \(o.amount.yuanString) by \(base.rules[i].capGroup ?? "")"
            }
            return out
        }
    }

    /// The missing inputs behind the rule's undecided conditions (and its amount), through rule references too.
    func missingInputs(_ i: Int, _ f: EvalFrame) -> [String] {
        let rule = base.rules[i]
        var exprs: [Expr] = []
        for (c, node) in base.conditionNodes[i].enumerated() where (try? node.eval(f)) == .unknown { exprs.append(rule.conditions[c].expr) }
        if let a = rule.amount, let node = base.amountNodes[i], (try? node.eval(f)) == .unknown { exprs.append(a) }
        var names = Set<String>()
        for n in exprs.flatMap(\.names) {
            if let slot = base.variableIndex[n], f.inputs[slot] == .unknown { names.insert(n) }
            for suffix in [".amount", ".eligible"] where n.hasSuffix(suffix) {
                if let dep = base.ruleIndex[String(n.dropLast(suffix.count))] {
                    names.formUnion(base.ruleInputs[dep].filter { f.inputs[base.variableIndex[$0]!] == .unknown })
                }
            }
        }
        return names.sorted()
    }
}

extension RuleBase {
    public func prepare(date: Day, entity: EntityKind, overlay: ParameterOverlay = [:]) -> PreparedEvaluation {
        PreparedEvaluation(base: self, date: date, entity: entity, overlay: overlay)
    }

    /// One entity, inputs by name. Unknown names and wrong types are the caller's to check (see `checkInputs`).
    public func evaluate(entity: EntityKind, date: Day, inputs: [String: Value], overlay: ParameterOverlay = [:]) -> [RuleOutcome] {
        let prepared = prepare(date: date, entity: entity, overlay: overlay)
        let f = prepared.makeFrame()
        for (name, v) in inputs { if let slot = variableIndex[name] { f.inputs[slot] = v } }
        return prepared.evaluate(f)
    }
}
