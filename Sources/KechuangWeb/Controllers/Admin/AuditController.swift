import KechuangCore
import KechuangStore
import Vapor

/// Admins browse and filter the audit log. There is no route that changes it.
struct AuditController {
    struct Content: Encodable {
        let entries: [Row]
        let pager: Pager
        let actions: [String]
        let entityTypes: [String]
        let filter: Filter
    }

    struct Filter: Encodable {
        let actor: String
        let action: String
        let entityType: String
        let from: String
        let to: String
    }

    struct Row: Encodable {
        let at: String
        let actor: String
        let address: String
        let action: String
        let entityType: String
        let entityID: String
        let before: String?
        let after: String?
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "admin", "audit", access: .admin, use: list)
    }

    /// Dates in the filter are Beijing calendar days; `to` includes its whole day.
    static func query(from req: Request) -> (AuditQuery, Filter) {
        func s(_ k: String) -> String { ((try? req.query.get(String.self, at: k)) ?? "").trimmingCharacters(in: .whitespaces) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = ChinaTime.zone
        f.dateFormat = "yyyy-MM-dd"
        let from = f.date(from: s("from"))
        let to = f.date(from: s("to")).map { $0.addingTimeInterval(86400) }
        let filter = Filter(actor: s("actor"), action: s("action"), entityType: s("entityType"), from: from == nil ? "" : s("from"), to: to == nil ? "" : s("to"))
        return (AuditQuery(actor: filter.actor, action: filter.action, entityType: filter.entityType, from: from, to: to), filter)
    }

    @Sendable func list(req: Request) async throws -> View {
        let (q, filter) = Self.query(from: req)
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 50)
        let result = try await AuditTrail.list(on: req.db, query: q, page: page)
        let facets = try await AuditTrail.facets(on: req.db)
        let rows = result.items.map {
            Row(at: ChinaTime.display($0.at), actor: $0.actorName, address: $0.address, action: $0.action, entityType: $0.entityType,
                entityID: $0.entityID, before: $0.beforeJSON, after: $0.afterJSON)
        }
        let pager = Pager(result, path: "/admin/audit", query: ["actor": filter.actor, "action": filter.action, "entityType": filter.entityType,
                                                                 "from": filter.from, "to": filter.to])
        return try await req.page("admin/audit", titleKey: "audit_title",
                                  content: Content(entries: rows, pager: pager, actions: facets.actions, entityTypes: facets.entityTypes, filter: filter))
    }
}
