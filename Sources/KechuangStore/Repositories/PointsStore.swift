import FluentKit
import Foundation
import KechuangCore

/// The points ledger: entries are appended when something happens, never changed; a mistake is undone by a
/// reversing entry that names its reason. The values come from the policy files at the date of the event.
public struct PointsStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    /// Appends the points of `event` for `organizationID` unless this reference already earned them (idempotent).
    /// Runs inside the caller's transaction so the points stand or fall with the change that earned them.
    @discardableResult
    public static func award(_ event: PointsEvent, to organizationID: UUID, refType: String, refID: String, reason: String, base: RuleBase,
                             on tx: any Database, actor: Actor, now: Date = Date()) async throws -> PointsEntryRecord? {
        guard let points = event.points(in: base, on: Day(ChinaTime.dateString(now))!), points != 0 else { return nil }
        if try await PointsEntryRecord.query(on: tx).filter(\.$organizationID == organizationID).filter(\.$event == event.rawValue)
            .filter(\.$refID == refID).count() > 0 { return nil }
        let e = PointsEntryRecord()
        e.organizationID = organizationID
        e.points = points
        e.event = event.rawValue
        e.refType = refType
        e.refID = refID
        e.reason = reason
        e.createdBy = actor.userID
        try await e.create(on: tx)
        try await AuditTrail.event(on: tx, actor: actor, action: "points.award", entityType: "points", entityID: e.id!.uuidString,
                                   detail: ["organization": organizationID.uuidString, "event": event.rawValue, "points": String(points), "ref": refID])
        return e
    }

    /// Cancels an entry by appending its negative; an entry is reversed at most once and a reversal never is.
    public func reverse(_ entry: PointsEntryRecord, reason: String, actor: Actor) async throws -> PointsEntryRecord {
        guard entry.event != "reversal" else { throw DomainError(.conflict, code: "points.reversal_of_reversal") }
        if try await PointsEntryRecord.query(on: db).filter(\.$reversesID == entry.id!).count() > 0 { throw DomainError(.conflict, code: "points.already_reversed") }
        let r = PointsEntryRecord()
        r.organizationID = entry.organizationID
        r.points = -entry.points
        r.event = "reversal"
        r.refType = "points"
        r.refID = entry.id!.uuidString
        r.reason = reason
        r.reversesID = entry.id
        r.createdBy = actor.userID
        try await db.transaction { tx in
            try await r.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "points.reverse", entityType: "points", entityID: r.id!.uuidString,
                                       detail: ["reverses": entry.id!.uuidString, "reason": reason])
        }
        return r
    }

    public func balance(_ organizationID: UUID) async throws -> Int {
        // Summed here: SUM over a BIGINT column is NUMERIC on PostgreSQL, which does not decode as an integer.
        try await PointsEntryRecord.query(on: db).filter(\.$organizationID == organizationID).all().reduce(0) { $0 + $1.points }
    }

    public func history(_ organizationID: UUID, page: PageQuery) async throws -> PagedList<PointsEntryRecord> {
        let q = PointsEntryRecord.query(on: db).filter(\.$organizationID == organizationID)
        let total = try await q.count()
        let items = try await q.sort(\.$createdAt, .descending).sort(\.$id).range(page.offset..<(page.offset + page.per)).all()
        return PagedList(items: items, request: page, total: total)
    }

    /// Organisations by balance, highest first.
    public func leaderboard() async throws -> [(UUID, Int)] {
        let rows = try await PointsEntryRecord.query(on: db).all()
        var sums: [UUID: Int] = [:]
        for r in rows { sums[r.organizationID, default: 0] += r.points }
        return sums.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.uuidString < $1.key.uuidString }
    }
}
