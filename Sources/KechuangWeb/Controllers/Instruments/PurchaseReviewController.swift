import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 查重评议: a unit proposes a purchase; the platform lists comparable instruments in the city with their use over
/// the last twelve months and applies the review rules of the policy files; a reviewer records opinion and decision.
struct PurchaseReviewController {
    typealias Findings = PurchaseReviewStore.Findings

    struct ListContent: Encodable {
        let rows: [Row]
        let pager: Pager
        let canPropose: Bool
    }

    struct Row: Encodable {
        let id: String
        let name: String
        let organization: String
        let budget: String
        let status: String
        let decision: String?
        let date: String
    }

    struct NewContent: Encodable {
        let organizations: [RegistrationController.Option]
        let fundingSources: [RegistrationController.Option]
        let form: FormState
    }

    struct ShowContent: Encodable {
        let id: String
        let name: String
        let organization: String
        let facts: [InstrumentPage.Fact]
        let findings: Findings
        let applies: [Findings.Finding]
        let staff: Bool
        let decided: Bool
        let decision: String?
        let opinion: String?
        let decisions: [RegistrationController.Option]
        let form: FormState
        let en: Bool
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "purchase-reviews", access: .signedIn, use: list)
        r.on(.GET, "purchase-reviews", "new", access: .signedIn, use: newForm)
        r.on(.POST, "purchase-reviews", access: .signedIn, use: create)
        r.on(.GET, "purchase-reviews", ":id", access: .signedIn, use: show)
        r.on(.POST, "purchase-reviews", ":id", "decide", access: .staff, use: decide)
    }

    @Sendable func list(req: Request) async throws -> View {
        let me = try req.requireUser()
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20)
        let (found, units, proposes) = try await PurchaseReviewStore(db: req.db).list(userID: me.id, staff: me.role.isStaff, page: page)
        let rows = found.map { r in
            Row(id: r.id!.uuidString, name: r.name, organization: units[r.organizationID] ?? "", budget: Money(fen: r.budgetFen).display,
                status: req.t("review_status_\(r.status)"), decision: r.decision.map { req.t("review_decision_\($0)") }, date: r.createdAt.map(ChinaTime.display) ?? "")
        }
        return try await req.page("instruments/reviews", titleKey: "reviews_title", content: ListContent(
            rows: rows.items, pager: Pager(rows, path: "/purchase-reviews", query: [:]), canPropose: proposes))
    }

    func newContent(_ req: Request, form: FormState) async throws -> NewContent {
        NewContent(organizations: try await req.registeringOrganizations().map { .init(value: $0.id!.uuidString, label: $0.name) },
                   fundingSources: FundingSource.allCases.map { .init(value: $0.rawValue, label: req.t("funding_\($0.rawValue)")) }, form: form)
    }

    @Sendable func newForm(req: Request) async throws -> View {
        try await req.page("instruments/review-new", titleKey: "review_new_title", content: newContent(req, form: FormState(values: ["fiscal_share": "1"])), forms: true)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try InputReader(req, allowed: ["organization_id", "name", "model", "class_code", "key_specs", "budget", "funding_source", "fiscal_share", "justification"])
        do {
            let proposal = try PurchaseProposal.parse(input.values, allowed: try await req.registeringOrganizations().compactMap(\.id))
            let record = try await PurchaseReviewStore(db: req.db).submit(proposal, submittedBy: try req.requireUser().id, base: try req.services.rules.require(),
                                                                          now: req.now, actor: req.actor)
            return req.redirect(to: "/purchase-reviews/\(record.id!.uuidString)", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError).map({ $0.kind == .invalidInput }) == true {
            let view = try await req.page("instruments/review-new", titleKey: "review_new_title", content: newContent(req, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    static func record(_ req: Request) async throws -> PurchaseReviewRecord {
        let me = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("purchase_review") }
        return try await PurchaseReviewStore(db: req.db).review(id, userID: me.id, staff: me.role.isStaff)
    }

    func showContent(_ req: Request, _ r: PurchaseReviewRecord, form: FormState = .empty) async throws -> ShowContent {
        let store = PurchaseReviewStore(db: req.db)
        let findings = try store.findings(of: r)
        let unit = try await store.unitName(of: r)
        let facts: [InstrumentPage.Fact] = [
            .init(label: req.t("ins_f_model"), value: r.model), .init(label: req.t("ins_f_class_code"), value: r.classCode),
            .init(label: req.t("review_budget"), value: Money(fen: r.budgetFen).display), .init(label: req.t("ins_f_funding_source"), value: req.t("funding_\(r.fundingSource)")),
            .init(label: req.t("ins_f_fiscal_share"), value: r.fiscalShare), .init(label: req.t("review_key_specs"), value: r.keySpecs),
            .init(label: req.t("review_justification"), value: r.justification), .init(label: req.t("review_window_total"), value: findings.recentSameClassTotal),
            .init(label: req.t("review_saturation"), value: findings.saturationHours), .init(label: req.t("review_rule_version"), value: r.ruleBaseVersion),
        ]
        return ShowContent(id: r.id!.uuidString, name: r.name, organization: unit ?? "", facts: facts, findings: findings,
                           applies: findings.findings.filter { $0.status == "eligible" }, staff: req.currentUser?.role.isStaff ?? false,
                           decided: r.status == "decided", decision: r.decision.map { req.t("review_decision_\($0)") }, opinion: r.opinion,
                           decisions: PurchaseProposal.decisions.map { .init(value: $0, label: req.t("review_decision_\($0)")) }, form: form,
                           en: req.lang == .en)
    }

    @Sendable func show(req: Request) async throws -> View {
        let r = try await Self.record(req)
        return try await req.page("instruments/review", titleKey: "review_title", titleArgs: ["name": r.name], content: showContent(req, r), forms: true)
    }

    @Sendable func decide(req: Request) async throws -> Response {
        let r = try await Self.record(req)
        let input = try InputReader(req, allowed: ["decision", "opinion"])
        do {
            let (decision, opinion) = try PurchaseProposal.parseDecision(input["decision"], opinion: input["opinion"])
            try await PurchaseReviewStore(db: req.db).decide(r, decision: decision, opinion: opinion, decidedBy: try req.requireUser().id, now: req.now, actor: req.actor)
            req.flash("flash_review_decided")
            return req.redirect(to: "/purchase-reviews/\(r.id!.uuidString)", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError).map({ $0.kind == .invalidInput || $0.kind == .conflict }) == true {
            let view = try await req.page("instruments/review", titleKey: "review_title", titleArgs: ["name": r.name],
                                          content: showContent(req, r, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }
}
