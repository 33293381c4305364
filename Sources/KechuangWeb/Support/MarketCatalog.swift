import FluentKit
import Foundation
import KechuangCore
import KechuangStore
import SQLKit

/// Published achievements and demands held in memory for search and matching (a `MarketMatcher`). Like the
/// instrument catalogue it asks the database what changed (count and latest `updated_at` of each table) before
/// answering and folds in only the changed rows, so several server processes stay current.
final class MarketCatalog: @unchecked Sendable {
    enum Kind: String { case achievement, demand }

    struct Filters: Sendable {
        var q = "", field = "", banner = ""
        var minTRL: Int?
    }

    private let lock = NSLock()
    private var matcher = MarketMatcher()
    private var stamps: [Kind: (Int, Date?)] = [:]
    /// Newest first, for listings without a query.
    private var recent: [Kind: [(UUID, Date)]] = [.achievement: [], .demand: []]
    private let gate = AsyncMutex()
    /// When the database was last asked whether anything changed, and whether this process changed something since.
    private var checkedAt = Date.distantPast
    private var dirty = true

    /// Counting 100k rows costs several milliseconds on PostgreSQL, so the question is asked at most once a second;
    /// changes made through this process mark the catalogue dirty and are seen at once, other processes' within a second.
    static let recheckInterval: TimeInterval = 1

    func markDirty() { lock.withLock { dirty = true } }

    func refresh(on db: any Database) async throws {
        let skip = lock.withLock { () -> Bool in
            if !dirty && WallClock.now.timeIntervalSince(checkedAt) < Self.recheckInterval { return true }
            dirty = false
            checkedAt = WallClock.now
            return false
        }
        if skip { return }
        do {
            for kind in [Kind.achievement, .demand] { try await refresh(kind, on: db) }
        } catch {
            markDirty()
            throw error
        }
    }

