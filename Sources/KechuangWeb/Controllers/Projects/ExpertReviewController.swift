import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 专家评审: the expert pool (staff add users with fields), each expert's declared conflicts, and the review itself —
/// an expert sees only the applications assigned to them, scores each once against the call's weighted criteria, and
/// never sees another expert's sheet.
struct ExpertReviewController {
    struct AssignmentRow: Content {
        let id: String
        let application: String
        let call: String
        let field: String
        let scored: Bool
        let total: String
        let open: Bool
    }

    struct ListContent: Encodable {
        let reviews: [AssignmentRow]
        let isExpert: Bool
        let fields: String
        let conflicts: [ConflictRow]
        let form: FormState
    }

    struct ConflictRow: Encodable {
        let label: String
        let reason: String
        let at: String
    }

    struct ReviewContent: Encodable {
        let id: String
        let call: ProjectCallController.CallRow
        let title: String
        let organization: String
        let field: String
        let objectives: String
        let team: [TeamMember]
        let milestones: [MilestonePlan]
        let budget: [ProjectApplicationController.BudgetRow]
        let total: String
        let selfFunds: String
        let criteria: [CriterionInput]
        let scored: Bool
        let total100: String
        let comment: String
        let canScore: Bool
        let form: FormState
    }

    struct CriterionInput: Encodable {
        let name: String
        let input: String
        let weight: Int
        let value: String
        let error: String?
    }

    struct PoolRow: Encodable {
        let username: String
        let name: String
        let title: String
        let fields: String
        let active: Bool
        let open: Int
        let conflicts: Int
    }

