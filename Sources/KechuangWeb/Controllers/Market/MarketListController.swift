import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The showcase (蒙科聚 Ordos node) and the public lists of achievements and demands: bigram search, field,
/// banner and readiness filters, pages, CSV/XLSX.
struct MarketListController {
    struct Showcase: Encodable {
        let fields: [Count]
        let banners: [Count]
        let achievements: [Row]
        let demands: [Row]
        let openChallenges: Int
        let contractsThisYear: Int
        let signedIn: Bool
    }

    struct Count: Encodable {
        let key: String
        let label: String
        let achievements: Int
        let demands: Int
    }

    struct Row: Encodable {
        let id: String
        let title: String
        let owner: String
        let field: String
        let banner: String
        let trl: Int
        let detail: String
        let matched: String
    }

    struct ListContent: Encodable {
        let kind: String
        let rows: [Row]
        let pager: Pager
        let fields: [RegistrationController.Option]
        let banners: [RegistrationController.Option]
        let filters: [String: String]
        let exportQuery: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "market", access: .everyone, use: showcase)
        r.on(.GET, "market", "achievements", access: .everyone, use: achievements)
        r.on(.GET, "market", "demands", access: .everyone, use: demands)
    }

    static func filters(_ req: Request) throws -> (MarketCatalog.Filters, ListFilters) {
        var list = ListFilters(req)
        var f = MarketCatalog.Filters()
        f.q = list.text("q", max: 200)
        f.field = list.choice("field", as: PriorityField.self)?.rawValue ?? ""
        f.banner = list.choice("banner", as: Banner.self)?.rawValue ?? ""
        f.minTRL = list.integer("trl", 1...9)
        try list.check()
        return (f, list)
    }

    func row(_ l: MarketMatcher.Listing, matched: [String], detail: String, req: Request) -> Row {
        Row(id: l.id.uuidString, title: l.title, owner: l.ownerName, field: req.t("field_\(l.field.rawValue)"), banner: req.bannerName(l.banner), trl: l.trl,
            detail: detail, matched: matched.joined(separator: " · "))
    }

    @Sendable func showcase(req: Request) async throws -> View {
        try await req.marketCatalog.refresh(on: req.db)
        let a = req.marketCatalog.counts(.achievement), d = req.marketCatalog.counts(.demand)
        let fields = PriorityField.allCases.map { f in Count(key: f.rawValue, label: req.t("field_\(f.rawValue)"), achievements: a.fields[f.rawValue] ?? 0, demands: d.fields[f.rawValue] ?? 0) }
            .filter { $0.achievements + $0.demands > 0 }
        let banners = Banner.allCases.map { b in Count(key: b.code, label: req.lang == .zh ? b.nameZh : b.nameEn, achievements: a.banners[b.code] ?? 0, demands: d.banners[b.code] ?? 0) }
        let latestA = req.marketCatalog.search(.achievement, .init(), limit: 6).hits.map { row($0.0, matched: [], detail: "TRL \($0.0.trl)", req: req) }
        let latestD = req.marketCatalog.search(.demand, .init(), limit: 6).hits.map { row($0.0, matched: [], detail: "", req: req) }
        return try await req.page("market/index", titleKey: "market_title", content: Showcase(
            fields: fields, banners: banners, achievements: latestA, demands: latestD,
            openChallenges: try await ChallengeRecord.query(on: req.db).filter(\.$state == ChallengeState.open.rawValue).count(),
            contractsThisYear: try await req.contracts.registeredCount(year: ChinaTime.civil(req.now).year), signedIn: req.currentUser != nil))
    }

    func list(_ req: Request, kind: MarketCatalog.Kind) async throws -> Response {
        let (f, filters) = try Self.filters(req)
        try await req.marketCatalog.refresh(on: req.db)
        let exporting = (try? req.query.get(String.self, at: "format")) != nil
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20)
        let (total, hits) = req.marketCatalog.search(kind, f, limit: exporting ? 100_000 : page.offset + page.per)
        if kind == .achievement {
            let ids = hits.map(\.0.id)
            let records = exporting ? Dictionary(try await AchievementRecord.query(on: req.db).filter(\.$id ~~ ids).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a }) : [:]
            if let file = try ListExport.response(req, name: "achievements", header: ["id", "title", "owner", "field", "banner", "trl", "modes", "price_yuan", "patents"].map { req.t("export_\($0)") },
                                                  rows: hits.map { l, _ in
                                                      let r = records[l.id]
                                                      return [l.id.uuidString, l.title, l.ownerName, req.t("field_\(l.field.rawValue)"), req.bannerName(l.banner), String(l.trl),
                                                              r?.modes ?? "", r?.priceFen.map { Money(fen: $0).plainYuan } ?? req.t("market_negotiable"), r?.patents ?? ""]
                                                  }) { return file }
        } else {
            let records = exporting ? Dictionary(try await DemandRecord.query(on: req.db).filter(\.$id ~~ hits.map(\.0.id)).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a }) : [:]
            if let file = try ListExport.response(req, name: "demands", header: ["id", "title", "owner", "field", "banner", "min_trl", "budget_yuan", "deadline"].map { req.t("export_\($0)") },
                                                  rows: hits.map { l, _ in
                                                      let r = records[l.id]
                                                      return [l.id.uuidString, l.title, l.ownerName, req.t("field_\(l.field.rawValue)"), req.bannerName(l.banner), String(l.trl),
                                                              r.map { Money(fen: $0.budgetFen).plainYuan } ?? "", r?.deadline ?? ""]
                                                  }) { return file }
        }
        let rows = hits.dropFirst(page.offset).map { row($0.0, matched: $0.1, detail: kind == .achievement ? "TRL \($0.0.trl)" : "TRL ≥ \($0.0.trl)", req: req) }
        let path = kind == .achievement ? "/market/achievements" : "/market/demands"
        let view = try await req.page("market/list", titleKey: kind == .achievement ? "market_achievements" : "market_demands", content: ListContent(
            kind: kind.rawValue, rows: Array(rows), pager: Pager(PagedList(items: Array(rows), request: page, total: total), path: path, query: filters.pagerQuery),
            fields: req.fieldOptions(), banners: req.bannerOptions(), filters: filters.kept, exportQuery: filters.exportQuery))
        return try await view.encodeResponse(for: req)
    }

    @Sendable func achievements(req: Request) async throws -> Response { try await list(req, kind: .achievement) }
    @Sendable func demands(req: Request) async throws -> Response { try await list(req, kind: .demand) }
}