    private func refresh(_ kind: Kind, on db: any Database) async throws {
        let table = kind == .achievement ? "achievements" : "demands"
        let stamp = try await StoreSQL.changeStamp(db, table: table)
        let current = stamp.map { ($0.n, $0.latest) }
        if let known = lock.withLock({ stamps[kind] }), let current, known.0 == current.0, known.1 == current.1 { return }
        try await gate.run {
            let known = self.lock.withLock { self.stamps[kind] }
            if let known, let current, known.0 == current.0, known.1 == current.1 { return }
            let since = known?.1
            // Changed rows are read in chunks, so a first load of 100k listings never holds them all as models at once.
            var offset = 0
            while true {
                let chunk = try await self.read(kind, since: since, offset: offset, limit: 5000, on: db)
                self.fold(kind, chunk)
                if chunk.count < 5000 { break }
                offset += 5000
            }
            self.lock.withLock {
                self.recent[kind] = (self.recent[kind] ?? []).sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.uuidString < $1.0.uuidString }
                self.stamps[kind] = current ?? (0, nil)
            }
        }
    }

    /// One chunk of changed rows as (listing if it is searchable, id, date for ordering).
    private func read(_ kind: Kind, since: Date?, offset: Int, limit: Int, on db: any Database) async throws -> [(MarketMatcher.Listing?, UUID, Date)] {
        if kind == .achievement {
            var q = AchievementRecord.query(on: db)
            if let since { q = q.filter(\.$updatedAt >= since) }
            let rows = try await q.sort(\.$id).range(offset..<(offset + limit)).all()
            let orgs = try await Self.organizations(db, Set(rows.map(\.organizationID)))
            return rows.map { a in
                let org = orgs[a.organizationID]
                let l = a.status == ListingStatus.published.rawValue ? MarketMatcher.Listing(
                    id: a.id!, title: a.title, text: a.keywords + " " + a.abstract, field: PriorityField(rawValue: a.field) ?? .other, trl: a.trl,
                    banner: org?.bannerCode, ownerID: a.organizationID, ownerName: org?.name ?? "") : nil
                return (l, a.id!, a.publishedAt ?? a.createdAt ?? .distantPast)
            }
        }
        var q = DemandRecord.query(on: db)
        if let since { q = q.filter(\.$updatedAt >= since) }
        let rows = try await q.sort(\.$id).range(offset..<(offset + limit)).all()
        let orgs = try await Self.organizations(db, Set(rows.map(\.organizationID)))
        return rows.map { d in
            let org = orgs[d.organizationID]
            // Confidential demands are matched for staff and brokers through the database, not the public index.
            let searchable = d.status == ListingStatus.published.rawValue && d.confidentiality != Confidentiality.confidential.rawValue
            let text = d.confidentiality == Confidentiality.public.rawValue ? d.problem + " " + d.expected : d.expected
            let l = searchable ? MarketMatcher.Listing(id: d.id!, title: d.title, text: text, field: PriorityField(rawValue: d.field) ?? .other,
                                                       trl: d.minTRL, banner: org?.bannerCode, ownerID: d.organizationID, ownerName: org?.name ?? "") : nil
            return (l, d.id!, d.publishedAt ?? d.createdAt ?? .distantPast)
        }
    }

    private func fold(_ kind: Kind, _ listings: [(MarketMatcher.Listing?, UUID, Date)]) {
        lock.withLock {
            var order = Dictionary((recent[kind] ?? []).map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
            for (l, id, when) in listings {
                if let l {
                    if kind == .achievement { matcher.upsertAchievement(l) } else { matcher.upsertDemand(l) }
                    order[id] = when
                } else {
                    if kind == .achievement { matcher.removeAchievement(id) } else { matcher.removeDemand(id) }
                    order[id] = nil
                }
            }
            recent[kind] = order.map { ($0.key, $0.value) } // sorted once the refresh is complete
        }
    }

    struct OrgInfo { let name: String; let bannerCode: String? }

    static func organizations(_ db: any Database, _ ids: Set<UUID>) async throws -> [UUID: OrgInfo] {
        var out: [UUID: OrgInfo] = [:]
        let list = Array(ids)
        for start in stride(from: 0, to: list.count, by: 500) {
            for o in try await OrganizationRecord.query(on: db).filter(\.$id ~~ Array(list[start..<min(list.count, start + 500)])).all() {
                out[o.id!] = OrgInfo(name: o.name, bannerCode: o.banner?.code)
            }
        }
        return out
    }

    /// Published listings of a kind matching the filters: (total, first `limit` as listing + matched terms).
    func search(_ kind: Kind, _ f: Filters, limit: Int) -> (total: Int, hits: [(MarketMatcher.Listing, [String])]) {
        lock.withLock {
            let info = kind == .achievement ? matcher.achievementInfo : matcher.demandInfo
            func keep(_ l: MarketMatcher.Listing) -> Bool {
                if !f.field.isEmpty && l.field.rawValue != f.field { return false }
                if !f.banner.isEmpty && l.banner != f.banner { return false }
                if let t = f.minTRL, l.trl < t { return false }
                return true
            }
            let q = f.q.trimmingCharacters(in: .whitespaces)
            if q.isEmpty {
                var total = 0
                var hits: [(MarketMatcher.Listing, [String])] = []
                for (id, _) in recent[kind] ?? [] {
                    guard let l = info[id], keep(l) else { continue }
                    total += 1
                    if hits.count < limit { hits.append((l, [])) }
                }
                return (total, hits)
            }
            let index = kind == .achievement ? matcher.achievements : matcher.demands
            let r = index.search(q, limit: limit, allowed: { id in info[id].map(keep) ?? false })
            return (r.total, r.hits.compactMap { h in info[h.id].map { ($0, h.matched) } })
        }
    }

    func achievements(for demand: MarketMatcher.Listing, limit: Int) -> [MarketMatcher.Match] { lock.withLock { matcher.achievements(for: demand, limit: limit) } }
    func demands(for achievement: MarketMatcher.Listing, limit: Int) -> [MarketMatcher.Match] { lock.withLock { matcher.demands(for: achievement, limit: limit) } }
    func holders(for demand: MarketMatcher.Listing) -> [MarketMatcher.Holder] { lock.withLock { matcher.holders(for: demand) } }

    /// Published counts per field and per banner, for the showcase.
    func counts(_ kind: Kind) -> (fields: [String: Int], banners: [String: Int]) {
        lock.withLock {
            let info = kind == .achievement ? matcher.achievementInfo : matcher.demandInfo
            var fields: [String: Int] = [:], banners: [String: Int] = [:]
            for l in info.values {
                fields[l.field.rawValue, default: 0] += 1
                if let b = l.banner { banners[b, default: 0] += 1 }
            }
            return (fields, banners)
        }
    }
}
