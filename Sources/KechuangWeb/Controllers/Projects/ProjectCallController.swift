import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 项目指南: the public list and page of calls; staff publish calls (from an enterprise demand if they like), start
/// the review after the deadline, read the ranking, publish the 立项公示 and, for 揭榜挂帅/赛马, turn the market's
/// award into projects.
struct ProjectCallController {
    struct CallRow: Content {
        let id: String
        let title: String
        let programme: String
        let selectionMode: String
        let selectionLabel: String
        let fundingMode: String
        let fundingLabel: String
        let fields: [String]
        let ceiling: String
        let ceilingYuan: String
        let opensOn: String
        let deadline: String
        let state: String
        let stateLabel: String
        let accepting: Bool
        let challengeID: String?
    }

    struct ListContent: Encodable {
        let rows: [CallRow]
        let pager: Pager
        let filters: [String: String]
        let modes: [RegistrationController.Option]
        let fields: [RegistrationController.Option]
        let staff: Bool
        let canApply: Bool
    }

    struct AppRow: Encodable {
        let id: String
        let title: String
        let organization: String
        let leader: String
        let state: String
        let stateLabel: String
        let total: String
        let submittedAt: String
        let missing: Int
    }

    struct RankRow: Encodable {
        let rank: Int
        let id: String
        let title: String
        let organization: String
        let score: String
        let sheets: String
        let dropped: Int
        let tieBreak: String
        let state: String
        let stateLabel: String
        let missing: Int
    }

    struct ObjectionRow: Encodable {
        let id: String
        let application: String
        let text: String
        let answer: String
        let filedAt: String
    }

    struct DetailContent: Encodable {
        let call: CallRow
        let summary: String
        let kinds: String
        let directedTo: String
        let criteria: [CriterionRow]
        let expertsPerApplication: Int
        let objectionDays: Int
        let demand: DemandLink?
        let rules: [RuleLine]
        let staff: Bool
        let canApply: Bool
        let applications: [AppRow]
        let canStartReview: Bool
        let canPublish: Bool
        let canAward: Bool
        let publicityFrom: String
        let publicityUntil: String
        let inPublicity: Bool
        let approved: [RankRow]
        let objections: [ObjectionRow]
        let signedIn: Bool
        let form: FormState
    }

    struct CriterionRow: Encodable {
        let name: String
        let weight: Int
    }

    struct DemandLink: Encodable {
        let id: String
        let title: String
    }

    struct RuleLine: Encodable {
        let id: String
        let title: String
        let article: Int
    }

    struct Check: Encodable {
        let name: String
        let label: String
        let checked: Bool
    }

    struct FormContent: Encodable {
        let form: FormState
        let modes: [RegistrationController.Option]
        let fundings: [RegistrationController.Option]
        let fields: [Check]
        let kinds: [Check]
        let demands: [RegistrationController.Option]
        let experts: [RegistrationController.Option]
    }

    struct RankingContent: Encodable {
        let call: CallRow
        let rows: [RankRow]
        let criteria: [CriterionRow]
        let method: String
        let complete: Bool
    }

    struct PublicityContent: Encodable {
        let calls: [PublicityCall]
        let pager: Pager
        let signedIn: Bool
    }

