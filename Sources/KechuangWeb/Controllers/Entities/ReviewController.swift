import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Reviewers see applications with the computed amount, the trace and the data sources, and decide.
struct ReviewController {
    struct ListContent: Encodable {
        let rows: [ApplicationController.AppRow]
        let pager: Pager
        let status: String
        let statuses: [RegistrationController.Option]
    }

    struct ShowContent: Encodable {
        let app: ApplicationController.AppRow
        let organizationID: String
        let provisional: Bool
        let ruleID: String
        let submittedVersion: String
        let submittedInputs: [EntityEvaluation.InputUsed]
        let submittedTrace: MatchJSON.Trace?
        let nowStatus: String
        let nowAmount: String?
        let nowVersion: String
        let changed: Bool
        let decidedBy: String?
        let decidedAt: String?
        let reason: String?
        let decisionVersion: String?
        let open: Bool
        let form: FormState
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "review", "applications", access: .staff, use: list)
        r.on(.GET, "review", "applications", ":id", access: .staff, use: show)
        r.on(.POST, "review", "applications", ":id", "decision", access: .staff, use: decide)
    }

    @Sendable func list(req: Request) async throws -> View {
        let status = (try? req.query.get(String.self, at: "status")).flatMap(ApplicationRecord.Status.init(rawValue:))
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 25)
        let result = try await ApplicationStore(db: req.db).list(status: status, organizationID: nil, page: page)
        return try await req.page("review/list", titleKey: "review_title", content: ListContent(
            rows: result.items.map { ApplicationController.row($0, req: req) },
            pager: Pager(result, path: "/review/applications", query: ["status": status?.rawValue]),
            status: status?.rawValue ?? "",
            statuses: ApplicationRecord.Status.allCases.map { .init(value: $0.rawValue, label: req.t("application_\($0.rawValue)")) }))
    }

    func load(_ req: Request) async throws -> (ApplicationRecord, EntityEvaluation) {
        guard let id = req.parameters.get("id", as: UUID.self), let a = try await ApplicationStore(db: req.db).find(id),
              let kind = a.organization.kind.entityKind else { throw DomainError.notFound("application") }
        return (a, try await EntityEvaluation.run(req: req, org: a.organization, kind: kind, year: a.dataYear))
    }

    func content(_ a: ApplicationRecord, _ eval: EntityEvaluation, req: Request, form: FormState = .empty) -> ShowContent {
        let now = eval.computation(ruleID: a.ruleID)
        let decoder = JSONDecoder()
        return ShowContent(
            app: ApplicationController.row(a, req: req), organizationID: a.$organization.id.uuidString, provisional: a.provisional, ruleID: a.ruleID,
            submittedVersion: a.ruleBaseVersion,
            submittedInputs: (try? decoder.decode([EntityEvaluation.InputUsed].self, from: Data(a.inputsJSON.utf8))) ?? [],
            submittedTrace: try? decoder.decode(MatchJSON.Trace.self, from: Data(a.traceJSON.utf8)),
            nowStatus: req.t("status_\(now?.status.rawValue ?? "not_in_force")"), nowAmount: now?.amountFen.map { Money(fen: $0).display },
            nowVersion: now?.ruleBaseVersion ?? "", changed: now?.amountFen != a.computedAmountFen || now?.ruleBaseVersion != a.ruleBaseVersion,
            decidedBy: a.decidedByName, decidedAt: a.decidedAt.map(ChinaTime.display), reason: a.decisionReason,
            decisionVersion: a.decisionRuleBaseVersion, open: a.status == .submitted, form: form)
    }

    @Sendable func show(req: Request) async throws -> View {
        let (a, eval) = try await load(req)
        return try await req.page("review/show", titleKey: "review_show_title", titleArgs: ["rule": a.ruleTitle], content: content(a, eval, req: req), forms: true)
    }

    @Sendable func decide(req: Request) async throws -> Response {
        let (a, eval) = try await load(req)
        let input = try InputReader(req, allowed: ["decision", "reason"])
        do {
            guard let decision = input["decision"], ["approve", "reject"].contains(decision) else {
                throw DomainError.invalid("decision", "field.not_allowed", ["value": String((input["decision"] ?? "").prefix(20))])
            }
            var v = Validator()
            let reason = v.text("reason", input["reason"], max: 500, required: decision == "reject")
            try v.throwIfAny()
            try await ApplicationStore(db: req.db).decide(a, approve: decision == "approve", reason: reason,
                                                          now: eval.computation(ruleID: a.ruleID), actor: req.actor)
            req.flash(decision == "approve" ? "flash_application_approved" : "flash_application_rejected")
            return req.redirect(to: "/review/applications/\(a.id!.uuidString)", redirectType: .normal)
        } catch let e as DomainError where e.kind == .invalidInput || e.kind == .conflict {
            return try await rerender(a, eval, e, input, req)
        } catch let e as ValidationErrors {
            return try await rerender(a, eval, e, input, req)
        }
    }

    func rerender(_ a: ApplicationRecord, _ eval: EntityEvaluation, _ e: any Error, _ input: InputReader, _ req: Request) async throws -> Response {
        let view = try await req.page("review/show", titleKey: "review_show_title", titleArgs: ["rule": a.ruleTitle],
                                      content: content(a, eval, req: req, form: try FormState(e, values: input.values, req: req)), forms: true)
        return try await .rerender(view, for: req, status: (e as? DomainError)?.kind.status ?? .unprocessableEntity)
    }
}
