import Foundation
import KechuangCore
import Vapor

/// 一键匹配 for anyone: choose the kind of entity, type what you know, see every rule with its reasons.
struct MatchController {
    struct Content: Encodable {
        let kinds: [RegistrationController.Option]
        let kind: String
        let date: String
        let fields: [Field]
        let submitted: Bool
        let errors: [String]
        let report: ReportView?
    }

    struct Field: Encodable {
        let name: String
        let label: String
        let type: String
        let source: String
        let government: Bool
        let value: String
        let options: [RegistrationController.Option]?
        let missing: Bool
        let error: String?
    }

    struct ReportView: Encodable {
        let total: String
        let eligibleCount: Int
        let undeterminedCount: Int
        let version: String
        let items: [ItemView]
    }

    struct ItemView: Encodable {
        let json: MatchJSON.Result
        let title: String
        let articleLabel: String
        let statusLabel: String
        let statusClass: String
        let amount: String?
        let potential: String?
        let missingLabels: [String]
        let conditions: [ConditionView]
        /// Shown on an organisation's own match: eligible awards it has not applied for yet.
        let canApply: Bool
        let alreadyApplied: Bool
    }

    struct ConditionView: Encodable {
        let condition: String
        let substituted: String
        let mark: String
        let failed: Bool
        let gap: String?
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "policy", "match", access: .everyone, use: page)
    }

    @Sendable func page(req: Request) async throws -> View {
        let base = try req.services.rules.require()
        let query = (try? req.query.decode([String: String].self)) ?? [:]
        let kind = EntityKind(rawValue: query["kind"] ?? "") ?? .enterprise
        let today = ChinaTime.dateString(req.now)
        let date = query["date"].flatMap { $0.isEmpty ? nil : $0 } ?? today
        let submitted = query["run"] == "1"
        let raw = ProfileForm.rawInputs(query, skipping: ["kind", "date", "run"])
        var fieldErrors: [String: String] = [:]
        var general: [String] = []
        var report: MatchReport?
        if submitted {
            switch Self.run(base: base, kind: kind, date: date, raw: raw, today: today) {
            case .success(let r): report = r
            case .failure(let v): (fieldErrors, general) = ProfileForm.errors(v, req: req)
            }
        }
        // Only what the benefits read: the ladder's inputs have their own self-assessment form.
        let fields = ProfileForm.fields(base.variables(for: kind, scheme: nil), query: query,
                                        missing: Set(report?.missingInputs.map(\.variable.name) ?? []), errors: fieldErrors, req: req)
        return try await req.page("policy/match", titleKey: "match_title", content: Content(
            kinds: EntityKind.allCases.map { .init(value: $0.rawValue, label: req.t("entity_\($0.rawValue)")) },
            kind: kind.rawValue, date: date, fields: fields, submitted: submitted, errors: general,
            report: report.map { view($0, base: base, req: req) }))
    }

    /// Validates and runs the match; a plain function so the page handler stays simple.
    static func run(base: RuleBase, kind: EntityKind, date: String, raw: [String: RawInput], today: String) -> Result<MatchReport, ValidationErrors> {
        Result { () throws(ValidationErrors) -> MatchReport in
            let (entity, day, inputs) = try MatchRequest(kind: kind.rawValue, date: date, inputs: raw).validate(against: base, today: Day(today)!)
            return MatchReport.run(base: base, entity: entity, date: day, inputs: inputs)
        }
    }

    /// `applying`: rule ids already applied for, when the viewer may apply; nil on the public page.
    func view(_ r: MatchReport, base: RuleBase, req: Request, applying applied: Set<String>? = nil) -> ReportView {
        let json = MatchJSON(r)
        let en = req.lang == .en
        let items = json.results.map { res in
            let conds = res.trace.conditions.enumerated().map { k, c in
                ConditionView(condition: c.condition, substituted: c.substituted, mark: c.result == "true" ? "✓" : (c.result == "false" ? "✗" : "?"),
                              failed: res.trace.failedCondition == k, gap: c.gap)
            }
            return ItemView(json: res, title: en ? res.titleEn : res.title, articleLabel: req.t("cite_article", ["n": String(res.article)]), statusLabel: req.t("status_\(res.status)"),
                            statusClass: res.status.replacingOccurrences(of: "_", with: "-"),
                            amount: res.amount.flatMap { Money(yuanString: $0)?.display }, potential: res.potentialAmount.flatMap { Money(yuanString: $0)?.display },
                            missingLabels: res.missingInputs.map { n in base.variable(n).map { en ? $0.labelEn : $0.label } ?? n }, conditions: conds,
                            canApply: applied != nil && res.status == "eligible" && res.kind == "award" && !(applied!.contains(res.rule)),
                            alreadyApplied: applied?.contains(res.rule) ?? false)
        }
        return ReportView(total: Money(yuanString: json.eligibleAwardTotal)?.display ?? json.eligibleAwardTotal,
                          eligibleCount: json.results.filter { $0.status == "eligible" }.count,
                          undeterminedCount: json.results.filter { $0.status == "undetermined" }.count, version: json.ruleBaseVersion, items: items)
    }
}
