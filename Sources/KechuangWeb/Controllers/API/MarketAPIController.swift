import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// JSON for the technology market: search of published listings, and two-way matches with their reasons.
struct MarketAPIController {
    struct SearchJSON: Content {
        struct Item: Content {
            let id: String
            let title: String
            let owner: String
            let field: String
            let banner: String?
            let trl: Int
            let matchedTerms: [String]
        }

        let total: Int
        let page: Int
        let per: Int
        let items: [Item]
    }

    struct MatchesJSON: Content {
        let id: String
        let matches: [MatchView]
        let holders: [HolderView]?
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "api", "v1", "market", "achievements", access: .everyone, use: achievements)
        r.on(.GET, "api", "v1", "market", "demands", access: .everyone, use: demands)
        r.on(.GET, "api", "v1", "market", "demands", ":id", "matches", access: .signedIn, use: demandMatches)
        r.on(.GET, "api", "v1", "market", "achievements", ":id", "matches", access: .signedIn, use: achievementMatches)
    }

    func search(_ req: Request, _ kind: MarketCatalog.Kind) async throws -> SearchJSON {
        let (f, _) = try MarketListController.filters(req)
        try await req.marketCatalog.refresh(on: req.db)
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: try? req.query.get(Int.self, at: "per"))
        let (total, hits) = req.marketCatalog.search(kind, f, limit: page.offset + page.per)
        return SearchJSON(total: total, page: page.page, per: page.per, items: hits.dropFirst(page.offset).map { l, m in
            .init(id: l.id.uuidString, title: l.title, owner: l.ownerName, field: l.field.rawValue, banner: l.banner, trl: l.trl, matchedTerms: m)
        })
    }

    @Sendable func achievements(req: Request) async throws -> SearchJSON { try await search(req, .achievement) }
    @Sendable func demands(req: Request) async throws -> SearchJSON { try await search(req, .demand) }

    static func limit(_ req: Request) -> Int { min(50, max(1, (try? req.query.get(Int.self, at: "limit")) ?? 20)) }

    @Sendable func demandMatches(req: Request) async throws -> MatchesJSON {
        let d = try await req.demand()
        let me = try req.requireUser()
        var insider = me.role.isStaff || me.role == .broker
        if !insider { insider = try await req.ownsOrganization(d.organizationID) }
        guard insider else { throw DomainError.notFound("demand") }
        let org = try await OrganizationRecord.find(d.organizationID, on: req.db)
        try await req.marketCatalog.refresh(on: req.db)
        let l = DemandController.listing(d, ownerName: org?.name ?? "", banner: org?.bannerCode)
        return MatchesJSON(id: d.id!.uuidString, matches: req.marketCatalog.achievements(for: l, limit: Self.limit(req)).map { MatchView($0, req: req) },
                           holders: req.marketCatalog.holders(for: l).map(HolderView.init))
    }

    @Sendable func achievementMatches(req: Request) async throws -> MatchesJSON {
        let a = try await req.achievement()
        guard try await req.mayView(status: a.status, organizationID: a.organizationID) else { throw DomainError.notFound("achievement") }
        let org = try await OrganizationRecord.find(a.organizationID, on: req.db)
        try await req.marketCatalog.refresh(on: req.db)
        let l = AchievementController.listing(a, ownerName: org?.name ?? "", banner: org?.bannerCode)
        return MatchesJSON(id: a.id!.uuidString, matches: req.marketCatalog.demands(for: l, limit: Self.limit(req)).map { MatchView($0, req: req) }, holders: nil)
    }
}
