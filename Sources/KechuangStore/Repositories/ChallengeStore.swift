import FluentKit
import Foundation
import KechuangCore

/// 揭榜挂帅 and 赛马: setting a challenge (立题) with its panel, bids (答题), score sheets, the award and milestone
/// reviews that release funds. Every step is checked by `ChallengeRules` and audited in its transaction.
public struct ChallengeStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public static func criteria(_ c: ChallengeRecord) -> [Criterion] {
        c.criteria.split(separator: "\n").compactMap { line in
            let p = line.split(separator: ":")
            return p.count == 2 ? Int(p[1]).map { Criterion(name: String(p[0]), weight: $0) } : nil
        }
    }

    public static func milestones(_ c: ChallengeRecord) -> [MilestoneDef] {
        c.milestones.split(separator: "\n").compactMap { line in
            let p = line.split(separator: "|").map(String.init)
            guard p.count == 4, let trl = Int(p[1]), let share = Int(p[2]), let due = Day(p[3]) else { return nil }
            return MilestoneDef(name: p[0], trl: trl, sharePercent: share, due: due)
        }
    }

    /// The state as time has it: an open challenge past its deadline is in review.
    public static func state(_ c: ChallengeRecord, today: Day) -> ChallengeState {
        let s = ChallengeState(rawValue: c.state) ?? .open
        return s == .open && today > (Day(c.deadline) ?? today) ? .review : s
    }

    public func create(_ d: ChallengeDraft, demandID: UUID?, panel: [UUID], actor: Actor) async throws -> ChallengeRecord {
        guard !panel.isEmpty else { throw DomainError.invalid("panel", "challenge.panel_required") }
        let c = ChallengeRecord()
        c.demandID = demandID; c.title = d.title; c.description = d.description; c.conditions = d.conditions; c.mode = d.mode.rawValue
        c.rewardFen = d.reward.fen; c.deadline = d.deadline.description; c.teams = d.teams; c.state = ChallengeState.open.rawValue
        c.criteria = d.criteria.map { "\($0.name):\($0.weight)" }.joined(separator: "\n")
        c.milestones = d.milestones.map { "\($0.name)|\($0.trl)|\($0.sharePercent)|\($0.due)" }.joined(separator: "\n")
        c.createdBy = actor.userID ?? UUID()
        try await db.transaction { tx in
            try await c.create(on: tx)
            for u in Set(panel) {
                let m = PanelMemberRecord()
                m.challengeID = c.id!
                m.userID = u
                try await m.create(on: tx)
            }
            try await AuditTrail.event(on: tx, actor: actor, action: "challenge.create", entityType: "challenge", entityID: c.id!.uuidString,
                                       detail: ["mode": d.mode.rawValue, "reward": d.reward.plainYuan, "panel": String(panel.count)])
        }
        return c
    }

    public func bid(_ c: ChallengeRecord, organizationID: UUID, consortium: String, proposal: String, claimedTRL: Int, budget: Money, actor: Actor,
                    today: Day) async throws -> BidRecord {
        try ChallengeRules.checkBid(state: ChallengeState(rawValue: c.state) ?? .open, deadline: Day(c.deadline)!, today: today)
        if try await BidRecord.query(on: db).filter(\.$challengeID == c.id!).filter(\.$organizationID == organizationID).count() > 0 {
            throw DomainError(.conflict, code: "challenge.already_bid")
        }
        let b = BidRecord()
        b.challengeID = c.id!; b.organizationID = organizationID; b.consortium = consortium; b.proposal = proposal; b.claimedTRL = claimedTRL
        b.budgetFen = budget.fen; b.status = "submitted"; b.submittedBy = actor.userID ?? UUID()
        try await db.transaction { tx in
            try await b.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "challenge.bid", entityType: "challenge", entityID: c.id!.uuidString,
                                       detail: ["bid": b.id!.uuidString, "organization": organizationID.uuidString])
        }
        return b
    }

    public func panel(_ c: ChallengeRecord) async throws -> [UUID] {
        try await PanelMemberRecord.query(on: db).filter(\.$challengeID == c.id!).all().map(\.userID)
    }

    /// A panel member's sheet for a bid; only in review, only by the panel, once per bid.
    public func score(_ c: ChallengeRecord, bid: BidRecord, member: UUID, scores: [String: Int], comment: String, actor: Actor, today: Day) async throws {
        guard try await panel(c).contains(member) else { throw DomainError(.forbidden, code: "challenge.not_on_panel") }
        guard Self.state(c, today: today) == .review else { throw DomainError(.conflict, code: "challenge.not_in_review") }
        try Result { () throws(ValidationErrors) in try ChallengeRules.checkSheet(scores, criteria: Self.criteria(c)) }.get()
        if try await ScoreSheetRecord.query(on: db).filter(\.$bidID == bid.id!).filter(\.$memberID == member).count() > 0 {
            throw DomainError(.conflict, code: "challenge.already_scored")
        }
        let s = ScoreSheetRecord()
        s.bidID = bid.id!; s.memberID = member; s.comment = comment
        s.scoresJSON = String(decoding: try JSONEncoder().encode(scores), as: UTF8.self)
        try await db.transaction { tx in
            if c.state == ChallengeState.open.rawValue { c.state = ChallengeState.review.rawValue; try await c.update(on: tx) }
            try await s.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "challenge.score", entityType: "challenge", entityID: c.id!.uuidString,
                                       detail: ["bid": bid.id!.uuidString])
        }
    }

    public func ranking(_ c: ChallengeRecord) async throws -> (ranked: [ChallengeRules.Ranked], complete: Bool) {
        let bids = try await BidRecord.query(on: db).filter(\.$challengeID == c.id!).all()
        let sheets = try await ScoreSheetRecord.query(on: db).filter(\.$bidID ~~ bids.map { $0.id! }).all().map { s in
            ChallengeRules.Sheet(bid: s.bidID, member: s.memberID, scores: (try? JSONDecoder().decode([String: Int].self, from: Data(s.scoresJSON.utf8))) ?? [:])
        }
        return ChallengeRules.rank(bids: bids.map { $0.id! }, panel: try await panel(c), sheets: sheets, criteria: Self.criteria(c))
    }

    /// Picks the winner(s) from the complete ranking; the others are marked not selected.
    public func award(_ c: ChallengeRecord, actor: Actor, today: Day) async throws -> [UUID] {
        let (ranked, complete) = try await ranking(c)
        let winners = try ChallengeRules.award(mode: ChallengeMode(rawValue: c.mode) ?? .jiebang, teams: c.teams, state: Self.state(c, today: today),
                                               ranking: ranked, complete: complete)
        try await db.transaction { tx in
            for b in try await BidRecord.query(on: tx).filter(\.$challengeID == c.id!).all() {
                b.status = winners.contains(b.id!) ? "selected" : "not_selected"
                try await b.update(on: tx)
            }
            c.state = ChallengeState.inProgress.rawValue
            try await c.update(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "challenge.award", entityType: "challenge", entityID: c.id!.uuidString,
                                       detail: ["winners": winners.map(\.uuidString).joined(separator: ",")])
        }
        return winners
    }

    /// The next milestone index to review (nil when all are done).
    public func nextMilestone(_ c: ChallengeRecord) async throws -> Int? {
        let done = Set(try await MilestoneReviewRecord.query(on: db).filter(\.$challengeID == c.id!).all().map(\.milestoneIndex))
        return Self.milestones(c).indices.first { !done.contains($0) }
    }

    /// Reviews the next milestone for every team still in: `reports` is each team's shown TRL, `passing` those the
    /// reviewer passes. Teams that fail are eliminated; the milestone's funds are split among those that pass.
    public func review(_ c: ChallengeRecord, reports: [UUID: Int], passing: Set<UUID>, note: String, actor: Actor) async throws {
        guard c.state == ChallengeState.inProgress.rawValue, let index = try await nextMilestone(c) else { throw DomainError(.conflict, code: "challenge.no_milestone_due") }
        let milestones = Self.milestones(c)
        let active = try await BidRecord.query(on: db).filter(\.$challengeID == c.id!).filter(\.$status == "selected").all()
        guard Set(active.map { $0.id! }) == Set(reports.keys), passing.isSubset(of: Set(reports.keys)) else {
            throw DomainError.invalid("reports", "challenge.every_team_reported")
        }
        let last = index == milestones.count - 1
        try ChallengeRules.checkReview(passing: reports.filter { passing.contains($0.key) }, gate: milestones[index].trl,
                                       mode: ChallengeMode(rawValue: c.mode) ?? .jiebang, last: last)
        let amount = ChallengeRules.milestoneAmount(reward: Money(fen: c.rewardFen), milestones: milestones, index: index)
        let winners = active.filter { passing.contains($0.id!) }.sorted { $0.id!.uuidString < $1.id!.uuidString }
        let parts = ChallengeRules.split(amount, among: winners.count)
        try await db.transaction { tx in
            for b in active {
                let r = MilestoneReviewRecord()
                r.challengeID = c.id!; r.milestoneIndex = index; r.bidID = b.id!; r.reportedTRL = reports[b.id!] ?? 0
                r.passed = passing.contains(b.id!)
                r.amountFen = winners.firstIndex { $0.id == b.id }.map { parts[$0].fen } ?? 0
                r.note = note; r.reviewerID = actor.userID ?? UUID()
                try await r.create(on: tx)
                if !r.passed { b.status = "eliminated"; try await b.update(on: tx) } else if last { b.status = "completed"; try await b.update(on: tx) }
            }
            if last || winners.isEmpty { c.state = winners.isEmpty ? ChallengeState.terminated.rawValue : ChallengeState.completed.rawValue; try await c.update(on: tx) }
            try await AuditTrail.event(on: tx, actor: actor, action: "challenge.milestone", entityType: "challenge", entityID: c.id!.uuidString,
                                       detail: ["milestone": String(index + 1), "passed": String(winners.count), "released": amount.plainYuan])
        }
    }
}
