import Foundation

/// 分类认定: each class of the 目录 evaluated by the engine from a profile — met, not met or undetermined, with every
/// criterion's tests (value, threshold, gap) — and the class the profile reaches (the highest met).
///
/// A class is one `talent_class_<x>` rule in `policies/ordos/talent/` (scheme `talent_classification`) whose `when`
/// lines name its criteria as `<criterion>.eligible`, alternatives joined by `or`: the shape of the ladder's rungs, so
/// the ladder's criterion reading is reused.
public struct TalentClassification: Sendable {
    public static let scheme = "talent_classification"

    public struct ClassResult: Sendable {
        public let category: TalentCategory
        public let rule: RuleDef
        public let status: RuleOutcome.Status
        public let requirements: [LadderAssessment.Requirement]
        public let missing: [String]
        public let provisional: Bool

        /// The criteria that hold (any route of any line).
        public var met: [LadderAssessment.Criterion] { requirements.flatMap { $0.alternatives.filter { $0.status == .eligible } } }
    }

    public let date: Day
    public let ruleBaseVersion: String
    public let classes: [ClassResult]

    /// The highest class met, if any.
    public var category: TalentCategory? { classes.filter { $0.status == .eligible }.map(\.category).max() }

    /// The class just above the one reached (or F when none is), with what it still needs.
    public var nextClass: ClassResult? {
        guard let reached = category else { return classes.last }
        return classes.last { $0.category > reached && $0.status != .notInForce }
    }

    public func result(_ c: TalentCategory) -> ClassResult? { classes.first { $0.category == c } }

    public static func run(base: RuleBase, date: Day, inputs: [String: Value]) -> TalentClassification {
        let traces = Dictionary(base.explain(entity: .talent, date: date, inputs: inputs).filter { $0.rule.scheme == scheme }.map { ($0.rule.id, $0) },
                                uniquingKeysWith: { a, _ in a })
        let classes = TalentCategory.allCases.compactMap { c -> ClassResult? in
            guard let trace = traces[c.ruleID] else { return nil }
            let requirements = trace.rule.conditions.map { cond in
                LadderAssessment.Requirement(alternatives: LadderAssessment.referencedRules(cond.expr, suffix: ".eligible").compactMap { traces[$0] }
                    .map { LadderAssessment.criterion($0, traces, base) })
            }
            return ClassResult(category: c, rule: trace.rule, status: trace.outcome.status, requirements: requirements,
                               missing: trace.outcome.missing, provisional: requirements.contains { $0.alternatives.contains(where: \.provisional) })
        }
        return TalentClassification(date: date, ruleBaseVersion: base.version, classes: classes)
    }
}