    struct PublicityCall: Encodable {
        let call: CallRow
        let from: String
        let until: String
        let open: Bool
        let rows: [RankRow]
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "projects", access: .everyone, use: list)
        r.on(.GET, "projects", "calls", "new", access: .staff, use: newForm)
        r.on(.POST, "projects", "calls", access: .staff, use: create)
        r.on(.GET, "projects", "calls", ":id", access: .everyone, use: detail)
        r.on(.POST, "projects", "calls", ":id", "review", access: .staff, use: startReview)
        r.on(.GET, "projects", "calls", ":id", "ranking", access: .staff, use: ranking)
        r.on(.POST, "projects", "calls", ":id", "publicity", access: .staff, use: publish)
        r.on(.POST, "projects", "calls", ":id", "award", access: .staff, use: award)
        r.on(.GET, "projects", "publicity", access: .everyone, use: publicity)
        r.on(.POST, "projects", "calls", ":id", "objections", access: .signedIn, use: object)
        r.on(.POST, "projects", "objections", ":id", "answer", access: .staff, use: answer)
    }

    static func row(_ c: ProjectCallRecord, req: Request) -> CallRow {
        let today = req.projectToday
        let state = c.state == "open" && c.pastDeadline(on: today) && !c.selection.isChallenge ? "closed" : c.state
        return CallRow(id: c.id!.uuidString, title: c.title, programme: c.programme, selectionMode: c.selectionMode,
                       selectionLabel: req.t("selection_" + c.selectionMode), fundingMode: c.fundingMode, fundingLabel: req.t("funding_" + c.fundingMode),
                       fields: c.fieldList.map { req.fieldLabel($0) }, ceiling: c.ceiling.display, ceilingYuan: c.ceiling.plainYuan, opensOn: c.opensOn,
                       deadline: c.deadline, state: state, stateLabel: req.t("call_state_" + state), accepting: c.accepting(on: today),
                       challengeID: c.challengeID?.uuidString)
    }

    static func canApply(_ req: Request) -> Bool {
        guard let me = req.currentUser else { return false }
        return me.role == .enterprise || me.role == .institution
    }

    @Sendable func list(req: Request) async throws -> Response {
        var f = ListFilters(req)
        var filter = ProjectCallStore.Filter()
        filter.selection = f.choice("mode", as: SelectionMode.self)
        filter.field = f.choice("field", as: PriorityField.self)
        filter.openOnly = f.flag("open")
        try f.check()
        let page = try await ProjectCallStore(db: req.db).list(filter, page: PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20), today: req.projectToday)
        let view = try await req.page("projects/calls", titleKey: "projects_title", content: ListContent(
            rows: page.items.map { Self.row($0, req: req) }, pager: Pager(page, path: "/projects", query: f.pagerQuery), filters: f.kept,
            modes: SelectionMode.allCases.map { .init(value: $0.rawValue, label: req.t("selection_" + $0.rawValue)) },
            fields: PriorityField.allCases.map { .init(value: $0.rawValue, label: req.fieldLabel($0.rawValue)) },
            staff: req.currentUser?.role.isStaff ?? false, canApply: Self.canApply(req)))
        return try await view.encodeResponse(for: req)
    }

    func formContent(_ req: Request, form: FormState) async throws -> FormContent {
        let demands = try await DemandRecord.query(on: req.db).filter(\.$status == "published").sort(\.$createdAt, .descending).limit(100).all()
        let experts = try await ReviewStore(db: req.db).experts().filter(\.active)
        let users = try await UserRecord.query(on: req.db).filter(\.$id ~~ experts.map(\.userID)).all()
        return FormContent(
            form: form,
            modes: SelectionMode.allCases.map { .init(value: $0.rawValue, label: req.t("selection_" + $0.rawValue)) },
            fundings: FundingMode.allCases.map { .init(value: $0.rawValue, label: req.t("funding_" + $0.rawValue)) },
            fields: PriorityField.allCases.map { f in
                Check(name: "field_" + f.rawValue, label: req.fieldLabel(f.rawValue), checked: (form.values["fields"] ?? "").split(separator: ",").contains { $0 == f.rawValue })
            },
            kinds: CallDraft.applicantKinds.map { k in
                Check(name: "kind_" + k, label: req.t("org_kind_" + k), checked: (form.values["allowed_kinds"] ?? "").split(separator: ",").contains { $0 == k })
            },
            demands: demands.map { .init(value: $0.id!.uuidString, label: $0.title) },
            experts: users.map { .init(value: $0.username, label: $0.displayName) })
    }

    static let formFields: Set<String> = Set(["title", "programme", "summary", "fields", "selection_mode", "funding_mode", "ceiling", "allowed_kinds", "opens_on",
                                          "deadline", "experts_per_application", "max_expert_load", "criteria", "objection_days", "demand", "conditions",
                                          "milestones", "teams", "panel", "directed_to"])
        .union(PriorityField.allCases.map { "field_" + $0.rawValue }).union(CallDraft.applicantKinds.map { "kind_" + $0 })

    /// The form sends one checkbox per field and kind; JSON clients may send `fields` and `allowed_kinds` as lists.
    static func gather(_ v: inout [String: String]) {
        let fields = PriorityField.allCases.filter { v.removeValue(forKey: "field_" + $0.rawValue) != nil }.map(\.rawValue)
        if !fields.isEmpty { v["fields"] = fields.joined(separator: ",") }
        let kinds = CallDraft.applicantKinds.filter { v.removeValue(forKey: "kind_" + $0) != nil }
        if !kinds.isEmpty { v["allowed_kinds"] = kinds.joined(separator: ",") }
    }

    @Sendable func newForm(req: Request) async throws -> View {
        var values = ["criteria": "创新性:30\n技术可行性:30\n团队能力:20\n预期效益:20", "experts_per_application": "5", "max_expert_load": "20",
                      "objection_days": "7", "allowed_kinds": "enterprise,institution", "opens_on": ChinaTime.dateString(req.now),
                      "selection_mode": "competitive", "funding_mode": "budget"]
        if let d = try? req.query.get(UUID.self, at: "demand"), let demand = try await DemandRecord.find(d, on: req.db) {
            values["demand"] = d.uuidString
            values["title"] = demand.title
            values["summary"] = demand.problem + "\n" + demand.expected
            values["fields"] = demand.field
        }
        return try await req.page("projects/call-form", titleKey: "project_call_new", content: try await formContent(req, form: FormState(values: values)), forms: true)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try InputReader(req, allowed: Self.formFields)
        var values = input.values
        Self.gather(&values)
        do {
            let today = req.projectToday
            let d = try CallDraft.parse(values, today: today)
            var challenge: ChallengeDraft?
            var panel: [UUID] = []
            if d.selection.isChallenge {
                var cf = values
                cf["description"] = values["summary"]
                cf["mode"] = d.selection == .saima ? "saima" : "jiebang"
                cf["reward"] = values["ceiling"]
                challenge = try ChallengeDraft.parse(cf, today: today)
                // The panel by username, comma-separated; each must be in the expert pool.
                let names = (values["panel"] ?? "").replacingOccurrences(of: "，", with: ",").split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let users = names.isEmpty ? [] : try await UserRecord.query(on: req.db).filter(\.$username ~~ names).all()
                let pool = Set(try await ReviewStore(db: req.db).experts().filter(\.active).map(\.userID))
                if let bad = names.first(where: { n in !users.contains { $0.username == n && pool.contains($0.id!) } }) {
                    throw ValidationErrors([.invalid("panel", "project.panel_not_expert", ["name": bad])])
                }
                panel = users.map { $0.id! }
                if panel.isEmpty { throw ValidationErrors([.invalid("panel", "challenge.panel_required")]) }
            }
            let demandID = (values["demand"]).flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }
            var directed: UUID?
            if let name = values["directed_to"]?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
                guard let o = try await OrganizationRecord.query(on: req.db).filter(\.$name == name).first() else {
                    throw ValidationErrors([.invalid("directed_to", "organization.unknown", ["name": name])])
                }
                directed = o.id
            }
            let c = try await ProjectCallStore(db: req.db).create(d, demandID: demandID, challenge: challenge, panel: panel, directedTo: directed, actor: req.actor)
            req.flash("flash_project_call_created")
            if req.headers.contentType == .json { return try await Self.row(c, req: req).encodeResponse(status: .created, for: req) }
            return req.redirect(to: "/projects/calls/\(c.id!.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            if req.headers.contentType == .json { throw e }
            let view = try await req.page("projects/call-form", titleKey: "project_call_new",
                                          content: try await formContent(req, form: try FormState(e, values: values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    func detailContent(_ req: Request, _ c: ProjectCallRecord, form: FormState = .empty) async throws -> DetailContent {
        let staff = req.currentUser?.role.isStaff ?? false
        let base = try req.services.rules.require()
        let today = req.projectToday
        let rules = base.rules.filter { $0.scheme == FormalCheck.scheme }.map { RuleLine(id: $0.id, title: req.lang == .en ? $0.titleEn : $0.title, article: $0.article) }
        var demand: DemandLink?
        if let d = c.demandID, let rec = try await DemandRecord.find(d, on: req.db) { demand = DemandLink(id: d.uuidString, title: rec.title) }
        var apps: [AppRow] = []
        var approved: [RankRow] = []
        var objections: [ObjectionRow] = []
        let all = try await ProjectApplicationStore(db: req.db).of(callID: c.id!)
        let names = try await req.organizationNames(all.map(\.organizationID))
        if staff {
            let missing = try await ReviewStore(db: req.db).ranking(c).missing
            apps = all.filter { $0.applicationState != .draft }.map { a in
                AppRow(id: a.id!.uuidString, title: a.title, organization: names[a.organizationID] ?? "", leader: a.leaderName, state: a.state,
                       stateLabel: req.t("application_state_" + a.state), total: a.budget.total.display,
                       submittedAt: a.submittedAt.map(ChinaTime.display) ?? "—", missing: missing[a.id!] ?? 0)
            }
            objections = try await ProjectCallStore(db: req.db).objections(callID: c.id!).map { o in
                ObjectionRow(id: o.id!.uuidString, application: all.first { $0.id == o.applicationID }?.title ?? "", text: o.text, answer: o.answer ?? "",
                             filedAt: ChinaTime.display(o.filedAt))
            }
        }
        if c.state == "decided" { approved = Self.publicityRows(all, names: names, req: req) }
        var directedName = ""
        if let d = c.directedTo { directedName = try await req.organizationNames([d])[d] ?? "" }
        return DetailContent(
            call: Self.row(c, req: req), summary: c.summary,
            kinds: c.kinds.map { req.t("org_kind_" + $0) }.joined(separator: "、"),
            directedTo: directedName, criteria: c.criteriaList.map { CriterionRow(name: $0.name, weight: $0.weight) },
            expertsPerApplication: c.expertsPerApplication, objectionDays: c.objectionDays, demand: demand, rules: rules, staff: staff,
            canApply: Self.canApply(req) && c.accepting(on: today), applications: apps,
            canStartReview: staff && c.state == "open" && !c.selection.isChallenge && c.pastDeadline(on: today),
            canPublish: staff && c.state == "review", canAward: staff && c.selection.isChallenge,
            publicityFrom: c.publicityFrom ?? "", publicityUntil: c.publicityUntil ?? "", inPublicity: c.inPublicity(on: today), approved: approved,
            objections: objections, signedIn: req.currentUser != nil, form: form)
    }

    static func publicityRows(_ apps: [ProjectApplicationRecord], names: [UUID: String], req: Request) -> [RankRow] {
        apps.filter { [.approved, .contracted].contains($0.applicationState) }.sorted { ($0.rank ?? 999) < ($1.rank ?? 999) }.map { a in
            RankRow(rank: a.rank ?? 0, id: a.id!.uuidString, title: a.title, organization: names[a.organizationID] ?? "",
                    score: a.score.map(ReviewAggregation.text) ?? "—", sheets: "", dropped: 0, tieBreak: "", state: a.state,
                    stateLabel: req.t("application_state_" + a.state), missing: 0)
        }
    }

    @Sendable func detail(req: Request) async throws -> Response {
        let c = try await req.projectCall()
        return try await req.page("projects/call", titleKey: "project_call_title", content: try await detailContent(req, c), forms: true).encodeResponse(for: req)
    }

    func rerenderDetail(_ req: Request, _ c: ProjectCallRecord, _ e: any Error, values: [String: String] = [:]) async throws -> Response {
        if req.headers.contentType == .json { throw e }
        let fresh = try await ProjectCallStore(db: req.db).find(c.id!) ?? c
        let view = try await req.page("projects/call", titleKey: "project_call_title",
                                      content: try await detailContent(req, fresh, form: try FormState(e, values: values, req: req)), forms: true)
        return try await .rerender(view, for: req, status: (e as? DomainError)?.kind == .conflict ? .conflict : .unprocessableEntity)
    }

    @Sendable func startReview(req: Request) async throws -> Response {
        let c = try await req.projectCall()
        _ = try InputReader(req, allowed: [])
        do {
            let s = try await ReviewStore(db: req.db).startReview(c, today: req.projectToday, actor: req.actor)
            req.flash("flash_project_review_started")
            if req.headers.contentType == .json {
                return try await ["applications": s.applications, "assignments": s.assignments, "shortfalls": s.shortfalls.count].encodeResponse(for: req)
            }
            return req.redirect(to: "/projects/calls/\(c.id!.uuidString)", redirectType: .normal)
        } catch let e as DomainError where e.kind == .conflict {
            return try await rerenderDetail(req, c, e)
        }
    }

    func rankingRows(_ req: Request, _ c: ProjectCallRecord) async throws -> (rows: [RankRow], complete: Bool) {
        let r = try await ReviewStore(db: req.db).ranking(c)
        let apps = try await ProjectApplicationStore(db: req.db).of(callID: c.id!)
        let names = try await req.organizationNames(apps.map(\.organizationID))
        let rows = r.rows.map { x -> RankRow in
            let a = apps.first { $0.id == x.application }!
            return RankRow(rank: x.rank, id: a.id!.uuidString, title: a.title, organization: names[a.organizationID] ?? "", score: x.scoreText,
                           sheets: x.totals.map(ReviewAggregation.text).joined(separator: " / "), dropped: x.dropped,
                           tieBreak: x.tieBreak.map { req.t("tie_" + $0) } ?? "", state: a.state, stateLabel: req.t("application_state_" + a.state),
                           missing: r.missing[a.id!] ?? 0)
        }
        return (rows, r.missing.isEmpty)
    }

    /// The ranking for staff, with every sheet's total (experts unnamed: the sheets are the evidence, not the people);
    /// `?format=xlsx|csv` for the file.
    @Sendable func ranking(req: Request) async throws -> Response {
        let c = try await req.projectCall()
        let (rows, complete) = try await rankingRows(req, c)
        if let file = try ListExport.response(req, name: "ranking", header: ["rank", "application", "organization", "score", "sheets", "dropped", "tie_break", "state"],
                                              rows: rows.map { [String($0.rank), $0.title, $0.organization, $0.score, $0.sheets, String($0.dropped), $0.tieBreak, $0.state] }) {
            return file
        }
        if req.isAPI { return try await rows.map { ["rank": String($0.rank), "id": $0.id, "score": $0.score, "state": $0.state] }.encodeResponse(for: req) }
        return try await req.page("projects/ranking", titleKey: "project_ranking_title", content: RankingContent(
            call: Self.row(c, req: req), rows: rows, criteria: c.criteriaList.map { CriterionRow(name: $0.name, weight: $0.weight) }, method: req.t("project_ranking_method"), complete: complete)).encodeResponse(for: req)
    }

    @Sendable func publish(req: Request) async throws -> Response {
        let c = try await req.projectCall()
        _ = try InputReader(req, allowed: [])
        do {
            let ranking = try await ReviewStore(db: req.db).ranking(c).rows
            _ = try await ProjectCallStore(db: req.db).publish(c.id!, ranking: ranking, today: req.projectToday, actor: req.actor)
            req.flash("flash_project_publicity")
            return req.redirect(to: "/projects/calls/\(c.id!.uuidString)", redirectType: .normal)
        } catch let e as DomainError where e.kind == .conflict {
            return try await rerenderDetail(req, c, e)
        }
    }

    @Sendable func award(req: Request) async throws -> Response {
        let c = try await req.projectCall()
        _ = try InputReader(req, allowed: [])
        do {
            let made = try await ProjectStore(db: req.db).fromAward(call: c, today: req.projectToday, actor: req.actor)
            _ = made
            req.flash("flash_project_award")
            return req.redirect(to: "/projects/list?call=\(c.id!.uuidString)", redirectType: .normal)
        } catch let e as DomainError where e.kind == .conflict || e.kind == .notFound {
            return try await rerenderDetail(req, c, e)
        }
    }

    @Sendable func publicity(req: Request) async throws -> View {
        let page = try await ProjectCallStore(db: req.db).publicity(page: PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 10))
        var calls: [PublicityCall] = []
        for c in page.items {
            let apps = try await ProjectApplicationStore(db: req.db).of(callID: c.id!)
            let names = try await req.organizationNames(apps.map(\.organizationID))
            calls.append(PublicityCall(call: Self.row(c, req: req), from: c.publicityFrom ?? "", until: c.publicityUntil ?? "",
                                       open: c.inPublicity(on: req.projectToday), rows: Self.publicityRows(apps, names: names, req: req)))
        }
        return try await req.page("projects/publicity", titleKey: "project_publicity_title", content: PublicityContent(
            calls: calls, pager: Pager(page, path: "/projects/publicity", query: [:]), signedIn: req.currentUser != nil), forms: true)
    }

    @Sendable func object(req: Request) async throws -> Response {
        let c = try await req.projectCall()
        let input = try InputReader(req, allowed: ["application", "text"])
        do {
            guard let appID = input["application"].flatMap(UUID.init(uuidString:)) else { throw ValidationErrors([.invalid("application", "field.required")]) }
            _ = try await ProjectCallStore(db: req.db).object(c, applicationID: appID, text: input["text"] ?? "", today: req.projectToday, actor: req.actor)
            req.flash("flash_project_objection")
            if req.headers.contentType == .json { return Response(status: .created) }
            return req.redirect(to: "/projects/calls/\(c.id!.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            return try await rerenderDetail(req, c, e, values: input.values)
        } catch let e as DomainError where e.kind == .conflict {
            return try await rerenderDetail(req, c, e, values: input.values)
        }
    }

    @Sendable func answer(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let o = try await ProjectObjectionRecord.find(id, on: req.db) else {
            throw DomainError.notFound("objection")
        }
        let input = try InputReader(req, allowed: ["answer"])
        try await ProjectCallStore(db: req.db).answer(objection: id, text: input["answer"] ?? "", actor: req.actor)
        req.flash("flash_project_objection_answered")
        return req.redirect(to: "/projects/calls/\(o.callID.uuidString)", redirectType: .normal)
    }
}
