import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 项目申报: a member of an enterprise or institution drafts an application to an open call, sees the engine's formal
/// check (every failing condition named), signs the 科研诚信承诺 and submits; staff return, reject or approve after
/// the review, and sign the 任务书 once the 公示 is over. Applicants never see who reviewed them.
struct ProjectApplicationController {
    struct ConditionRow: Encodable {
        let id: String
        let title: String
        let article: Int
        let passed: Bool
        let detail: String
    }

    struct StepRow: Encodable {
        let at: String
        let action: String
        let stateLabel: String
        let actor: String
        let note: String
    }

    struct BudgetRow: Encodable {
        let category: String
        let label: String
        let amount: String
    }

    struct SheetRow: Encodable {
        let label: String
        let total: String
        let comment: String
    }

    struct DetailContent: Encodable {
        let id: String
        let call: ProjectCallController.CallRow
        let title: String
        let organization: String
        let leader: String
        let field: String
        let objectives: String
        let team: [TeamMember]
        let milestones: [MilestonePlan]
        let durationMonths: Int
        let budget: [BudgetRow]
        let total: String
        let selfFunds: String
        let indirectCap: String
        let state: String
        let stateLabel: String
        let reason: String
        let editable: Bool
        let staff: Bool
        let checks: [ConditionRow]
        let checkPassed: Bool
        let checkVersion: String
        let steps: [StepRow]
        let actions: [RegistrationController.Option]
        let form: FormState
        let fieldOptions: [RegistrationController.Option]
        let commitmentText: String
        let signedAt: String
        /// Staff: how many experts were assigned and how many sheets are in (no names for anyone).
        let assigned: Int
        let sheetsIn: Int
        /// After the 公示: the score and place, and the sheets' totals and comments without names.
        let score: String
        let rank: String
        let sheets: [SheetRow]
        let projectID: String?
    }

    struct MineRow: Content {
        let id: String
        let title: String
        let call: String
        let state: String
        let stateLabel: String
        let total: String
        let updatedAt: String
    }

    struct MineContent: Encodable {
        let applications: [MineRow]
        let projects: [ProjectController.Row]
        let reviews: [ExpertReviewController.AssignmentRow]
        let isExpert: Bool
        let canApply: Bool
    }

