import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 查重评议: a unit proposes a purchase; the platform lists comparable instruments in the city with their use over
/// the last twelve months and applies the review rules of the policy files; a reviewer records opinion and decision.
struct PurchaseReviewController {
    struct Findings: Codable {
        struct Comparable: Codable {
            let id: String
            let name: String
            let model: String
            let owner: String
            let classCode: String
            let likeness: String
            let effectiveHours: String
            let sharingRate: String
            let underused: Bool
        }

        struct Finding: Codable {
            let rule: String
            let title: String
            let titleEn: String
            let status: String
            let conditions: [String]
        }

        let comparables: [Comparable]
        let findings: [Finding]
        let saturationHours: String
        let recentSameClassTotal: String
    }

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
        let mine = try await req.accounts.organizations(of: me.id).compactMap(\.id)
        var q = PurchaseReviewRecord.query(on: req.db)
        if !me.role.isStaff { q = q.filter(\.$organizationID ~~ mine) }
        let total = try await q.count()
        let rows = try await q.sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        let orgs = Dictionary(try await OrganizationRecord.query(on: req.db).filter(\.$id ~~ Set(rows.map(\.organizationID))).all().map { ($0.id!, $0.name) },
                              uniquingKeysWith: { a, _ in a })
        let items = rows.map { r in
            Row(id: r.id!.uuidString, name: r.name, organization: orgs[r.organizationID] ?? "", budget: Money(fen: r.budgetFen).display,
                status: req.t("review_status_\(r.status)"), decision: r.decision.map { req.t("review_decision_\($0)") }, date: r.createdAt.map(ChinaTime.display) ?? "")
        }
        return try await req.page("instruments/reviews", titleKey: "reviews_title", content: ListContent(
            rows: items, pager: Pager(PagedList(items: items, request: page, total: total), path: "/purchase-reviews", query: [:]), canPropose: !mine.isEmpty))
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
            let allowed = try await req.registeringOrganizations().compactMap(\.id)
            var v = Validator()
            let org = input["organization_id"].flatMap(UUID.init(uuidString:)) ?? (allowed.count == 1 ? allowed[0] : nil)
            if org == nil || !allowed.contains(org!) { v.add(.invalid("organization_id", "instrument.not_your_unit")) }
            let name = v.text("name", input["name"], max: 100) ?? ""
            let model = v.text("model", input["model"], max: 100) ?? ""
            let code = (input["class_code"] ?? "").trimmingCharacters(in: .whitespaces)
            if !(code.count == 6 && code.allSatisfy { $0.isASCII && $0.isNumber }) { v.add(.invalid("class_code", "instrument.class_code")) }
            let specs = v.text("key_specs", input["key_specs"], max: 2000) ?? ""
            let budget = v.money("budget", input["budget"], positive: true) ?? .zero
            let source = v.choice("funding_source", input["funding_source"], as: FundingSource.self)
            let share = InstrumentDraft.fiscalShare(input["fiscal_share"])
            if share == nil { v.add(.invalid("fiscal_share", "instrument.fiscal_share")) }
            let justification = v.text("justification", input["justification"], min: 10, max: 4000) ?? ""
            try v.throwIfAny()
            let record = PurchaseReviewRecord()
            record.organizationID = org!
            record.submittedBy = try req.requireUser().id
            record.name = name; record.model = model; record.classCode = code; record.keySpecs = specs; record.budgetFen = budget.fen
            record.fundingSource = source!.rawValue; record.fiscalShare = share!; record.justification = justification; record.status = "submitted"
            let (findings, version) = try await Self.findings(req, record)
            record.findingsJSON = String(decoding: try JSONEncoder().encode(findings), as: UTF8.self)
            record.ruleBaseVersion = version
            try await req.db.transaction { tx in
                try await record.create(on: tx)
                try await AuditTrail.event(on: tx, actor: req.actor, action: "purchase_review.submit", entityType: "purchase_review", entityID: record.id!.uuidString,
                                           detail: ["name": name, "budget": budget.plainYuan, "class": code])
            }
            return req.redirect(to: "/purchase-reviews/\(record.id!.uuidString)", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError).map({ $0.kind == .invalidInput }) == true {
            let view = try await req.page("instruments/review-new", titleKey: "review_new_title", content: newContent(req, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    /// Comparable instruments with their last-12-month use, and the review rules' verdicts.
    static func findings(_ req: Request, _ p: PurchaseReviewRecord) async throws -> (Findings, String) {
        let base = try req.services.rules.require()
        let today = req.today
        func param(_ name: String) -> Fixed? {
            if case .num(let x)? = base.parameter(name)?.value(at: today)?.value { return x }
            return nil
        }
        let saturation = param("review.saturation_hours") ?? Fixed(1200)
        let windowDays = Int(param("review.split_window_days")?.description ?? "365") ?? 365
        let candidates = try await InstrumentRecord.query(on: req.db).filter(\.$classCode >= String(p.classCode.prefix(4))).filter(\.$classCode < String(p.classCode.prefix(4)) + "99~")
            .filter(\.$status != InstrumentStatus.retired.rawValue).all()
        let since = req.now.addingTimeInterval(-365 * 86400)
        let usage = candidates.isEmpty ? [] : try await UsageStore(db: req.db).usage(from: since, to: req.now, instrumentIDs: candidates.map { $0.id! })
        let byInstrument = Dictionary(grouping: usage, by: \.instrumentID)
        let owners = Dictionary(try await OrganizationRecord.query(on: req.db).filter(\.$id ~~ Set(candidates.map { $0.$organization.id })).all().map { ($0.id!, $0.name) },
                                uniquingKeysWith: { a, _ in a })
        let existing = candidates.map { i in
            let u = byInstrument[i.id!] ?? []
            return PurchaseReview.Existing(id: i.id!.uuidString, name: i.name, model: i.model, classCode: i.classCode, owner: owners[i.$organization.id] ?? "",
                                           effectiveMinutes: u.reduce(0) { $0 + $1.minutes }, externalMinutes: u.filter(\.external).reduce(0) { $0 + $1.minutes })
        }
        let comparables = PurchaseReview.comparables(name: p.name, classCode: p.classCode, in: existing)
        let windowStart = req.now.addingTimeInterval(-Double(windowDays) * 86400)
        let earlier = try await PurchaseReviewRecord.query(on: req.db).filter(\.$organizationID == p.organizationID).filter(\.$classCode == p.classCode)
            .filter(\.$createdAt >= windowStart).all().reduce(Int64(0)) { $0 + $1.budgetFen }
        let recent = Money(fen: earlier + p.budgetFen)
        let inputs = PurchaseReview.inputs(budget: Money(fen: p.budgetFen), fiscalShare: Fixed(parsing: p.fiscalShare) ?? Fixed(1), comparables: comparables.map(\.0),
                                           saturationHours: saturation, recentSameClassTotal: recent)
        let report = MatchReport.run(base: base, entity: .purchase, date: today, inputs: inputs)
        let limit = (try? saturation * Fixed(60)) ?? Fixed(72_000)
        let findings = Findings(
            comparables: comparables.map { e, like in
                .init(id: e.id, name: e.name, model: e.model, owner: e.owner, classCode: e.classCode, likeness: like.rawValue,
                      effectiveHours: SharingEvaluationController.fmt(e.effectiveHours), sharingRate: SharingEvaluationController.percent(e.sharingRate),
                      underused: Fixed(Int64(e.effectiveMinutes)) < limit)
            },
            findings: report.items.map { item in
                .init(rule: item.rule.id, title: item.rule.title, titleEn: item.rule.titleEn, status: item.outcome.status.rawValue,
                      conditions: item.trace.conditions.map { "\($0.substituted) \($0.result == .bool(true) ? "✓" : ($0.result == .bool(false) ? "✗" : "?"))" })
            },
            saturationHours: saturation.description, recentSameClassTotal: recent.display)
        return (findings, report.ruleBaseVersion)
    }

    static func record(_ req: Request) async throws -> PurchaseReviewRecord {
        let me = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self), let r = try await PurchaseReviewRecord.find(id, on: req.db) else { throw DomainError.notFound("purchase_review") }
        if !me.role.isStaff, !(try await req.accounts.isMember(userID: me.id, organizationID: r.organizationID)) { throw DomainError.notFound("purchase_review") }
        return r
    }

    func showContent(_ req: Request, _ r: PurchaseReviewRecord, form: FormState = .empty) async throws -> ShowContent {
        let findings = try JSONDecoder().decode(Findings.self, from: Data(r.findingsJSON.utf8))
        let org = try await OrganizationRecord.find(r.organizationID, on: req.db)
        let facts: [InstrumentPage.Fact] = [
            .init(label: req.t("ins_f_model"), value: r.model), .init(label: req.t("ins_f_class_code"), value: r.classCode),
            .init(label: req.t("review_budget"), value: Money(fen: r.budgetFen).display), .init(label: req.t("ins_f_funding_source"), value: req.t("funding_\(r.fundingSource)")),
            .init(label: req.t("ins_f_fiscal_share"), value: r.fiscalShare), .init(label: req.t("review_key_specs"), value: r.keySpecs),
            .init(label: req.t("review_justification"), value: r.justification), .init(label: req.t("review_window_total"), value: findings.recentSameClassTotal),
            .init(label: req.t("review_saturation"), value: findings.saturationHours), .init(label: req.t("review_rule_version"), value: r.ruleBaseVersion),
        ]
        return ShowContent(id: r.id!.uuidString, name: r.name, organization: org?.name ?? "", facts: facts, findings: findings,
                           applies: findings.findings.filter { $0.status == "eligible" }, staff: req.currentUser?.role.isStaff ?? false,
                           decided: r.status == "decided", decision: r.decision.map { req.t("review_decision_\($0)") }, opinion: r.opinion,
                           decisions: ["recommend", "conditional", "not_recommend"].map { .init(value: $0, label: req.t("review_decision_\($0)")) }, form: form,
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
            guard r.status == "submitted" else { throw DomainError(.conflict, code: "review.already_decided") }
            var v = Validator()
            let decision = input["decision"] ?? ""
            if !["recommend", "conditional", "not_recommend"].contains(decision) { v.add(.invalid("decision", "field.not_allowed", ["value": String(decision.prefix(40))])) }
            let opinion = v.text("opinion", input["opinion"], min: 5, max: 4000) ?? ""
            try v.throwIfAny()
            try await req.db.transaction { tx in
                r.status = "decided"
                r.decision = decision
                r.opinion = opinion
                r.decidedBy = try req.requireUser().id
                r.decidedAt = req.now
                try await r.update(on: tx)
                try await AuditTrail.event(on: tx, actor: req.actor, action: "purchase_review.decide", entityType: "purchase_review", entityID: r.id!.uuidString,
                                           detail: ["decision": decision])
            }
            req.flash("flash_review_decided")
            return req.redirect(to: "/purchase-reviews/\(r.id!.uuidString)", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError).map({ $0.kind == .invalidInput || $0.kind == .conflict }) == true {
            let view = try await req.page("instruments/review", titleKey: "review_title", titleArgs: ["name": r.name],
                                          content: showContent(req, r, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }
}
