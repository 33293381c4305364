import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Platform points (积分制): an organisation's balance and history, the public leaderboard, and reversal by staff
/// (a new entry with a reason; entries are never edited).
struct PointsController {
    struct Content: Encodable {
        let organization: String
        let organizationID: String
        let balance: Int
        let rows: [Row]
        let pager: Pager
        let staff: Bool
        let values: [Value]
    }

    struct Row: Encodable {
        let id: String
        let date: String
        let event: String
        let points: Int
        let reason: String
        let reversible: Bool
    }

    struct Value: Encodable {
        let label: String
        let points: String
    }

    struct BoardContent: Encodable {
        let rows: [BoardRow]
    }

    struct BoardRow: Encodable {
        let rank: Int
        let name: String
        let points: Int
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "market", "points", access: .signedIn, use: mine)
        r.on(.GET, "market", "points", "leaderboard", access: .everyone, use: leaderboard)
        r.on(.POST, "market", "points", ":id", "reverse", access: .staff, use: reverse)
    }

    @Sendable func mine(req: Request) async throws -> Response {
        let me = try req.requireUser()
        let wanted = (try? req.query.get(String.self, at: "org")).flatMap(UUID.init(uuidString:))
        let org: OrganizationRecord
        if let wanted, me.role.isStaff, let o = try await OrganizationRecord.find(wanted, on: req.db) { org = o } else { org = try await req.listingOrganization() }
        let store = PointsStore(db: req.db)
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: (try? req.query.get(String.self, at: "format")) != nil ? 100 : 20)
        let history = try await store.history(org.id!, page: page)
        let reversed = Set(try await PointsEntryRecord.query(on: req.db).filter(\.$organizationID == org.id!).filter(\.$reversesID != nil).all().compactMap(\.reversesID))
        let rows = history.items.map { e in
            Row(id: e.id!.uuidString, date: e.createdAt.map(ChinaTime.display) ?? "", event: req.t("points_event_\(e.event)"), points: e.points, reason: e.reason,
                reversible: e.event != "reversal" && !reversed.contains(e.id!))
        }
        if let file = try ListExport.response(req, name: "points", header: ["date", "event", "points", "reason"].map { req.t("export_\($0)") },
                                              rows: rows.map { [$0.date, $0.event, String($0.points), $0.reason] }) { return file }
        let base = try req.services.rules.require()
        let today = req.today
        return try await req.page("market/points", titleKey: "points_title", content: Content(
            organization: org.name, organizationID: org.id!.uuidString, balance: try await store.balance(org.id!), rows: rows,
            pager: Pager(history, path: "/market/points", query: ["org": wanted?.uuidString]), staff: me.role.isStaff,
            values: PointsEvent.allCases.map { Value(label: req.t("points_event_\($0.rawValue)"), points: $0.points(in: base, on: today).map(String.init) ?? "—") }),
            forms: true).encodeResponse(for: req)
    }

    @Sendable func leaderboard(req: Request) async throws -> Response {
        let board = try await PointsStore(db: req.db).leaderboard()
        let names = try await MarketCatalog.organizations(req.db, Set(board.map(\.0)))
        let rows = board.prefix(200).enumerated().map { k, e in BoardRow(rank: k + 1, name: names[e.0]?.name ?? "", points: e.1) }
        if let file = try ListExport.response(req, name: "points-leaderboard", header: ["rank", "name", "points"].map { req.t("export_\($0)") },
                                              rows: rows.map { [String($0.rank), $0.name, String($0.points)] }) { return file }
        return try await req.page("market/leaderboard", titleKey: "points_leaderboard", content: BoardContent(rows: Array(rows))).encodeResponse(for: req)
    }

    @Sendable func reverse(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let e = try await PointsEntryRecord.find(id, on: req.db) else { throw DomainError.notFound("points") }
        let input = try InputReader(req, allowed: ["reason"])
        var v = Validator()
        let reason = v.text("reason", input["reason"], min: 4, max: 500) ?? ""
        try v.throwIfAny()
        _ = try await PointsStore(db: req.db).reverse(e, reason: reason, actor: req.actor)
        req.flash("flash_points_reversed")
        return req.redirect(to: "/market/points?org=\(e.organizationID.uuidString)", redirectType: .normal)
    }
}
