import FluentKit
import Foundation
import KechuangCore

/// The whole usage history of one instrument, filtered, with totals over the filtered set (not the page) in integer
/// minutes and fen; the page and the CSV/XLSX export read the same function.
extension InstrumentStore {
    public struct UsageFilter: Sendable, Equatable {
        /// [from, to) by session start.
        public var from: Date?, to: Date?
        public var purpose: String?
        /// internal or external users.
        public var external: Bool?
        public var flaggedOnly = false
        public init(from: Date? = nil, to: Date? = nil, purpose: String? = nil, external: Bool? = nil, flaggedOnly: Bool = false) {
            self.from = from
            self.to = to
            self.purpose = purpose
            self.external = external
            self.flaggedOnly = flaggedOnly
        }
    }

    public struct UsageLog: Sendable {
        public struct Totals: Sendable, Equatable {
            public let sessions: Int
            public let minutes: Int
            public let externalMinutes: Int
            public let fen: Int64
            public let flagged: Int
        }

        /// Newest first; one page, or every record when no page was asked for (exports).
        public let records: [UsageRecord]
        public let totals: Totals
        public let userNames: [UUID: String]
        public let organizationNames: [UUID: String]
    }

    public func usageLog(instrumentID: UUID, filter f: UsageFilter, page: PageQuery?) async throws -> UsageLog {
        var q = UsageRecord.query(on: db).filter(\.$instrumentID == instrumentID)
        if let from = f.from { q = q.filter(\.$startAt >= from) }
        if let to = f.to { q = q.filter(\.$startAt < to) }
        if let purpose = f.purpose { q = q.filter(\.$purpose == purpose) }
        if let external = f.external { q = q.filter(\.$external == external) }
        if f.flaggedOnly { q = q.filter(\.$gapFlag != nil) }
        let all = try await q.copy().field(\.$id).field(\.$minutes).field(\.$external).field(\.$feeFen).field(\.$gapFlag).all()
        var rows = q.copy().sort(\.$startAt, .descending).sort(\.$id)
        if let page { rows = rows.range(page.offset..<(page.offset + page.per)) }
        let records = try await rows.all()
        let totals = UsageLog.Totals(sessions: all.count, minutes: all.reduce(0) { $0 + $1.minutes },
                                     externalMinutes: all.filter(\.external).reduce(0) { $0 + $1.minutes },
                                     fen: all.reduce(Int64(0)) { $0 + $1.feeFen }, flagged: all.filter { $0.gapFlag != nil }.count)
        return UsageLog(records: records, totals: totals, userNames: try await userNames(Set(records.map(\.userID))),
                        organizationNames: try await organizationNames(Set(records.compactMap(\.userOrgID))))
    }
}
