import FluentKit
import Foundation
import KechuangCore

/// The listings the market pages look up by id, and staff's review queue.
extension ListingStore {
    public func achievement(_ id: UUID) async throws -> AchievementRecord? { try await AchievementRecord.find(id, on: db) }
    public func demand(_ id: UUID) async throws -> DemandRecord? { try await DemandRecord.find(id, on: db) }

    /// Achievements by id, for exports of a search result (batched: an export may hold thousands).
    public func achievements(_ ids: [UUID]) async throws -> [UUID: AchievementRecord] {
        try await Self.batched(ids) { try await AchievementRecord.query(on: db).filter(\.$id ~~ $0).all() }
    }

    public func demands(_ ids: [UUID]) async throws -> [UUID: DemandRecord] {
        try await Self.batched(ids) { try await DemandRecord.query(on: db).filter(\.$id ~~ $0).all() }
    }

    static func batched<R: Model>(_ ids: [UUID], _ load: ([UUID]) async throws -> [R]) async throws -> [UUID: R] where R.IDValue == UUID {
        var out: [UUID: R] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            for r in try await load(Array(ids[start..<min(ids.count, start + 500)])) { out[r.id!] = r }
        }
        return out
    }

    /// The listing organisations by id (batched: a page of results may name hundreds).
    public func organizationNames(_ ids: Set<UUID>) async throws -> [UUID: OrganizationRecord] {
        try await Self.batched(Array(ids)) { try await OrganizationRecord.query(on: db).filter(\.$id ~~ $0).all() }
    }

    /// Listings waiting for staff review, oldest submission first, at most `limit` of each kind, with their owners.
    public func reviewQueue(limit: Int) async throws -> (achievements: [AchievementRecord], demands: [DemandRecord], owners: [UUID: OrganizationRecord]) {
        let submitted = ListingStatus.submitted.rawValue
        let a = try await AchievementRecord.query(on: db).filter(\.$status == submitted).sort(\.$updatedAt).limit(limit).all()
        let d = try await DemandRecord.query(on: db).filter(\.$status == submitted).sort(\.$updatedAt).limit(limit).all()
        return (a, d, try await organizationNames(Set(a.map(\.organizationID) + d.map(\.organizationID))))
    }
}

extension MatchStore {
    /// A connection request with the two listings it joins.
    public func match(_ id: UUID) async throws -> (match: MarketMatchRecord, achievement: AchievementRecord, demand: DemandRecord)? {
        guard let m = try await MarketMatchRecord.find(id, on: db), let a = try await AchievementRecord.find(m.achievementID, on: db),
              let d = try await DemandRecord.find(m.demandID, on: db) else { return nil }
        return (m, a, d)
    }
}

extension MatchStore {
    /// Connection requests for an achievement, newest first, with the demands' titles.
    public func requests(achievementID: UUID) async throws -> (requests: [MarketMatchRecord], demandTitles: [UUID: String]) {
        let rs = try await MarketMatchRecord.query(on: db).filter(\.$achievementID == achievementID).sort(\.$createdAt, .descending).all()
        return (rs, try await demandTitles(Set(rs.map(\.demandID))))
    }

    /// The achievements a demand has asked for a connection with (requested, accepted or declined).
    public func connectedAchievements(demandID: UUID) async throws -> [UUID] {
        try await MarketMatchRecord.query(on: db).filter(\.$demandID == demandID).all().map(\.achievementID)
    }

    func demandTitles(_ ids: Set<UUID>) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await DemandRecord.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.title) }, uniquingKeysWith: { x, _ in x })
    }
}

extension PointsStore {
    public func entry(_ id: UUID) async throws -> PointsEntryRecord? { try await PointsEntryRecord.find(id, on: db) }

    /// The organisation's entries that a reversal already undid (they cannot be reversed twice).
    public func reversedEntries(_ organizationID: UUID) async throws -> Set<UUID> {
        Set(try await PointsEntryRecord.query(on: db).filter(\.$organizationID == organizationID).filter(\.$reversesID != nil).all().compactMap(\.reversesID))
    }
}

extension ListingStore {
    /// The organisations' own listings of either kind, all statuses or one (an organisation has dozens, not thousands).
    public func owned(by organizations: [UUID], achievements: Bool, demands: Bool, status: ListingStatus?) async throws
        -> (achievements: [AchievementRecord], demands: [DemandRecord]) {
        guard !organizations.isEmpty else { return ([], []) }
        var a: [AchievementRecord] = [], d: [DemandRecord] = []
        if achievements {
            var q = AchievementRecord.query(on: db).filter(\.$organizationID ~~ organizations)
            if let status { q = q.filter(\.$status == status.rawValue) }
            a = try await q.all()
        }
        if demands {
            var q = DemandRecord.query(on: db).filter(\.$organizationID ~~ organizations)
            if let status { q = q.filter(\.$status == status.rawValue) }
            d = try await q.all()
        }
        return (a, d)
    }
}

extension MatchStore {
    public struct Waiting: Sendable {
        public let match: MarketMatchRecord
        public let achievementTitle: String
        public let demandTitle: String
    }

    /// Requests on the organisations' achievements still waiting for an answer, oldest first, at most `limit`.
    public func waiting(on organizations: [UUID], limit: Int) async throws -> [Waiting] {
        guard !organizations.isEmpty else { return [] }
        let mine = try await AchievementRecord.query(on: db).filter(\.$organizationID ~~ organizations).all()
        let titles = Dictionary(mine.map { ($0.id!, $0.title) }, uniquingKeysWith: { a, _ in a })
        guard !titles.isEmpty else { return [] }
        let requests = try await MarketMatchRecord.query(on: db).filter(\.$achievementID ~~ Array(titles.keys)).filter(\.$status == "requested")
            .sort(\.$createdAt).limit(limit).all()
        let demands = try await demandTitles(Set(requests.map(\.demandID)))
        return requests.map { Waiting(match: $0, achievementTitle: titles[$0.achievementID] ?? "", demandTitle: demands[$0.demandID] ?? "") }
    }
}
