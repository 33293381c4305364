import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Projects under their 任务书: the list (staff see all, members their organisation's; CSV/XLSX), the page with
/// milestones, lifecycle moves, disbursements and expenses. Every expense goes through the engine's negative list;
/// a flag names the rule and its clause, and staff resolve it.
struct ProjectController {
    struct Row: Content {
        let id: String
        let code: String
        let title: String
        let organization: String
        let leader: String
        let state: String
        let stateLabel: String
        let selectionLabel: String
        let fundingLabel: String
        let total: String
        let totalYuan: String
        let endsOn: String
    }

    struct ListContent: Encodable {
        let projects: [Row]
        let pager: Pager
        let filters: [String: String]
        let states: [RegistrationController.Option]
        let modes: [RegistrationController.Option]
        let exportQuery: String
    }

    struct MilestoneRow: Encodable {
        let id: String
        let seq: Int
        let name: String
        let deliverable: String
        let due: String
        let state: String
        let stateLabel: String
        let note: String
        let reviewer: String
    }

    struct FlagRow: Encodable {
        let rule: String
        let title: String
        let article: Int
        let quote: String
    }

    struct ExpenseRow: Encodable {
        let id: String
        let spentOn: String
        let kind: String
        let category: String
        let amount: String
        let payee: String
        let invoiceNo: String
        let description: String
        let state: String
        let stateLabel: String
        let flags: [FlagRow]
        let resolution: String
    }

    struct PaymentRow: Encodable {
        let paidOn: String
        let amount: String
        let purpose: String
        let by: String
    }

    struct CategoryRow: Encodable {
        let label: String
        let budget: String
        let spent: String
        let over: Bool
    }

    struct DetailContent: Encodable {
        let row: Row
        let field: String
        let startsOn: String
        let midtermPassed: Bool
        let outcome: String
        let grade: String
        let team: [TeamMember]
        let milestones: [MilestoneRow]
        let steps: [ProjectApplicationController.StepRow]
        let actions: [RegistrationController.Option]
        let grades: [RegistrationController.Option]
        let staff: Bool
        let canRecordExpense: Bool
        let categories: [CategoryRow]
        let approved: String
        let paid: String
        let spent: String
        let flagged: String
        let balance: String
        let payments: [PaymentRow]
        let expenses: [ExpenseRow]
        let expenseKinds: [RegistrationController.Option]
        let budgetCategories: [RegistrationController.Option]
        let paysAfterAcceptance: Bool
        let lumpSum: Bool
        let applicationID: String?
        let form: FormState
    }

    static let expenseKinds = ["purchase", "materials", "testing", "travel", "meeting", "publication", "labour_pay", "expert_fee", "entertainment",
                               "prepaid_card", "personal", "fine", "donation", "investment", "debt_repayment", "transfer", "other"]

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "projects", "list", access: .signedIn, use: list)
        r.on(.GET, "api", "v1", "projects", access: .signedIn, use: listAPI)
        r.on(.GET, "projects", ":id", access: .signedIn, use: detail)
        r.on(.POST, "projects", ":id", "act", access: .signedIn, use: act)
        r.on(.POST, "projects", ":id", "milestones", ":milestone", access: .staff, use: reviewMilestone)
        r.on(.POST, "projects", ":id", "disbursements", access: .staff, use: disburse)
        r.on(.POST, "projects", ":id", "expenses", access: .signedIn, use: addExpense)
        r.on(.POST, "api", "v1", "projects", ":id", "expenses", access: .signedIn, use: addExpense)
        r.on(.POST, "projects", ":id", "expenses", ":expense", "resolve", access: .staff, use: resolve)
    }

    static func row(_ p: ProjectRecord, names: [UUID: String], req: Request) -> Row {
        Row(id: p.id!.uuidString, code: p.code, title: p.title, organization: names[p.organizationID] ?? "", leader: p.leaderName, state: p.state,
            stateLabel: req.t("project_state_" + p.state), selectionLabel: req.t("selection_" + p.selectionMode), fundingLabel: req.t("funding_" + p.fundingMode),
            total: p.budget.total.display, totalYuan: p.budget.total.plainYuan, endsOn: p.endsOn)
    }

    func filtered(_ req: Request) async throws -> (ProjectStore.Filter, ListFilters) {
        let me = try req.requireUser()
        var f = ListFilters(req)
        var filter = ProjectStore.Filter()
        filter.state = f.choice("state", as: ProjectState.self)
        filter.selection = f.choice("mode", as: SelectionMode.self)
        filter.callID = f.text("call").isEmpty ? nil : UUID(uuidString: f.text("call"))
        try f.check()
        if !me.role.isStaff { filter.organizations = try await req.myOrganizationIDs() }
        return (filter, f)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let (filter, f) = try await filtered(req)
        let store = ProjectStore(db: req.db)
        if (try? req.query.get(String.self, at: "format")) != nil {
            var all: [ProjectRecord] = []
            var p = 1
            while true {
                let page = try await store.list(filter, page: PageQuery(page: p, per: PageQuery.maxPer))
                all += page.items
                if !page.hasNext { break }
                p += 1
            }
            let names = try await req.organizationNames(all.map(\.organizationID))
            var rows: [[String]] = []
            for pr in all {
                let t = try await store.totals(pr)
                rows.append([pr.code, pr.title, names[pr.organizationID] ?? "", pr.leaderName, pr.state, pr.selectionMode, pr.fundingMode,
                             t.approved.plainYuan, t.paid.plainYuan, t.spent.plainYuan, t.flagged.plainYuan, pr.startsOn, pr.endsOn])
            }
            if let file = try ListExport.response(req, name: "projects", header: ["code", "title", "organization", "leader", "state", "selection_mode", "funding_mode",
                                                                                 "approved_yuan", "paid_yuan", "spent_yuan", "flagged_yuan", "starts_on", "ends_on"],
                                                  rows: rows) {
                return file
            }
        }
        let page = try await store.list(filter, page: PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 30))
        let names = try await req.organizationNames(page.items.map(\.organizationID))
        return try await req.page("projects/list", titleKey: "project_list_title", content: ListContent(
            projects: page.items.map { Self.row($0, names: names, req: req) }, pager: Pager(page, path: "/projects/list", query: f.pagerQuery), filters: f.kept,
            states: ProjectState.allCases.map { .init(value: $0.rawValue, label: req.t("project_state_" + $0.rawValue)) },
            modes: SelectionMode.allCases.map { .init(value: $0.rawValue, label: req.t("selection_" + $0.rawValue)) }, exportQuery: f.exportQuery))
            .encodeResponse(for: req)
    }

    @Sendable func listAPI(req: Request) async throws -> [Row] {
        let (filter, _) = try await filtered(req)
        let page = try await ProjectStore(db: req.db).list(filter, page: PageQuery(page: try? req.query.get(Int.self, at: "page"), per: try? req.query.get(Int.self, at: "per")))
        let names = try await req.organizationNames(page.items.map(\.organizationID))
        return page.items.map { Self.row($0, names: names, req: req) }
    }

    func detailContent(_ req: Request, _ p: ProjectRecord, staff: Bool, form: FormState = .empty) async throws -> DetailContent {
        let store = ProjectStore(db: req.db)
        let base = try req.services.rules.require()
        let names = try await req.organizationNames([p.organizationID])
        let facts = try await store.facts(p)
        let totals = try await store.totals(p)
        let actions = ProjectAction.available(in: p.projectState, for: staff ? .staff : .leader, facts: facts)
        let rules = Dictionary(base.rules.filter { $0.scheme == ExpenseCheck.scheme }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return DetailContent(
            row: Self.row(p, names: names, req: req), field: req.fieldLabel(p.field), startsOn: p.startsOn, midtermPassed: p.midtermPassed,
            outcome: p.outcome ?? "", grade: p.grade.map { req.t("grade_" + $0) } ?? "", team: p.teamMembers,
            milestones: try await store.milestones(p.id!).map { m in
                MilestoneRow(id: m.id!.uuidString, seq: m.seq, name: m.name, deliverable: m.deliverable, due: m.due, state: m.state,
                             stateLabel: req.t("milestone_state_" + m.state), note: m.reviewNote ?? "", reviewer: staff ? (m.reviewedByName ?? "") : "")
            },
            steps: try await store.steps(p.id!).map { .init(at: ChinaTime.display($0.at), action: req.t("project_action_" + $0.action),
                                                            stateLabel: req.t("project_state_" + $0.toState), actor: staff ? $0.actorName : "", note: $0.note) },
            actions: actions.map { .init(value: $0.rawValue, label: req.t("project_action_" + $0.rawValue)) },
            grades: PerformanceGrade.allCases.map { .init(value: $0.rawValue, label: req.t("grade_" + $0.rawValue)) }, staff: staff,
            canRecordExpense: p.projectState.isOpen || p.projectState == .accepted,
            categories: BudgetCategory.allCases.map { c in
                let spent = totals.byCategory[c] ?? .zero
                return CategoryRow(label: req.t("budget_" + c.rawValue), budget: p.budget.amount(c).display, spent: spent.display,
                                   over: p.funding == .budget && spent > p.budget.amount(c))
            },
            approved: totals.approved.display, paid: totals.paid.display, spent: totals.spent.display, flagged: totals.flagged.display,
            balance: totals.balance.display,
            payments: try await store.disbursements(p.id!).map { .init(paidOn: $0.paidOn, amount: Money(fen: $0.amountFen).display, purpose: $0.purpose, by: $0.recordedByName) },
            expenses: try await store.expenses(p.id!).map { e in
                ExpenseRow(id: e.id!.uuidString, spentOn: e.spentOn, kind: req.t("expense_kind_" + e.kind), category: req.t("budget_" + e.category),
                           amount: Money(fen: e.amountFen).display, payee: e.payee, invoiceNo: e.invoiceNo, description: e.description, state: e.state,
                           stateLabel: req.t("expense_state_" + e.state),
                           flags: e.flagIDs.map { id in
                               let r = rules[id]
                               return FlagRow(rule: id, title: r.map { req.lang == .en ? $0.titleEn : $0.title } ?? id, article: r?.article ?? 19, quote: r?.quote ?? "")
                           },
                           resolution: [e.resolutionNote ?? "", staff ? (e.resolvedByName ?? "") : ""].filter { !$0.isEmpty }.joined(separator: " · "))
            },
            expenseKinds: Self.expenseKinds.map { .init(value: $0, label: req.t("expense_kind_" + $0)) },
            budgetCategories: BudgetCategory.allCases.map { .init(value: $0.rawValue, label: req.t("budget_" + $0.rawValue)) },
            paysAfterAcceptance: p.selection.paysAfterAcceptance, lumpSum: p.funding == .lumpSum, applicationID: p.applicationID?.uuidString, form: form)
    }

    @Sendable func detail(req: Request) async throws -> View {
        let (p, staff) = try await req.project()
        return try await req.page("projects/project", titleKey: "project_title", titleArgs: ["code": p.code], content: try await detailContent(req, p, staff: staff), forms: true)
    }

    func rerender(_ req: Request, _ p: ProjectRecord, staff: Bool, _ e: any Error, values: [String: String]) async throws -> Response {
        if req.headers.contentType == .json { throw e }
        let fresh = try await ProjectStore(db: req.db).find(p.id!) ?? p
        let view = try await req.page("projects/project", titleKey: "project_title", titleArgs: ["code": p.code],
                                      content: try await detailContent(req, fresh, staff: staff, form: try FormState(e, values: values, req: req)), forms: true)
        return try await .rerender(view, for: req, status: (e as? DomainError)?.kind == .conflict ? .conflict : .unprocessableEntity)
    }

    static func handled(_ e: any Error) -> Bool {
        e is ValidationErrors || [.conflict, .invalidInput].contains((e as? DomainError)?.kind)
    }

    @Sendable func act(req: Request) async throws -> Response {
        let (p, staff) = try await req.project()
        let input = try InputReader(req, allowed: ["action", "note", "grade"])
        do {
            var v = Validator()
            let action = v.choice("action", input["action"], as: ProjectAction.self)
            let grade = (input["grade"] ?? "").isEmpty ? nil : v.choice("grade", input["grade"], as: PerformanceGrade.self)
            try v.throwIfAny()
            // Only the organisation's members move as the leader; staff as staff.
            try await ProjectStore(db: req.db).act(p, action!, note: input["note"] ?? "", grade: grade, by: staff ? .staff : .leader, actor: req.actor)
            req.flash("flash_project_updated")
            if req.headers.contentType == .json { return try await ["id": p.id!.uuidString, "state": p.state].encodeResponse(for: req) }
            return req.redirect(to: "/projects/\(p.id!.uuidString)", redirectType: .normal)
        } catch let e where Self.handled(e) {
            return try await rerender(req, p, staff: staff, e, values: input.values)
        }
    }

    @Sendable func reviewMilestone(req: Request) async throws -> Response {
        let (p, staff) = try await req.project()
        let input = try InputReader(req, allowed: ["passed", "note"])
        do {
            guard let mid = req.parameters.get("milestone", as: UUID.self) else { throw DomainError.notFound("milestone") }
            try await ProjectStore(db: req.db).reviewMilestone(p, milestoneID: mid, passed: input["passed"] == "true", note: input["note"] ?? "", actor: req.actor)
            req.flash("flash_project_updated")
            return req.redirect(to: "/projects/\(p.id!.uuidString)", redirectType: .normal)
        } catch let e where Self.handled(e) {
            return try await rerender(req, p, staff: staff, e, values: input.values)
        }
    }

    @Sendable func disburse(req: Request) async throws -> Response {
        let (p, staff) = try await req.project()
        let input = try InputReader(req, allowed: ["amount", "purpose", "paid_on"])
        do {
            var v = Validator()
            let amount = v.money("amount", input["amount"], positive: true)
            let day = v.day("paid_on", input["paid_on"])
            try v.throwIfAny()
            _ = try await ProjectStore(db: req.db).disburse(p, amount: amount!, purpose: input["purpose"] ?? "", paidOn: day!, actor: req.actor)
            req.flash("flash_project_disbursed")
            if req.headers.contentType == .json { return Response(status: .created) }
            return req.redirect(to: "/projects/\(p.id!.uuidString)", redirectType: .normal)
        } catch let e where Self.handled(e) {
            return try await rerender(req, p, staff: staff, e, values: input.values)
        }
    }

    struct ExpenseJSON: Content {
        let id: String
        let state: String
        let flags: [String]
        let ruleBaseVersion: String
    }

    @Sendable func addExpense(req: Request) async throws -> Response {
        let (p, staff) = try await req.project()
        let input = try InputReader(req, allowed: ["kind", "category", "amount", "payee", "related_party", "invoice_no", "procurement_followed", "spent_on", "description"])
        do {
            var v = Validator()
            let kind = v.text("kind", input["kind"], max: 40)
            if let k = kind, !Self.expenseKinds.contains(k) { v.add(.invalid("kind", "field.not_allowed", ["value": String(k.prefix(40))])) }
            let category = v.choice("category", input["category"], as: BudgetCategory.self)
            let amount = v.money("amount", input["amount"], positive: true)
            let day = v.day("spent_on", input["spent_on"])
            try v.throwIfAny()
            let yes: (String?) -> Bool = { ["on", "true"].contains($0 ?? "") }
            let (e, check) = try await ProjectStore(db: req.db).addExpense(p, .init(
                kind: kind!, category: category!, amount: amount!, payee: input["payee"] ?? "", relatedParty: yes(input["related_party"]),
                invoiceNo: input["invoice_no"] ?? "", procurementFollowed: yes(input["procurement_followed"]), spentOn: day!, description: input["description"] ?? ""),
                base: try req.services.rules.require(), actor: req.actor)
            if req.isAPI {
                return try await ExpenseJSON(id: e.id!.uuidString, state: e.state, flags: check.flags.map(\.rule.id), ruleBaseVersion: check.ruleBaseVersion)
                    .encodeResponse(status: .created, for: req)
            }
            req.flash(check.flags.isEmpty ? "flash_project_expense_clear" : "flash_project_expense_flagged")
            return req.redirect(to: "/projects/\(p.id!.uuidString)#expenses", redirectType: .normal)
        } catch let e where Self.handled(e) && !req.isAPI {
            // The API answers every error as JSON (the error middleware); only the form re-renders the page.
            return try await rerender(req, p, staff: staff, e, values: input.values)
        }
    }

    @Sendable func resolve(req: Request) async throws -> Response {
        let (p, staff) = try await req.project()
        let input = try InputReader(req, allowed: ["decision", "note"])
        do {
            guard let eid = req.parameters.get("expense", as: UUID.self) else { throw DomainError.notFound("expense") }
            var v = Validator()
            let d = v.text("decision", input["decision"], max: 20)
            if let d, d != "accept", d != "disallow" { v.add(.invalid("decision", "field.not_allowed", ["value": d])) }
            try v.throwIfAny()
            try await ProjectStore(db: req.db).resolveExpense(p, expenseID: eid, accept: d == "accept", note: input["note"] ?? "", actor: req.actor)
            req.flash("flash_project_expense_resolved")
            return req.redirect(to: "/projects/\(p.id!.uuidString)#expenses", redirectType: .normal)
        } catch let e where Self.handled(e) {
            return try await rerender(req, p, staff: staff, e, values: input.values)
        }
    }
}
