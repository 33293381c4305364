import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Staff review of submitted listings, and connection requests (对接) between demands and achievements.
struct MarketReviewController {
    struct QueueContent: Encodable {
        let achievements: [Item]
        let demands: [Item]
    }

    struct Item: Encodable {
        let id: String
        let title: String
        let owner: String
        let submitted: String
        let summary: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "market", "review", access: .staff, use: queue)
        r.on(.POST, "market", "matches", access: .signedIn, use: request)
        r.on(.POST, "market", "matches", ":id", "decide", access: .signedIn, use: decide)
    }

    @Sendable func queue(req: Request) async throws -> View {
        let a = try await AchievementRecord.query(on: req.db).filter(\.$status == ListingStatus.submitted.rawValue).sort(\.$updatedAt).limit(200).all()
        let d = try await DemandRecord.query(on: req.db).filter(\.$status == ListingStatus.submitted.rawValue).sort(\.$updatedAt).limit(200).all()
        let orgs = try await MarketCatalog.organizations(req.db, Set(a.map(\.organizationID) + d.map(\.organizationID)))
        return try await req.page("market/review", titleKey: "market_review", content: QueueContent(
            achievements: a.map { Item(id: $0.id!.uuidString, title: $0.title, owner: orgs[$0.organizationID]?.name ?? "", submitted: $0.updatedAt.map(ChinaTime.display) ?? "",
                                       summary: String($0.abstract.prefix(120))) },
            demands: d.map { Item(id: $0.id!.uuidString, title: $0.title, owner: orgs[$0.organizationID]?.name ?? "", submitted: $0.updatedAt.map(ChinaTime.display) ?? "",
                                  summary: String($0.problem.prefix(120))) }), forms: true)
    }

    /// The demand's owner or a broker asks an achievement's owner for a connection; a broker is recorded for attribution.
    @Sendable func request(req: Request) async throws -> Response {
        let input = try InputReader(req, allowed: ["demand_id", "achievement_id", "note"])
        let me = try req.requireUser()
        guard let did = input["demand_id"].flatMap(UUID.init(uuidString:)), let d = try await DemandRecord.find(did, on: req.db) else {
            throw DomainError.invalid("demand_id", "market.unknown_listing")
        }
        guard let aid = input["achievement_id"].flatMap(UUID.init(uuidString:)), let a = try await AchievementRecord.find(aid, on: req.db),
              a.status == ListingStatus.published.rawValue else { throw DomainError.invalid("achievement_id", "market.unknown_listing") }
        let owner = try await req.ownsOrganization(d.organizationID)
        guard owner || me.role == .broker else { throw DomainError.notFound("demand") }
        guard d.status == ListingStatus.published.rawValue else { throw DomainError(.conflict, code: "market.not_published", field: "demand_id") }
        var v = Validator()
        let note = v.text("note", input["note"], max: 500, required: false) ?? ""
        try v.throwIfAny()
        _ = try await MatchStore(db: req.db).request(demand: d, achievement: a, brokerID: me.role == .broker ? me.id : nil, note: note, actor: req.actor)
        if req.isAPI { return Response(status: .created) }
        req.flash("flash_match_requested")
        return req.redirect(to: "/market/demands/\(d.id!.uuidString)", redirectType: .normal)
    }

    @Sendable func decide(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let m = try await MarketMatchRecord.find(id, on: req.db),
              let a = try await AchievementRecord.find(m.achievementID, on: req.db), let d = try await DemandRecord.find(m.demandID, on: req.db),
              try await req.ownsOrganization(a.organizationID) else { throw DomainError.notFound("match") }
        let input = try InputReader(req, allowed: ["accept"])
        guard let accept = ["true": true, "false": false][input["accept"] ?? ""] else { throw DomainError.invalid("accept", "field.required") }
        try await MatchStore(db: req.db).decide(m, accept: accept, demand: d, achievement: a, base: try req.services.rules.require(), actor: req.actor)
        req.flash(accept ? "flash_match_accepted" : "flash_match_declined")
        return req.redirect(to: "/market/achievements/\(a.id!.uuidString)", redirectType: .normal)
    }
}
