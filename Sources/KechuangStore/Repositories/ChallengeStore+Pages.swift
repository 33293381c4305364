import FluentKit
import Foundation
import KechuangCore

/// What the challenge pages read: the filtered list with bid counts, one challenge as its viewer may see it, and the
/// lookups the forms need (the demand a challenge is set from, the panel by user name, the teams still in).
extension ChallengeStore {
    public struct Filter: Sendable {
        public var text = ""
        public var mode: ChallengeMode?
        public var state: ChallengeState?
        public init(text: String = "", mode: ChallengeMode? = nil, state: ChallengeState? = nil) {
            self.text = text
            self.mode = mode
            self.state = state
        }
    }

    public struct ListRow: Sendable {
        public let challenge: ChallengeRecord
        public let state: ChallengeState
        public let bids: Int
    }

    /// Newest first; `page` nil returns every match (exports). The state shown depends on today (an open challenge
    /// past its deadline is in review), so it filters after the query; the city sets challenges by the dozen.
    public func list(_ f: Filter, page: PageQuery?, today: Day) async throws -> PagedList<ListRow> {
        var q = ChallengeRecord.query(on: db).sort(\.$createdAt, .descending).sort(\.$id)
        if let mode = f.mode { q = q.filter(\.$mode == mode.rawValue) }
        if !f.text.isEmpty { q = q.filter(\.$title ~~ f.text) }
        let matching = try await q.all().map { ($0, Self.state($0, today: today)) }.filter { f.state == nil || $0.1 == f.state }
        let shown = page.map { Array(matching.dropFirst($0.offset).prefix($0.per)) } ?? matching
        let ids = shown.compactMap { $0.0.id }
        let counts = ids.isEmpty ? [:] : Dictionary(grouping: try await BidRecord.query(on: db).filter(\.$challengeID ~~ ids).all(), by: \.challengeID).mapValues(\.count)
        let rows = shown.map { c, s in ListRow(challenge: c, state: s, bids: counts[c.id!] ?? 0) }
        return PagedList(items: rows, request: page ?? PageQuery(page: 1, per: PageQuery.maxPer), total: matching.count)
    }

    /// Challenges open for bids (the market's front page counts them).
    public func openCount() async throws -> Int { try await ChallengeRecord.query(on: db).filter(\.$state == ChallengeState.open.rawValue).count() }

    public func challenge(_ id: UUID) async throws -> ChallengeRecord? { try await ChallengeRecord.find(id, on: db) }

    /// A bid with its challenge (the score form posts to the bid).
    public func bidWithChallenge(_ bidID: UUID) async throws -> (bid: BidRecord, challenge: ChallengeRecord)? {
        guard let b = try await BidRecord.find(bidID, on: db), let c = try await ChallengeRecord.find(b.challengeID, on: db) else { return nil }
        return (b, c)
    }

    /// The teams still in (selected at the award, not yet eliminated at a milestone).
    public func activeBids(_ c: ChallengeRecord) async throws -> [BidRecord] {
        try await BidRecord.query(on: db).filter(\.$challengeID == c.id!).filter(\.$status == "selected").all()
    }

    /// The demand a challenge is set from (立题 from 企业出题), to prefill the form.
    public func demand(_ id: UUID) async throws -> DemandRecord? { try await DemandRecord.find(id, on: db) }

    /// The panel typed as user names, each checked to be staff (`ChallengeRules.checkPanel`).
    public func panel(names raw: String) async throws -> [UUID] {
        var members: [(name: String, user: UserRecord?)] = []
        for name in ChallengeRules.panelNames(raw) {
            members.append((name, try await UserRecord.query(on: db).filter(\.$username == name.lowercased()).first()))
        }
        try ChallengeRules.checkPanel(members.map { ($0.name, $0.user?.role) })
        return members.compactMap { $0.user?.id }
    }

    /// Everything the challenge page shows, for one viewer (nil for the public).
    public struct Page: Sendable {
        public let challenge: ChallengeRecord
        public let state: ChallengeState
        public let staff: Bool
        public let onPanel: Bool
        /// The viewer's organisations.
        public let memberOf: [UUID]
        public let scoredByViewer: Set<UUID>
        /// Every bid, oldest first (what the viewer may see is `visibleBids`).
        public let bids: [BidRecord]
        public let ranking: [UUID: ChallengeRules.Ranked]
        public let scoresComplete: Bool
        public let organizationNames: [UUID: String]
        public let reviews: [MilestoneReviewRecord]
        public let nextMilestone: Int?

        public var insider: Bool { staff || onPanel }
        public var visibleBids: [BidRecord] { bids.filter { ChallengeRules.seesBid(insider: insider, memberOf: memberOf, bidder: $0.organizationID) } }
        public func mayBid(role: Role?) -> Bool { ChallengeRules.mayBid(state: state, role: role, memberOf: memberOf, bidders: bids.map(\.organizationID)) }
        public var mayScore: Bool { ChallengeRules.mayScore(onPanel: onPanel, state: state) }
        public var mayAward: Bool { staff && state == .review }
    }

    public func page(_ c: ChallengeRecord, viewer: (id: UUID, role: Role)?, today: Day) async throws -> Page {
        let panel = try await panel(c)
        var memberOf: [UUID] = [], scored = Set<UUID>()
        if let viewer {
            memberOf = try await AccountStore.organizationIDs(of: viewer.id, on: db)
            scored = Set(try await ScoreSheetRecord.query(on: db).filter(\.$memberID == viewer.id).all().map(\.bidID))
        }
        let state = Self.state(c, today: today)
        let bids = try await BidRecord.query(on: db).filter(\.$challengeID == c.id!).sort(\.$createdAt).all()
        let (ranked, complete) = try await ranking(c)
        let orgIDs = Set(bids.map(\.organizationID))
        let names = orgIDs.isEmpty ? [:] : Dictionary(try await OrganizationRecord.query(on: db).filter(\.$id ~~ orgIDs).all().map { ($0.id!, $0.name) },
                                                      uniquingKeysWith: { a, _ in a })
        return Page(challenge: c, state: state, staff: viewer?.role.isStaff ?? false, onPanel: viewer.map { panel.contains($0.id) } ?? false,
                    memberOf: memberOf, scoredByViewer: scored, bids: bids,
                    ranking: Dictionary(ranked.map { ($0.bid, $0) }, uniquingKeysWith: { a, _ in a }), scoresComplete: complete, organizationNames: names,
                    reviews: try await MilestoneReviewRecord.query(on: db).filter(\.$challengeID == c.id!).all(),
                    nextMilestone: state == .inProgress ? try await nextMilestone(c) : nil)
    }
}
