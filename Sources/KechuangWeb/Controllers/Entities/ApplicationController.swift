import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// An organisation matches its own data, applies for awards it is eligible for, and follows its applications.
struct ApplicationController {
    struct MatchContent: Encodable {
        let organizationID: String
        let name: String
        let dataYear: Int
        let years: [Int]
        let report: MatchController.ReportView
        let canApply: Bool
        let applied: [String]
        let applications: [AppRow]
        let sources: [SourceRow]
    }

    struct SourceRow: Encodable {
        let label: String
        let value: String
        let source: String
    }

    struct AppRow: Encodable {
        let id: String
        let organization: String
        let rule: String
        let article: Int
        let year: Int
        let statusLabel: String
        let status: String
        let amount: String?
        let decidedAmount: String?
        let submittedAt: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "organizations", ":id", "match", access: .signedIn, use: match)
        r.on(.POST, "organizations", ":id", "applications", access: .roles([.enterprise, .institution, .admin]), use: apply)
    }

    static func row(_ a: ApplicationRecord, req: Request) -> AppRow {
        AppRow(id: a.id!.uuidString, organization: a.$organization.value?.name ?? "", rule: a.ruleTitle, article: a.article, year: a.dataYear,
               statusLabel: req.t("application_\(a.statusRaw)"), status: a.statusRaw,
               amount: a.computedAmountFen.map { Money(fen: $0).display }, decidedAmount: a.decidedAmountFen.map { Money(fen: $0).display },
               submittedAt: ChinaTime.display(a.submittedAt))
    }

    @Sendable func match(req: Request) async throws -> View {
        let (org, kind, staff) = try await req.organizationForData()
        let base = try req.services.rules.require()
        let eval = try await EntityEvaluation.run(req: req, org: org, kind: kind, year: try? req.query.get(Int.self, at: "year"))
        let apps = try await ApplicationStore(db: req.db).list(status: nil, organizationID: org.id!, page: PageQuery(page: 1, per: 100)).items
        let open = apps.filter { $0.dataYear == eval.dataYear && ($0.status == .submitted || $0.status == .approved) }.map(\.ruleID)
        let en = req.lang == .en
        let sources = eval.inputs.keys.sorted().compactMap { n in base.variable(n).map {
            SourceRow(label: en ? $0.labelEn : $0.label, value: eval.inputs[n]!.display, source: eval.sources[n] ?? "")
        } }
        return try await req.page("entities/match", titleKey: "org_match_title", titleArgs: ["name": org.name], content: MatchContent(
            organizationID: org.id!.uuidString, name: org.name, dataYear: eval.dataYear, years: eval.availableYears,
            report: MatchController().view(eval.report, base: base, req: req, applying: (!staff || req.currentUser?.role == .admin) ? Set(open) : nil),
            canApply: !staff || req.currentUser?.role == .admin,
            applied: open, applications: apps.map { Self.row($0, req: req) }, sources: sources), forms: true)
    }

    @Sendable func apply(req: Request) async throws -> Response {
        let (org, kind, _) = try await req.organizationForData()
        let input = try InputReader(req, allowed: ["rule", "year"])
        guard let ruleID = input["rule"], let rule = try req.services.rules.require().rule(ruleID), rule.kind == .award else {
            throw DomainError.invalid("rule", "application.unknown_rule")
        }
        guard let year = Int(input["year"] ?? ""), EntityData.years.contains(year) else { throw DomainError.invalid("year", "field.not_integer") }
        let eval = try await EntityEvaluation.run(req: req, org: org, kind: kind, year: year)
        guard let computation = eval.computation(ruleID: ruleID) else { throw DomainError.invalid("rule", "application.unknown_rule") }
        _ = try await ApplicationStore(db: req.db).submit(organizationID: org.id!, computation: computation, actor: req.actor)
        req.flash("flash_application_submitted")
        return req.redirect(to: "/organizations/\(org.id!.uuidString)/match?year=\(year)", redirectType: .normal)
    }
}
