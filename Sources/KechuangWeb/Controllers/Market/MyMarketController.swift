import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 我的成果与需求: everything the user's organisations have put on the market, in every status (drafts, waiting for
/// review, returned with the reviewer's reason, published, withdrawn, closed), and the connection requests waiting
/// for their answer. Without it a draft or a returned listing could only be found again by its address.
struct MyMarketController {
    struct Content: Encodable {
        let rows: [Row]
        let pager: Pager
        let filters: [String: String]
        let exportQuery: String
        let statuses: [RegistrationController.Option]
        let waiting: [Waiting]
        let hasOrganization: Bool
    }

    struct Row: Encodable {
        let id: String
        let kind: String
        let kindLabel: String
        let title: String
        let field: String
        let status: String
        let statusLabel: String
        let reviewNote: String
        let updated: String
    }

    /// A connection request on one of the user's achievements that awaits acceptance.
    struct Waiting: Encodable {
        let achievementID: String
        let achievement: String
        let demand: String
        let requested: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "market", "mine", access: .signedIn, use: mine)
    }

    @Sendable func mine(req: Request) async throws -> Response {
        let me = try req.requireUser()
        var filters = ListFilters(req)
        let kind = filters.oneOf("kind", ["achievement", "demand"]), status = filters.choice("status", as: ListingStatus.self)
        try filters.check()
        let orgs = try await req.accounts.organizationIDs(of: me.id)
        var rows: [(Date, Row)] = []
        if kind != "demand" {
            var q = AchievementRecord.query(on: req.db).filter(\.$organizationID ~~ orgs)
            if let status { q = q.filter(\.$status == status.rawValue) }
            rows += try await q.all().map { a in
                (a.updatedAt ?? .distantPast, row(req, kind: "achievement", id: a.id!, title: a.title, field: a.field, status: a.status, note: a.reviewNote, updated: a.updatedAt))
            }
        }
        if kind != "achievement" {
            var q = DemandRecord.query(on: req.db).filter(\.$organizationID ~~ orgs)
            if let status { q = q.filter(\.$status == status.rawValue) }
            rows += try await q.all().map { d in
                (d.updatedAt ?? .distantPast, row(req, kind: "demand", id: d.id!, title: d.title, field: d.field, status: d.status, note: d.reviewNote, updated: d.updatedAt))
            }
        }
        // Newest change first; an organisation has dozens of listings, not thousands, so both kinds merge in memory.
        let all = rows.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1.id < $1.1.id }.map(\.1)
        if let file = try ListExport.response(req, name: "my-listings",
                                              header: ["export_id", "market_kind", "market_listing_title", "market_field", "ins_status", "market_return_reason", "market_updated"].map { req.t($0) },
                                              rows: all.map { [$0.id, $0.kindLabel, $0.title, $0.field, $0.statusLabel, $0.reviewNote, $0.updated] }) { return file }
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20)
        let shown = Array(all.dropFirst(page.offset).prefix(page.per))
        return try await req.page("market/mine", titleKey: "market_mine", content: Content(
            rows: shown, pager: Pager(PagedList(items: shown, request: page, total: all.count), path: "/market/mine", query: filters.pagerQuery),
            filters: filters.kept, exportQuery: filters.exportQuery,
            statuses: ListingStatus.allCases.map { .init(value: $0.rawValue, label: req.t("listing_\($0.rawValue)")) },
            waiting: try await waiting(req, organizations: orgs), hasOrganization: !orgs.isEmpty)).encodeResponse(for: req)
    }

    func row(_ req: Request, kind: String, id: UUID, title: String, field: String, status: String, note: String, updated: Date?) -> Row {
        Row(id: id.uuidString, kind: kind, kindLabel: req.t(kind == "achievement" ? "market_kind_achievement" : "market_kind_demand"), title: title,
            field: req.t("field_\(field)"), status: status, statusLabel: req.t("listing_\(status)"), reviewNote: status == ListingStatus.rejected.rawValue ? note : "",
            updated: updated.map(ChinaTime.display) ?? "")
    }

    /// Requests on the organisations' achievements still waiting for an answer, oldest first.
    func waiting(_ req: Request, organizations: [UUID]) async throws -> [Waiting] {
        guard !organizations.isEmpty else { return [] }
        let mine = try await AchievementRecord.query(on: req.db).filter(\.$organizationID ~~ organizations).all()
        let titles = Dictionary(mine.map { ($0.id!, $0.title) }, uniquingKeysWith: { a, _ in a })
        guard !titles.isEmpty else { return [] }
        let requests = try await MarketMatchRecord.query(on: req.db).filter(\.$achievementID ~~ Array(titles.keys)).filter(\.$status == "requested")
            .sort(\.$createdAt).limit(100).all()
        let demands = Dictionary(try await DemandRecord.query(on: req.db).filter(\.$id ~~ requests.map(\.demandID)).all().map { ($0.id!, $0.title) },
                                 uniquingKeysWith: { a, _ in a })
        return requests.map { m in
            Waiting(achievementID: m.achievementID.uuidString, achievement: titles[m.achievementID] ?? "", demand: demands[m.demandID] ?? "",
                    requested: m.createdAt.map(ChinaTime.display) ?? "")
        }
    }
}
