import FluentKit
import Foundation
import KechuangCore

/// Appends audit entries. Call it with the transaction that makes the change, so both commit or neither does.
public enum AuditTrail {
    public static func record<Before: Encodable, After: Encodable>(
        on db: any Database, actor: Actor, action: String, entityType: String, entityID: String,
        before: Before?, after: After?, at: Date = Date()
    ) async throws {
        let entry = AuditEntryRecord(at: at, actorID: actor.userID, actorName: actor.name, action: action,
                                     entityType: entityType, entityID: entityID,
                                     beforeJSON: try before.map(json), afterJSON: try after.map(json), address: actor.address)
        try await entry.create(on: db)
    }

    /// An entry with no before/after payload (logins, logouts, refused attempts).
    public static func event(on db: any Database, actor: Actor, action: String, entityType: String, entityID: String,
                             detail: [String: String]? = nil) async throws {
        try await record(on: db, actor: actor, action: action, entityType: entityType, entityID: entityID,
                         before: Optional<[String: String]>.none, after: detail)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Filters for browsing the audit log.
public struct AuditQuery: Sendable {
    public var actor: String?
    public var action: String?
    public var entityType: String?
    public var from: Date?
    public var to: Date?
    public init(actor: String? = nil, action: String? = nil, entityType: String? = nil, from: Date? = nil, to: Date? = nil) {
        self.actor = actor
        self.action = action
        self.entityType = entityType
        self.from = from
        self.to = to
    }
}

extension AuditTrail {
    /// Newest first, filtered and paginated.
    public static func list(on db: any Database, query q: AuditQuery, page: PageQuery) async throws -> PagedList<AuditEntryRecord> {
        let builder = AuditEntryRecord.query(on: db)
        if let actor = q.actor, !actor.isEmpty { builder.filter(\.$actorName == actor) }
        if let action = q.action, !action.isEmpty { builder.filter(\.$action == action) }
        if let type = q.entityType, !type.isEmpty { builder.filter(\.$entityType == type) }
        if let from = q.from { builder.filter(\.$at >= from) }
        if let to = q.to { builder.filter(\.$at < to) }
        let total = try await builder.count()
        let items = try await builder.sort(\.$at, .descending).sort(\.$id).range(page.offset..<(page.offset + page.per)).all()
        return PagedList(items: items, request: page, total: total)
    }

    /// The distinct actions and entity types, for the filter drop-downs.
    public static func facets(on db: any Database) async throws -> (actions: [String], entityTypes: [String]) {
        let sql = try StoreSQL.sql(db)
        struct Row: Decodable { let v: String }
        let actions = try await sql.raw("SELECT DISTINCT action AS v FROM audit_entries ORDER BY v").all(decoding: Row.self).map(\.v)
        let types = try await sql.raw("SELECT DISTINCT entity_type AS v FROM audit_entries ORDER BY v").all(decoding: Row.self).map(\.v)
        return (actions, types)
    }
}
