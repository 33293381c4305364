import FluentKit
import Foundation
import KechuangCore

/// Reads and writes organisations' yearly data; each save is one transaction with its audit entry.
public struct EntityDataStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public func facts(organizationID: UUID) async throws -> [EntityFactRecord] {
        try await EntityFactRecord.query(on: db).filter(\.$organization.$id == organizationID).sort(\.$year, .descending).sort(\.$variable).all()
    }

    public static func domain(_ r: EntityFactRecord) -> EntityFact {
        EntityFact(year: r.year, variable: r.variable, value: r.value, source: r.source, verified: r.verified)
    }

    struct FactSnapshot: Codable {
        let year: Int
        let variable: String
        let value: String
        let source: String
        let verified: Bool
    }

    /// Sets (or with nil removes) values of one year. `source` and `verified` apply to every value set.
    public func save(organizationID: UUID, year: Int, values: [String: String?], source: String, verified: Bool, actor: Actor) async throws {
        try await db.transaction { tx in
            try await Self.save(on: tx, organizationID: organizationID, year: year, values: values, source: source, verified: verified, actor: actor)
        }
    }

    static func save(on tx: any Database, organizationID: UUID, year: Int, values: [String: String?], source: String, verified: Bool, actor: Actor) async throws {
        let existing = try await EntityFactRecord.query(on: tx).filter(\.$organization.$id == organizationID).filter(\.$year == year).all()
        let byVariable = Dictionary(existing.map { ($0.variable, $0) }, uniquingKeysWith: { a, _ in a })
        var before: [FactSnapshot] = []
        var after: [FactSnapshot] = []
        for (variable, value) in values.sorted(by: { $0.key < $1.key }) {
            let old = byVariable[variable]
            if let old { before.append(FactSnapshot(year: year, variable: variable, value: old.value, source: old.source, verified: old.verified)) }
            switch (old, value) {
            case (nil, nil): continue
            case (let old?, nil): try await old.delete(on: tx)
            case (let old?, let v?):
                if old.value == v && old.source == source && old.verified == verified { continue }
                old.value = v
                old.source = source
                old.verified = verified
                old.recordedBy = actor.userID
                old.recordedByName = actor.name
                try await old.update(on: tx)
                after.append(FactSnapshot(year: year, variable: variable, value: v, source: source, verified: verified))
            case (nil, let v?):
                try await EntityFactRecord(organizationID: organizationID, year: year, variable: variable, value: v, source: source,
                                           verified: verified, by: actor.userID, byName: actor.name).create(on: tx)
                after.append(FactSnapshot(year: year, variable: variable, value: v, source: source, verified: verified))
            }
        }
        try await AuditTrail.record(on: tx, actor: actor, action: "entity_data.save", entityType: "organization", entityID: organizationID.uuidString,
                                    before: before, after: after)
    }

    /// One row of an import: a year and its values, with the source of the whole file.
    public struct ImportRow: Sendable {
        public let line: Int
        public let year: Int
        public let values: [String: String?]
        public init(line: Int, year: Int, values: [String: String?]) {
            self.line = line
            self.year = year
            self.values = values
        }
    }

    /// All rows or none.
    public func importRows(_ rows: [ImportRow], organizationID: UUID, source: String, verified: Bool, actor: Actor) async throws {
        try await db.transaction { tx in
            for row in rows {
                try await Self.save(on: tx, organizationID: organizationID, year: row.year, values: row.values, source: source, verified: verified, actor: actor)
            }
        }
    }
}