    struct PoolContent: Encodable {
        let rows: [PoolRow]
        let fields: [ProjectCallController.Check]
        let form: FormState
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "projects", "reviews", access: .signedIn, use: list)
        r.on(.POST, "projects", "reviews", "conflicts", access: .signedIn, use: declare)
        r.on(.GET, "projects", "reviews", ":id", access: .signedIn, use: review)
        r.on(.POST, "projects", "reviews", ":id", access: .signedIn, use: score)
        r.on(.GET, "projects", "experts", access: .staff, use: pool)
        r.on(.POST, "projects", "experts", access: .staff, use: saveExpert)
    }

    static func rows(_ req: Request, expertUserID: UUID) async throws -> [AssignmentRow] {
        let store = ReviewStore(db: req.db)
        let list = try await store.assignments(expertUserID: expertUserID)
        let apps = list.isEmpty ? [] : try await ProjectApplicationRecord.query(on: req.db).filter(\.$id ~~ list.map(\.applicationID)).all()
        let calls = list.isEmpty ? [] : try await ProjectCallRecord.query(on: req.db).filter(\.$id ~~ list.map(\.callID)).all()
        let sheets = list.isEmpty ? [] : try await ReviewSheetRecord.query(on: req.db).filter(\.$assignmentID ~~ list.map { $0.id! }).all()
        return list.compactMap { a in
            guard let app = apps.first(where: { $0.id == a.applicationID }) else { return nil }
            let s = sheets.first { $0.assignmentID == a.id }
            return AssignmentRow(id: a.id!.uuidString, application: app.title, call: calls.first { $0.id == a.callID }?.title ?? "",
                                 field: req.fieldLabel(app.field), scored: s != nil, total: s.map { ReviewAggregation.text($0.total) } ?? "—",
                                 open: app.applicationState == .underReview && s == nil)
        }
    }

    func listContent(_ req: Request, form: FormState = .empty) async throws -> ListContent {
        let me = try req.requireUser()
        let store = ReviewStore(db: req.db)
        let profile = try await store.expert(userID: me.id)
        return ListContent(reviews: profile == nil ? [] : try await Self.rows(req, expertUserID: me.id), isExpert: profile != nil,
                           fields: profile?.fields.split(separator: ",").map { req.fieldLabel(String($0)) }.joined(separator: "、") ?? "",
                           conflicts: try await store.conflicts(of: me.id).map { ConflictRow(label: $0.label, reason: $0.reason, at: ChinaTime.display($0.declaredAt)) },
                           form: form)
    }

    @Sendable func list(req: Request) async throws -> View {
        try await req.page("projects/reviews", titleKey: "project_reviews_title", content: try await listContent(req), forms: true)
    }

    @Sendable func declare(req: Request) async throws -> Response {
        let me = try req.requireUser()
        guard try await ReviewStore(db: req.db).expert(userID: me.id) != nil else { throw DomainError.notFound("expert") }
        let input = try InputReader(req, allowed: ["organization", "username", "reason"])
        do {
            try await ReviewStore(db: req.db).declare(expertUserID: me.id, organizationName: input["organization"], username: input["username"],
                                                      reason: input["reason"] ?? "", actor: req.actor)
            req.flash("flash_expert_conflict_declared")
            if req.headers.contentType == .json { return Response(status: .created) }
            return req.redirect(to: "/projects/reviews", redirectType: .normal)
        } catch let e as ValidationErrors {
            if req.headers.contentType == .json { throw e }
            let view = try await req.page("projects/reviews", titleKey: "project_reviews_title",
                                          content: try await listContent(req, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    /// The assignment, only for the expert it is assigned to (others, staff included, get 404: staff read the ranking).
    func assignment(_ req: Request) async throws -> (ReviewAssignmentRecord, ProjectApplicationRecord, ProjectCallRecord) {
        let me = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self), let a = try await ReviewStore(db: req.db).assignment(id), a.expertUserID == me.id,
              let app = try await ProjectApplicationRecord.find(a.applicationID, on: req.db), let call = try await ProjectCallRecord.find(a.callID, on: req.db) else {
            throw DomainError.notFound("review_assignment")
        }
        return (a, app, call)
    }

    static func input(_ name: String) -> String { "score_" + name }

    func reviewContent(_ req: Request, _ a: ReviewAssignmentRecord, _ app: ProjectApplicationRecord, _ call: ProjectCallRecord, form: FormState = .empty) async throws -> ReviewContent {
        let sheet = try await ReviewStore(db: req.db).sheet(assignmentID: a.id!)
        let scores = sheet?.scores ?? [:]
        // Reviewers read the application as it was submitted, not any later state of the record.
        let copy = app.submittedCopy.flatMap { try? JSONDecoder().decode(ProjectApplicationStore.Draft.self, from: Data($0.utf8)) }
        let budget = copy?.budget ?? app.budget
        return ReviewContent(
            id: a.id!.uuidString, call: ProjectCallController.row(call, req: req), title: copy?.title ?? app.title,
            organization: try await req.organizationNames([app.organizationID])[app.organizationID] ?? "",
            field: req.fieldLabel(copy?.field ?? app.field), objectives: copy?.objectives ?? app.objectives,
            team: (try? ApplicationContent.team(copy?.team ?? app.team)) ?? [], milestones: (try? ApplicationContent.milestones(copy?.milestones ?? app.milestones)) ?? [],
            budget: BudgetCategory.allCases.map { .init(category: $0.rawValue, label: req.t("budget_" + $0.rawValue), amount: budget.amount($0).display) },
            total: budget.total.display, selfFunds: budget.selfFunds.display,
            criteria: call.criteriaList.map { c in
                CriterionInput(name: c.name, input: Self.input(c.name), weight: c.weight,
                               value: form.values[Self.input(c.name)] ?? scores[c.name].map(String.init) ?? "", error: form.errors[Self.input(c.name)])
            },
            scored: sheet != nil, total100: sheet.map { ReviewAggregation.text($0.total) } ?? "", comment: sheet?.comment ?? form.values["comment"] ?? "",
            canScore: sheet == nil && app.applicationState == .underReview, form: form)
    }

    @Sendable func review(req: Request) async throws -> View {
        let (a, app, call) = try await assignment(req)
        return try await req.page("projects/review", titleKey: "project_review_title", content: try await reviewContent(req, a, app, call), forms: true)
    }

    @Sendable func score(req: Request) async throws -> Response {
        let (a, app, call) = try await assignment(req)
        let criteria = call.criteriaList
        let input = try InputReader(req, allowed: Set(criteria.map { Self.input($0.name) } + ["comment"]))
        do {
            var v = Validator()
            var scores: [String: Int] = [:]
            for c in criteria {
                if let n = v.integer(Self.input(c.name), input[Self.input(c.name)], 0...100) { scores[c.name] = n }
            }
            try v.throwIfAny()
            let s = try await ReviewStore(db: req.db).submitSheet(a, expertUserID: try req.requireUser().id, scores: scores, comment: input["comment"] ?? "",
                                                                  actor: req.actor)
            req.flash("flash_project_scored")
            if req.headers.contentType == .json { return try await ["total": ReviewAggregation.text(s.total)].encodeResponse(status: .created, for: req) }
            return req.redirect(to: "/projects/reviews", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError)?.kind == .conflict {
            if req.headers.contentType == .json { throw e }
            let view = try await req.page("projects/review", titleKey: "project_review_title",
                                          content: try await reviewContent(req, a, app, call, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req, status: (e as? DomainError)?.kind == .conflict ? .conflict : .unprocessableEntity)
        }
    }

    func poolContent(_ req: Request, form: FormState = .empty) async throws -> PoolContent {
        let store = ReviewStore(db: req.db)
        let experts = try await store.experts()
        let users = experts.isEmpty ? [] : try await UserRecord.query(on: req.db).filter(\.$id ~~ experts.map(\.userID)).all()
        var rows: [PoolRow] = []
        for e in experts {
            guard let u = users.first(where: { $0.id == e.userID }) else { continue }
            let open = try await Self.rows(req, expertUserID: u.id!).filter(\.open).count
            rows.append(PoolRow(username: u.username, name: u.displayName, title: e.title,
                                fields: e.fields.split(separator: ",").map { req.fieldLabel(String($0)) }.joined(separator: "、"), active: e.active, open: open,
                                conflicts: try await store.conflicts(of: u.id!).count))
        }
        let chosen = (form.values["fields"] ?? "").split(separator: ",").map(String.init)
        return PoolContent(rows: rows, fields: PriorityField.allCases.map { .init(name: "field_" + $0.rawValue, label: req.fieldLabel($0.rawValue), checked: chosen.contains($0.rawValue)) },
                           form: form)
    }

    @Sendable func pool(req: Request) async throws -> View {
        try await req.page("projects/experts", titleKey: "project_experts_title", content: try await poolContent(req, form: FormState(values: ["active": "on"])), forms: true)
    }

    @Sendable func saveExpert(req: Request) async throws -> Response {
        let input = try InputReader(req, allowed: Set(["username", "title", "active", "fields"] + PriorityField.allCases.map { "field_" + $0.rawValue }))
        var values = input.values
        let chosen = PriorityField.allCases.filter { values["field_" + $0.rawValue] != nil }
        let fields = chosen.isEmpty ? (values["fields"] ?? "").split(separator: ",").compactMap { PriorityField(rawValue: String($0)) } : chosen
        values["fields"] = fields.map(\.rawValue).joined(separator: ",")
        do {
            guard let u = try await UserRecord.query(on: req.db).filter(\.$username == (input["username"] ?? "").trimmingCharacters(in: .whitespaces)).first() else {
                throw ValidationErrors([.invalid("username", "project.expert_user_unknown")])
            }
            _ = try await ReviewStore(db: req.db).saveExpert(userID: u.id!, fields: fields, title: input["title"] ?? "",
                                                             active: ["on", "true"].contains(input["active"] ?? ""), actor: req.actor)
            req.flash("flash_expert_saved")
            if req.headers.contentType == .json { return Response(status: .created) }
            return req.redirect(to: "/projects/experts", redirectType: .normal)
        } catch let e as ValidationErrors {
            if req.headers.contentType == .json { throw e }
            let view = try await req.page("projects/experts", titleKey: "project_experts_title",
                                          content: try await poolContent(req, form: try FormState(e, values: values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }
}