    static let draftFields: Set<String> = ["title", "field", "objectives", "leader_name", "team", "milestones", "duration_months", "budget_equipment",
                                           "budget_business", "budget_labour", "budget_indirect", "self_funds", "organization"]

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "projects", "mine", access: .signedIn, use: mine)
        r.on(.GET, "projects", "calls", ":id", "apply", access: .roles([.enterprise, .institution]), use: newForm)
        r.on(.POST, "projects", "calls", ":id", "applications", access: .roles([.enterprise, .institution]), use: create)
        r.on(.GET, "projects", "applications", ":id", access: .roles([.admin, .reviewer, .enterprise, .institution]), use: detail)
        r.on(.POST, "projects", "applications", ":id", access: .roles([.enterprise, .institution]), use: update)
        r.on(.POST, "projects", "applications", ":id", "submit", access: .roles([.enterprise, .institution]), use: submit)
        r.on(.POST, "projects", "applications", ":id", "act", access: .roles([.admin, .reviewer, .enterprise, .institution]), use: act)
        r.on(.POST, "api", "v1", "projects", "applications", ":id", "check", access: .roles([.admin, .reviewer, .enterprise, .institution]), use: checkAPI)
    }

    static func values(_ a: ProjectApplicationRecord) -> [String: String] {
        ["title": a.title, "field": a.field, "objectives": a.objectives, "leader_name": a.leaderName, "team": a.team, "milestones": a.milestones,
         "duration_months": String(a.durationMonths), "budget_equipment": Money(fen: a.equipmentFen).plainYuan, "budget_business": Money(fen: a.businessFen).plainYuan,
         "budget_labour": Money(fen: a.labourFen).plainYuan, "budget_indirect": Money(fen: a.indirectFen).plainYuan, "self_funds": Money(fen: a.selfFundsFen).plainYuan]
    }

    static func fieldOptions(_ req: Request) -> [RegistrationController.Option] {
        PriorityField.allCases.map { .init(value: $0.rawValue, label: req.fieldLabel($0.rawValue)) }
    }

    /// The engine's formal check as rows: each condition, met or not, and for a failure the condition that failed
    /// with the numbers it compared.
    static func conditionRows(_ check: FormalCheck, req: Request) -> [ConditionRow] {
        check.conditions.map { t in
            let failed = t.failedCondition.map { t.conditions[$0] }
            return ConditionRow(id: t.rule.id, title: req.lang == .en ? t.rule.titleEn : t.rule.title, article: t.rule.article,
                                passed: t.outcome.status == .eligible,
                                detail: failed.map { [$0.substituted, $0.gap.map { req.t("project_gap", ["gap": $0]) } ?? ""].filter { !$0.isEmpty }.joined(separator: " · ") }
                                    ?? (t.outcome.status == .eligible ? "" : req.t("project_check_missing")))
        }
    }

    func detailContent(_ req: Request, _ a: ProjectApplicationRecord, staff: Bool, form: FormState? = nil) async throws -> DetailContent {
        guard let call = try await ProjectCallStore(db: req.db).find(a.callID) else { throw DomainError.notFound("project_call") }
        let base = try req.services.rules.require()
        let store = ProjectApplicationStore(db: req.db)
        let check = FormalCheck.run(base: base, date: req.projectToday, facts: try await store.facts(a, call: call, today: req.projectToday, signed: a.applicationState.isEditable ? true : nil))
        let org = try await req.organizationNames([a.organizationID])[a.organizationID] ?? ""
        let state = a.applicationState
        var actions: [ApplicationAction] = ApplicationAction.available(in: state, for: staff ? .staff : .applicant).filter { $0 != .submit && $0 != .startReview }
        if staff, state == .approved, !call.publicityOver(on: req.projectToday) { actions.removeAll { $0 == .contract } }
        let assignments = try await ReviewStore(db: req.db).assignments(applicationID: a.id!)
        let sheets = try await ReviewSheetRecord.query(on: req.db).filter(\.$applicationID == a.id!).sort(\.$total, .descending).all()
        // Sheets are shown only after the decision is public, and never with the experts' names.
        let showSheets = call.state == "decided" && [.approved, .contracted, .rejected].contains(state)
        let project = try await ProjectRecord.query(on: req.db).filter(\.$applicationID == a.id!).first()
        let cap = check.indirectCap.map(\.display) ?? "—"
        return DetailContent(
            id: a.id!.uuidString, call: ProjectCallController.row(call, req: req), title: a.title, organization: org, leader: a.leaderName,
            field: req.fieldLabel(a.field), objectives: a.objectives, team: a.teamMembers, milestones: a.milestonePlans, durationMonths: a.durationMonths,
            budget: BudgetCategory.allCases.map { BudgetRow(category: $0.rawValue, label: req.t("budget_" + $0.rawValue), amount: a.budget.amount($0).display) },
            total: a.budget.total.display, selfFunds: a.budget.selfFunds.display, indirectCap: call.funding == .lumpSum ? req.t("funding_lump_sum") : cap,
            state: a.state, stateLabel: req.t("application_state_" + a.state), reason: a.stateReason ?? "",
            editable: !staff && state.isEditable && call.accepting(on: req.projectToday), staff: staff,
            checks: Self.conditionRows(check, req: req), checkPassed: check.passed, checkVersion: a.checkVersion ?? check.ruleBaseVersion,
            steps: try await store.steps(a.id!).map { StepRow(at: ChinaTime.display($0.at), action: req.t("application_action_" + $0.action),
                                                              stateLabel: req.t("application_state_" + $0.toState), actor: staff ? $0.actorName : "", note: $0.note) },
            actions: actions.map { .init(value: $0.rawValue, label: req.t("application_action_" + $0.rawValue)) },
            form: form ?? FormState(values: Self.values(a)), fieldOptions: Self.fieldOptions(req), commitmentText: req.t("project_commitment_text"),
            signedAt: a.commitmentSignedAt.map(ChinaTime.display) ?? "", assigned: staff ? assignments.count : 0,
            sheetsIn: staff ? sheets.count : 0, score: showSheets ? (a.score.map(ReviewAggregation.text) ?? "—") : "",
            rank: showSheets ? (a.rank.map(String.init) ?? "—") : "",
            sheets: (showSheets || staff) ? sheets.enumerated().map { SheetRow(label: req.t("project_sheet_n", ["n": String($0.offset + 1)]),
                                                                                total: ReviewAggregation.text($0.element.total), comment: $0.element.comment) } : [],
            projectID: project?.id?.uuidString)
    }

    @Sendable func mine(req: Request) async throws -> View {
        let me = try req.requireUser()
        let orgs = try await req.myOrganizationIDs()
        let apps = try await ProjectApplicationStore(db: req.db).of(organizations: orgs)
        var calls: [UUID: String] = [:]
        for c in try await ProjectCallRecord.query(on: req.db).filter(\.$id ~~ Array(Set(apps.map(\.callID)))).all() { calls[c.id!] = c.title }
        var filter = ProjectStore.Filter()
        filter.organizations = orgs
        let projects = orgs.isEmpty ? [] : try await ProjectStore(db: req.db).list(filter, page: PageQuery(page: 1, per: 100)).items
        let names = try await req.organizationNames(projects.map(\.organizationID))
        let isExpert = try await ReviewStore(db: req.db).expert(userID: me.id) != nil
        return try await req.page("projects/mine", titleKey: "projects_mine_title", content: MineContent(
            applications: apps.map { MineRow(id: $0.id!.uuidString, title: $0.title, call: calls[$0.callID] ?? "", state: $0.state,
                                             stateLabel: req.t("application_state_" + $0.state), total: $0.budget.total.display,
                                             updatedAt: ChinaTime.display($0.updatedAt)) },
            projects: projects.map { ProjectController.row($0, names: names, req: req) },
            reviews: isExpert ? try await ExpertReviewController.rows(req, expertUserID: me.id) : [], isExpert: isExpert,
            canApply: ProjectCallController.canApply(req)))
    }

    struct NewContent: Encodable {
        let call: ProjectCallController.CallRow
        let form: FormState
        let fieldOptions: [RegistrationController.Option]
        let organizations: [RegistrationController.Option]
    }

    func newContent(_ req: Request, _ c: ProjectCallRecord, form: FormState) async throws -> NewContent {
        let orgs = try await req.accounts.organizations(of: try req.requireUser().id)
        return NewContent(call: ProjectCallController.row(c, req: req), form: form, fieldOptions: Self.fieldOptions(req),
                          organizations: orgs.map { .init(value: $0.id!.uuidString, label: $0.name) })
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        let c = try await req.projectCall()
        guard c.accepting(on: req.projectToday) else { throw DomainError(.conflict, code: "project.call_closed") }
        let me = try req.requireUser()
        let values = ["leader_name": me.displayName, "field": c.fieldList.first ?? "", "duration_months": "24", "budget_equipment": "0", "budget_business": "0",
                      "budget_labour": "0", "budget_indirect": "0", "self_funds": "0"]
        return try await req.page("projects/apply", titleKey: "project_apply_title", content: try await newContent(req, c, form: FormState(values: values)), forms: true)
            .encodeResponse(for: req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let c = try await req.projectCall()
        let me = try req.requireUser()
        let input = try InputReader(req, allowed: Self.draftFields)
        do {
            let orgs = try await req.myOrganizationIDs()
            let org = input["organization"].flatMap(UUID.init(uuidString:)) ?? orgs.first
            guard let org, orgs.contains(org) else { throw ValidationErrors([.invalid("organization", "project.not_member")]) }
            let draft = try ProjectApplicationStore.Draft.parse(input.values)
            let a = try await ProjectApplicationStore(db: req.db).create(call: c, organizationID: org, applicantID: me.id, draft: draft, today: req.projectToday,
                                                                         actor: req.actor)
            req.flash("flash_project_application_saved")
            if req.headers.contentType == .json { return try await ["id": a.id!.uuidString, "state": a.state].encodeResponse(status: .created, for: req) }
            return req.redirect(to: "/projects/applications/\(a.id!.uuidString)", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError)?.kind == .conflict {
            if req.headers.contentType == .json { throw e }
            let view = try await req.page("projects/apply", titleKey: "project_apply_title",
                                          content: try await newContent(req, c, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    @Sendable func detail(req: Request) async throws -> View {
        let (a, staff) = try await req.projectApplication()
        return try await req.page("projects/application", titleKey: "project_application_title", content: try await detailContent(req, a, staff: staff), forms: true)
    }

    func rerender(_ req: Request, _ a: ProjectApplicationRecord, staff: Bool, _ e: any Error, values: [String: String]?) async throws -> Response {
        if req.headers.contentType == .json { throw e }
        let fresh = try await ProjectApplicationStore(db: req.db).find(a.id!) ?? a
        let form = try FormState(e, values: values ?? Self.values(fresh), req: req)
        let view = try await req.page("projects/application", titleKey: "project_application_title", content: try await detailContent(req, fresh, staff: staff, form: form),
                                      forms: true)
        return try await .rerender(view, for: req, status: (e as? DomainError)?.kind == .conflict ? .conflict : .unprocessableEntity)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let (a, staff) = try await req.projectApplication()
        guard !staff else { throw DomainError.forbidden }
        let input = try InputReader(req, allowed: Self.draftFields)
        do {
            let draft = try ProjectApplicationStore.Draft.parse(input.values)
            try await ProjectApplicationStore(db: req.db).update(a, draft: draft, actor: req.actor)
            req.flash("flash_project_application_saved")
            if req.headers.contentType == .json { return try await ["id": a.id!.uuidString, "state": a.state].encodeResponse(for: req) }
            return req.redirect(to: "/projects/applications/\(a.id!.uuidString)", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError)?.kind == .conflict {
            return try await rerender(req, a, staff: false, e, values: input.values)
        }
    }

    struct CheckJSON: Content {
        struct Condition: Content {
            let rule: String
            let article: Int
            let passed: Bool
            let detail: String
        }
        let passed: Bool
        let ruleBaseVersion: String
        let indirectCap: String?
        let conditions: [Condition]
    }

    static func json(_ check: FormalCheck, req: Request) -> CheckJSON {
        CheckJSON(passed: check.passed, ruleBaseVersion: check.ruleBaseVersion, indirectCap: check.indirectCap?.plainYuan,
                  conditions: conditionRows(check, req: req).map { .init(rule: $0.id, article: $0.article, passed: $0.passed, detail: $0.detail) })
    }

    @Sendable func submit(req: Request) async throws -> Response {
        let (a, staff) = try await req.projectApplication()
        guard !staff else { throw DomainError.forbidden }
        let input = try InputReader(req, allowed: ["commitment"])
        do {
            guard let c = try await ProjectCallStore(db: req.db).find(a.callID) else { throw DomainError.notFound("project_call") }
            let signed = input["commitment"] == "on" || input["commitment"] == "true"
            if !signed { throw ValidationErrors([.invalid("commitment", "project.commitment_required")]) }
            let check = try await ProjectApplicationStore(db: req.db).submit(a, call: c, base: try req.services.rules.require(), commitment: true,
                                                                             today: req.projectToday, actor: req.actor)
            if !check.passed {
                let names = check.failures.map(\.rule.id).joined(separator: ", ")
                throw DomainError(.invalidInput, code: "project.formal_check_failed", arguments: ["rules": names], field: "commitment")
            }
            req.flash("flash_project_application_submitted")
            if req.headers.contentType == .json { return try await Self.json(check, req: req).encodeResponse(for: req) }
            return req.redirect(to: "/projects/applications/\(a.id!.uuidString)", redirectType: .normal)
        } catch let e where e is ValidationErrors || [.conflict, .invalidInput].contains((e as? DomainError)?.kind) {
            return try await rerender(req, a, staff: false, e, values: nil)
        }
    }

    @Sendable func act(req: Request) async throws -> Response {
        let (a, staff) = try await req.projectApplication()
        let input = try InputReader(req, allowed: ["action", "note"])
        do {
            var v = Validator()
            let action = v.choice("action", input["action"], as: ApplicationAction.self)
            try v.throwIfAny()
            if action == .contract {
                guard staff else { throw DomainError.forbidden }
                let p = try await ProjectApplicationStore(db: req.db).contract(a, today: req.projectToday, actor: req.actor)
                req.flash("flash_project_contracted")
                if req.headers.contentType == .json { return try await ["project": p.id!.uuidString, "code": p.code].encodeResponse(status: .created, for: req) }
                return req.redirect(to: "/projects/\(p.id!.uuidString)", redirectType: .normal)
            }
            try await ProjectApplicationStore(db: req.db).act(a, action!, note: input["note"] ?? "", by: staff ? .staff : .applicant, actor: req.actor)
            req.flash("flash_project_application_updated")
            if req.headers.contentType == .json { return try await ["id": a.id!.uuidString, "state": a.state].encodeResponse(for: req) }
            return req.redirect(to: "/projects/applications/\(a.id!.uuidString)", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError)?.kind == .conflict {
            return try await rerender(req, a, staff: staff, e, values: input.values.merging(Self.values(a)) { x, _ in x })
        }
    }

    /// The engine's formal check of an application as it stands (the applicant's "check before submitting").
    @Sendable func checkAPI(req: Request) async throws -> CheckJSON {
        let (a, _) = try await req.projectApplication()
        guard let c = try await ProjectCallStore(db: req.db).find(a.callID) else { throw DomainError.notFound("project_call") }
        let facts = try await ProjectApplicationStore(db: req.db).facts(a, call: c, today: req.projectToday, signed: a.applicationState.isEditable ? true : nil)
        return Self.json(FormalCheck.run(base: try req.services.rules.require(), date: req.projectToday, facts: facts), req: req)
    }
}
