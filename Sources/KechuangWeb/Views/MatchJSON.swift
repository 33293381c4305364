import KechuangCore
import Vapor

/// A match report as the API returns it; the page renders the same structure.
struct MatchJSON: Content {
    struct Result: Content {
        let rule: String
        let title: String
        let titleEn: String
        let article: Int
        let quote: String
        let kind: String
        let automatic: Bool
        let status: String
        /// Yuan with two decimals, as text: exact, never a binary float.
        let amount: String?
        let potentialAmount: String?
        /// True when an amount rests on a provisional parameter value.
        let provisional: Bool
        let missingInputs: [String]
        let note: String?
        /// The amount is a ceiling (择优给予最高), not an entitlement.
        let ceiling: Bool
        let error: String?
        let trace: Trace
    }

    struct Trace: Content {
        let conditions: [Condition]
        let failedCondition: Int?
        let formula: String?
        let formulaSubstituted: String?
        let parameters: [Parameter]
    }

    struct Condition: Content {
        let condition: String
        let substituted: String
        let result: String
        let gap: String?
        let missing: [String]
    }

    struct Parameter: Content {
        let name: String
        let label: String
        let value: String
        let unit: String
        let from: String
        let until: String?
        let status: String
        let source: String
        let overridden: Bool
    }

    struct Missing: Content {
        let name: String
        let label: String
        let labelEn: String
        let type: String
        let allowed: [String]?
        let decides: [String]
    }

    let ruleBaseVersion: String
    let date: String
    let kind: String
    let eligibleAwardTotal: String
    let results: [Result]
    let missingInputs: [Missing]

    init(_ r: MatchReport) {
        ruleBaseVersion = r.ruleBaseVersion
        date = r.date.description
        kind = r.entity.rawValue
        eligibleAwardTotal = r.eligibleAwardTotal.yuanString
        results = r.items.map { item in
            let t = item.trace, o = item.outcome, rule = item.rule
            return Result(
                rule: rule.id, title: rule.title, titleEn: rule.titleEn, article: rule.article, quote: rule.quote, kind: rule.kind.rawValue,
                automatic: rule.automatic, status: o.status.rawValue, amount: o.amount?.yuanString, potentialAmount: o.potentialAmount?.yuanString,
                provisional: rule.kind.hasAmount && t.provisional, missingInputs: o.missing, note: o.note, ceiling: rule.ceiling, error: o.error,
                trace: Trace(
                    conditions: t.conditions.map { Condition(condition: $0.source, substituted: $0.substituted, result: $0.result.display, gap: $0.gap, missing: $0.missing) },
                    failedCondition: t.failedCondition, formula: t.formula, formulaSubstituted: t.formulaSubstituted,
                    parameters: t.parameters.map { Parameter(name: $0.name, label: $0.label, value: $0.value, unit: $0.unit, from: $0.from, until: $0.until,
                                                              status: $0.status.rawValue, source: $0.source, overridden: $0.overridden) }))
        }
        missingInputs = r.missingInputs.map {
            Missing(name: $0.variable.name, label: $0.variable.label, labelEn: $0.variable.labelEn, type: $0.variable.type.rawValue,
                    allowed: $0.variable.allowed, decides: $0.decides)
        }
    }
}
