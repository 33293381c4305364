import FluentKit
import Foundation
import KechuangCore
import KechuangStore
import SQLKit

/// The searchable registry held in memory: a bigram index over name, model, functions and application fields
/// plus what the filters need. Each search first asks the database whether anything changed (row count and
/// latest `updated_at`) and folds in only the changed rows, so several server processes stay current.
final class InstrumentCatalog: @unchecked Sendable {
    struct Entry: Sendable {
        let id: UUID
        let name: String
        let model: String
        let manufacturer: String
        let classCode: String
        let banner: String
        let organizationID: UUID
        let organizationName: String
        /// External price per hour in fen (the fee filter compares like with like whatever the charging unit).
        let hourlyExternalFen: Int64
        let feeExternalFen: Int64
        let feeUnitMinutes: Int
        let bookable: Bool
        let policy: BookingPolicy
    }

    struct Filters: Sendable {
        var q = ""
        var classCode = ""
        var banner = ""
        var owner: UUID?
        var feeMinFen: Int64?
        var feeMaxFen: Int64?
        var available: (from: Date, to: Date)?
    }

    struct Hit: Sendable {
        let entry: Entry
        let matched: [String]
    }

    private let lock = NSLock()
    private var index = BigramIndex<UUID>()
    private var entries: [UUID: Entry] = [:]
    /// Every entry in name order, for listings without a query (kept sorted at refresh, not per request).
    private var byName: [UUID] = []
    private var count = -1
    private var latest: Date?
    private let refreshGate = AsyncMutex()

    func refresh(on db: any Database) async throws {
        let stamp = try await StoreSQL.changeStamp(db, table: "instruments")
        let (known, since) = lock.withLock { (count, latest) }
        if let stamp, stamp.n == known, stamp.latest == since { return }
        try await refreshGate.run {
            let (known, since) = self.lock.withLock { (self.count, self.latest) }
            if let stamp, stamp.n == known, stamp.latest == since { return }
            var q = InstrumentRecord.query(on: db)
            if known >= 0, let since { q = q.filter(\.$updatedAt >= since) }
            let rows = try await q.all()
            let orgIDs = Array(Set(rows.map { $0.$organization.id }))
            var names: [UUID: String] = [:]
            for chunk in stride(from: 0, to: orgIDs.count, by: 500).map({ Array(orgIDs[$0..<min($0 + 500, orgIDs.count)]) }) {
                for o in try await OrganizationRecord.query(on: db).filter(\.$id ~~ chunk).all() { names[o.id!] = o.name }
            }
            self.lock.withLock {
                for r in rows {
                    let e = Entry(id: r.id!, name: r.name, model: r.model, manufacturer: r.manufacturer, classCode: r.classCode, banner: r.bannerCode,
                                  organizationID: r.$organization.id, organizationName: names[r.$organization.id] ?? "",
                                  hourlyExternalFen: r.feeExternalFen * 60 / Int64(max(1, r.feeUnitMinutes)), feeExternalFen: r.feeExternalFen,
                                  feeUnitMinutes: r.feeUnitMinutes, bookable: r.bookable && r.shareMode == ShareMode.external.rawValue, policy: r.policy)
                    self.entries[e.id] = e
                    self.index.upsert(e.id, fields: [(r.name, 3), (r.model + " " + r.manufacturer, 2), (r.functions, 1), (r.applicationFields, 1)])
                }
                self.byName = self.entries.values.sorted { $0.name != $1.name ? $0.name < $1.name : $0.id.uuidString < $1.id.uuidString }.map(\.id)
                self.count = stamp?.n ?? self.entries.count
                self.latest = stamp?.latest ?? rows.compactMap(\.updatedAt).max()
            }
        }
    }

    /// Ranked by text relevance when there is a query, by name otherwise; filters applied first. Returns the number
    /// of matches and the first `limit` of them.
    func search(_ f: Filters, busyMinutes: [UUID: Int] = [:], limit: Int) -> (total: Int, hits: [Hit]) {
        lock.withLock {
            func keep(_ e: Entry) -> Bool {
                if !f.classCode.isEmpty && !e.classCode.hasPrefix(f.classCode) { return false }
                if !f.banner.isEmpty && e.banner != f.banner { return false }
                if let o = f.owner, e.organizationID != o { return false }
                if let lo = f.feeMinFen, e.hourlyExternalFen < lo { return false }
                if let hi = f.feeMaxFen, e.hourlyExternalFen > hi { return false }
                if let range = f.available {
                    guard e.bookable else { return false }
                    let open = e.policy.openMinutes(from: range.from, to: range.to)
                    if open - (busyMinutes[e.id] ?? 0) < e.policy.minMinutes { return false }
                }
                return true
            }
            let q = f.q.trimmingCharacters(in: .whitespaces)
            if q.isEmpty {
                var total = 0
                var hits: [Hit] = []
                for id in byName {
                    guard let e = entries[id], keep(e) else { continue }
                    total += 1
                    if hits.count < limit { hits.append(Hit(entry: e, matched: [])) }
                }
                return (total, hits)
            }
            let result = index.search(q, limit: limit, allowed: { id in self.entries[id].map(keep) ?? false })
            return (result.total, result.hits.compactMap { h in entries[h.id].map { Hit(entry: $0, matched: h.matched) } })
        }
    }
}
