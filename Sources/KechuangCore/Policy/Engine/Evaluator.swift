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

/// Everything fixed for one evaluation date, entity kind and overlay; reused across many entities.
public final class PreparedEvaluation: @unchecked Sendable {
    public let base: RuleBase
    public let date: Day
    public let entity: EntityKind
    let params: [Value]
    /// Rules of this entity kind that are in force on the date, in dependency order.
    let active: [Int]
    let inactive: [Int]

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
    }

    public func makeFrame() -> EvalFrame {
        EvalFrame(inputCount: base.variables.count, params: params, ruleCount: base.rules.count)
    }

    /// Evaluates every rule for the inputs already placed in `frame.inputs`.
    public func evaluate(_ f: EvalFrame) -> [RuleOutcome] {
        var outcomes: [RuleOutcome] = []
        outcomes.reserveCapacity(active.count + inactive.count)
        for i in inactive {
            f.eligible[i] = .bool(false)
            f.amounts[i] = .num(.zero)
        }
        for i in active {
            outcomes.append(evaluateRule(i, f))
        }
        applyGroups(&outcomes, f)
        for i in inactive {
            outcomes.append(RuleOutcome(ruleID: base.rules[i].id, status: .notInForce, amount: nil, potentialAmount: nil, missing: [], note: nil, error: nil))
        }
        return outcomes
    }

    func evaluateRule(_ i: Int, _ f: EvalFrame) -> RuleOutcome {
        let rule = base.rules[i]
        var out = RuleOutcome(ruleID: rule.id, status: .eligible, amount: nil, potentialAmount: nil, missing: [], note: nil, error: nil)
        do {
            var eligibility = Value.bool(true)
            var unknownConditions: [Int] = []
            for (c, node) in base.conditionNodes[i].enumerated() {
                let v = try node.eval(f)
                if v == .bool(false) { eligibility = .bool(false); break }
                if v == .unknown { eligibility = .unknown; unknownConditions.append(c) }
            }
            var amount: Fixed?
            if eligibility != .bool(false), let node = base.amountNodes[i] {
                if case .num(let a) = try node.eval(f) {
                    do { amount = try a.rounded(scale: 2, rule.rounding) } catch { throw EvalError.arithmetic(error) }
                } else if eligibility == .bool(true) {
                    eligibility = .unknown
                    unknownConditions.append(-1)
                }
            }
            switch eligibility {
            case .bool(true):
                out.amount = amount
            case .bool(false):
                out.status = .notEligible
            default:
                out.status = .undetermined
                out.potentialAmount = amount
                out.missing = missingInputs(i, unknownConditions, f)
            }
        } catch {
            out.status = .undetermined
            out.error = "\(error)"
        }
        f.eligible[i] = out.status == .eligible ? .bool(true) : (out.status == .notEligible ? .bool(false) : .unknown)
        f.amounts[i] = out.status == .eligible ? .num(out.amount ?? .zero) : (out.status == .notEligible ? .num(.zero) : .unknown)
        return out
    }

    /// The missing inputs behind undecided conditions (index -1: the amount), through rule references too.
    func missingInputs(_ i: Int, _ conditions: [Int], _ f: EvalFrame) -> [String] {
        let rule = base.rules[i]
        var names = Set<String>()
        for c in conditions {
            let exprNames = c < 0 ? (rule.amount?.names ?? []) : rule.conditions[c].expr.names
            for n in exprNames {
                if let slot = base.variableIndex[n], f.inputs[slot] == .unknown { names.insert(n) }
                for suffix in [".amount", ".eligible"] where n.hasSuffix(suffix) {
                    if let dep = base.ruleIndex[String(n.dropLast(suffix.count))] {
                        names.formUnion(base.ruleInputs[dep].filter { f.inputs[base.variableIndex[$0]!] == .unknown })
                    }
                }
            }
        }
        return names.sorted()
    }

    /// 就高不重复 first, then cap groups, in rule order.
    func applyGroups(_ outcomes: inout [RuleOutcome], _ f: EvalFrame) {
        var byGroup: [String: [Int]] = [:]
        for (k, o) in outcomes.enumerated() {
            if let g = base.rule(o.ruleID)?.exclusiveGroup, o.status == .eligible { byGroup[g, default: []].append(k) }
        }
        for (group, members) in byGroup where members.count > 1 {
            let best = members.max { (outcomes[$0].amount ?? .zero) < (outcomes[$1].amount ?? .zero) }!
            for k in members where k != best {
                outcomes[k].status = .superseded
                outcomes[k].note = "superseded by \(outcomes[best].ruleID) (\(group): 就高不重复)"
                outcomes[k].potentialAmount = outcomes[k].amount
                outcomes[k].amount = nil
            }
        }
        for group in base.capGroups {
            guard let slot = base.parameterIndex[group.parameter], case .num(var remaining) = params[slot] else { continue }
            for k in outcomes.indices where outcomes[k].status == .eligible && base.rule(outcomes[k].ruleID)?.capGroup == group.id {
                let a = outcomes[k].amount ?? .zero
                if remaining < a {
                    outcomes[k].note = "reduced from \(a.yuanString) to \(max(remaining, .zero).yuanString) by \(group.id)"
                    outcomes[k].amount = max(remaining, .zero)
                }
                remaining = (try? remaining - (outcomes[k].amount ?? .zero)) ?? .zero
            }
        }
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
