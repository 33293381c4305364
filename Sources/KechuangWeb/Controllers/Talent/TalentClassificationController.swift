import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 分类认定: a talent sees which class the profile reaches and why, and applies; the talent office confirms (in the
/// computed class or, under the "相当于" clause, another one) or rejects with a reason, and may withdraw a class.
struct TalentClassificationController {
    struct OwnContent: Encodable {
        let assessment: TalentClassificationView
        let current: String?
        let history: [HistoryRow]
        let pending: Bool
        let form: FormState
    }

    struct HistoryRow: Encodable {
        let id: String
        let talentID: String
        let talent: String
        let submittedAt: String
        let state: String
        let stateLabel: String
        let computed: String
        let decided: String
        let reason: String
        let note: String
        let version: String
        let decisionVersion: String
        let decidedBy: String
    }

    struct QueueContent: Encodable {
        let rows: [HistoryRow]
        let pager: Pager
        let state: String
        let states: [RegistrationController.Option]
        let categories: [String]
        let form: FormState
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "talent", "me", "classification", access: .roles([.talent]), use: own)
        r.on(.POST, "talent", "me", "classification", access: .roles([.talent]), use: apply)
        r.on(.GET, "api", "v1", "talent", "me", "classification", access: .roles([.talent]), use: ownAPI)
        r.on(.GET, "admin", "talent", "classifications", access: .staff, use: queue)
        r.on(.POST, "admin", "talent", "classifications", ":id", "decide", access: .staff, use: decide)
        r.on(.POST, "admin", "talent", ":id", "withdraw", access: .staff, use: withdraw)
    }

    static func today(_ req: Request) -> Day { req.today }

    static func row(_ r: TalentClassificationRecord, req: Request) -> HistoryRow {
        HistoryRow(id: r.id!.uuidString, talentID: r.$talent.id.uuidString, talent: r.$talent.value?.name ?? "", submittedAt: r.createdAt.map(ChinaTime.display) ?? "",
                   state: r.state, stateLabel: req.t("talent_classification_state_" + r.state), computed: r.computedCategory ?? "—",
                   decided: r.decidedCategory ?? "—", reason: r.decisionReason ?? "", note: r.applicantNote, version: r.ruleBaseVersion,
                   decisionVersion: r.decisionVersion ?? "", decidedBy: r.decidedByName ?? "")
    }

    func ownContent(_ req: Request, _ t: TalentRecord, form: FormState = .empty) async throws -> OwnContent {
        let base = try req.services.rules.require()
        let day = Self.today(req)
        let result = TalentClassification.run(base: base, date: day, inputs: t.inputs(on: day))
        let history = try await TalentClassificationStore(db: req.db).of(talentID: t.id!)
        return OwnContent(assessment: TalentClassificationView(result, base: base, req: req), current: t.category,
                          history: history.map { Self.row($0, req: req) }, pending: history.contains { $0.state == "submitted" }, form: form)
    }

    @Sendable func own(req: Request) async throws -> View {
        let t = try await req.requireOwnTalent()
        return try await req.page("talent/classification", titleKey: "talent_classification_title", content: try await ownContent(req, t), forms: true)
    }

    @Sendable func ownAPI(req: Request) async throws -> TalentClassificationView {
        let t = try await req.requireOwnTalent()
        let base = try req.services.rules.require()
        return TalentClassificationView(TalentClassification.run(base: base, date: Self.today(req), inputs: t.inputs(on: Self.today(req))), base: base, req: req)
    }

    @Sendable func apply(req: Request) async throws -> Response {
        let t = try await req.requireOwnTalent()
        let input = try InputReader(req, allowed: ["note"])
        let base = try req.services.rules.require()
        let day = Self.today(req)
        do {
            let inputs = t.inputs(on: day)
            _ = try await TalentClassificationStore(db: req.db).apply(t, result: TalentClassification.run(base: base, date: day, inputs: inputs), inputs: inputs,
                                                                       note: input["note"] ?? "", actor: req.actor)
            req.flash("flash_talent_classification_submitted")
            return req.redirect(to: "/talent/me/classification", redirectType: .normal)
        } catch let e as ValidationErrors {
            let view = try await req.page("talent/classification", titleKey: "talent_classification_title",
                                          content: try await ownContent(req, t, form: try FormState(e, values: ["note": input["note"] ?? ""], req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    func queueContent(_ req: Request, form: FormState = .empty) async throws -> QueueContent {
        var f = ListFilters(req)
        let state = f.oneOf("state", ["submitted", "confirmed", "rejected", "all"]) ?? "submitted"
        try f.check()
        let page = try await TalentClassificationStore(db: req.db).list(state: state == "all" ? nil : state,
                                                                          page: PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 30))
        return QueueContent(rows: page.items.map { Self.row($0, req: req) }, pager: Pager(page, path: "/admin/talent/classifications", query: f.pagerQuery),
                            state: state, states: ["submitted", "confirmed", "rejected", "all"].map { .init(value: $0, label: req.t("talent_classification_state_" + $0)) },
                            categories: TalentCategory.allCases.map(\.rawValue), form: form)
    }

    @Sendable func queue(req: Request) async throws -> View {
        try await req.requireTalentOffice()
        return try await req.page("talent/classifications", titleKey: "talent_classifications_title", content: try await queueContent(req), forms: true)
    }

    @Sendable func decide(req: Request) async throws -> Response {
        try await req.requireTalentOffice()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("talent_classification") }
        let input = try InputReader(req, allowed: ["decision", "category", "reason"])
        let base = try req.services.rules.require()
        do {
            var v = Validator()
            let decision = v.choice("decision", input["decision"], as: TalentClassificationStore.Decision.self)
            var category: TalentCategory?
            if let raw = input["category"], !raw.isEmpty {
                category = TalentCategory(rawValue: raw)
                if category == nil { v.add(.invalid("category", "field.not_allowed", ["value": String(raw.prefix(10))])) }
            }
            try v.throwIfAny()
            try await TalentClassificationStore(db: req.db).decide(id, decision!, category: category, reason: input["reason"] ?? "",
                                                                    ruleBaseVersion: base.version, today: Self.today(req), actor: req.actor)
            req.flash("flash_talent_classification_decided")
            return req.redirect(to: "/admin/talent/classifications", redirectType: .normal)
        } catch let e as ValidationErrors {
            var values = input.values
            values["id"] = id.uuidString
            let view = try await req.page("talent/classifications", titleKey: "talent_classifications_title",
                                          content: try await queueContent(req, form: try FormState(e, values: values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    @Sendable func withdraw(req: Request) async throws -> Response {
        try await req.requireTalentOffice()
        guard let id = req.parameters.get("id", as: UUID.self), let t = try await req.talents.find(id) else { throw DomainError.notFound("talent") }
        let input = try InputReader(req, allowed: ["reason"])
        try await TalentClassificationStore(db: req.db).withdraw(talent: t, reason: input["reason"] ?? "", actor: req.actor)
        req.flash("flash_talent_category_withdrawn")
        return req.redirect(to: "/admin/talent/\(id.uuidString)", redirectType: .normal)
    }
}
