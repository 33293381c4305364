import Foundation
import KechuangCore
import Vapor

/// The ladder self-assessment as pages and the API show it: machine fields (`rung`, `status`, `value`…) beside the
/// texts a person reads (`title`, `statusLabel`, `gapText`…), so one structure serves both.
struct LadderView: Content {
    struct Line: Content {
        let condition: String
        let substituted: String
        let result: String
        let mark: String
        let value: String?
        let threshold: String?
        let gap: String?
        let unit: String
        let valueText: String?
        let thresholdText: String?
        let gapText: String?
    }

    struct Part: Content {
        let rule: String
        let title: String
        let points: String?
    }

    struct Criterion: Content {
        let rule: String
        let title: String
        let status: String
        let statusLabel: String
        let statusClass: String
        let lines: [Line]
        let parts: [Part]
        let missing: [String]
        let missingLabels: [String]
        let provisional: Bool
    }

    struct Requirement: Content {
        let anyOf: Bool
        let satisfied: Bool
        let criteria: [Criterion]
    }

    struct Rung: Content {
        let rung: String
        let rule: String
        let title: String
        let governingText: String
        let status: String
        let statusLabel: String
        let statusClass: String
        let held: Bool
        let isNext: Bool
        let provisional: Bool
        let missing: [String]
        let missingLabels: [String]
        let requirements: [Requirement]
        let metCount: Int
    }

    let date: String
    let ruleBaseVersion: String
    let nextRung: String?
    let nextRungTitle: String?
    let rungs: [Rung]

    init(_ a: LadderAssessment, base: RuleBase, req: Request) {
        let en = req.lang == .en
        let next = a.nextRung?.rung
        date = a.date.description
        ruleBaseVersion = a.ruleBaseVersion
        nextRung = next?.rawValue
        nextRungTitle = a.nextRung.map { en ? $0.rule.titleEn : $0.rule.title }
        rungs = a.rungs.map { r in
            let requirements = Self.requirements(r.requirements, base: base, req: req)
            let (sl, sc) = Self.status(r.status, req: req)
            return Rung(rung: r.rung.rawValue, rule: r.rule.id, title: en ? r.rule.titleEn : r.rule.title, governingText: r.rung.governingText,
                        status: r.status.rawValue, statusLabel: sl, statusClass: sc, held: r.held, isNext: r.rung == next,
                        provisional: r.provisional, missing: r.missing, missingLabels: r.missing.map { Self.label($0, base: base, req: req) },
                        requirements: requirements, metCount: requirements.filter(\.satisfied).count)
        }
    }

    static func label(_ name: String, base: RuleBase, req: Request) -> String {
        base.variable(name).map { req.lang == .en ? $0.labelEn : $0.label } ?? name
    }

    static func status(_ s: RuleOutcome.Status, req: Request) -> (String, String) {
        (req.t("ladder_status_\(s.rawValue)"), s.rawValue.replacingOccurrences(of: "_", with: "-"))
    }

    /// The criteria of a rung (or a talent class) with each test's value, threshold and gap: shared with 分类认定.
    static func requirements(_ list: [LadderAssessment.Requirement], base: RuleBase, req: Request) -> [Requirement] {
        let en = req.lang == .en
        func amount(_ x: Fixed?, _ unit: LadderUnit) -> String? {
            guard let x else { return nil }
            switch unit {
            case .money: return LadderFormat.money(x, english: en)
            case .points: return LadderFormat.plain(x) + (en ? " pts" : " 分")
            case .count, .number: return LadderFormat.plain(x)
            }
        }
        return list.map { q in
            Requirement(anyOf: q.alternatives.count > 1, satisfied: q.satisfied, criteria: q.alternatives.map { c in
                let (sl, sc) = status(c.status, req: req)
                return Criterion(
                    rule: c.rule.id, title: en ? c.rule.titleEn : c.rule.title, status: c.status.rawValue, statusLabel: sl, statusClass: sc,
                    lines: c.lines.map { l in
                        Line(condition: l.source, substituted: l.substituted, result: l.result.display,
                             mark: l.result == .bool(true) ? "✓" : (l.result == .bool(false) ? "✗" : "?"),
                             value: l.value?.description, threshold: l.threshold?.description, gap: l.gap?.description, unit: l.unit.rawValue,
                             valueText: amount(l.value, l.unit), thresholdText: amount(l.threshold, l.unit), gapText: l.gapText(english: en))
                    },
                    parts: c.parts.map { Part(rule: $0.ruleID, title: en ? $0.titleEn : $0.title, points: $0.points.map(LadderFormat.plain)) },
                    missing: c.missing, missingLabels: c.missing.map { label($0, base: base, req: req) }, provisional: c.provisional)
            })
        }
    }
}
