import Foundation

/// 揭榜挂帅 (one winner) or 赛马 (several teams in parallel, eliminated stage by stage).
public enum ChallengeMode: String, CaseIterable, Sendable {
    case jiebang, saima
}

public enum ChallengeState: String, CaseIterable, Sendable {
    /// Taking bids until the deadline.
    case open
    /// Deadline passed: the panel scores.
    case review
    /// Winner(s) chosen; milestones run.
    case inProgress = "in_progress"
    case completed, terminated
}

/// A scoring criterion with its weight (weights add to 100).
public struct Criterion: Sendable, Equatable {
    public let name: String
    public let weight: Int

    public init(name: String, weight: Int) {
        self.name = name
        self.weight = weight
    }
}

/// A milestone: the readiness a team must show, the share of the reward it releases, and when it is due.
public struct MilestoneDef: Sendable, Equatable {
    public let name: String
    public let trl: Int
    public let sharePercent: Int
    public let due: Day

    public init(name: String, trl: Int, sharePercent: Int, due: Day) {
        self.name = name
        self.trl = trl
        self.sharePercent = sharePercent
        self.due = due
    }
}

/// What staff set when they turn a demand into a challenge (立题).
public struct ChallengeDraft: Sendable, Equatable {
    public var title = "", description = "", conditions = ""
    public var mode = ChallengeMode.jiebang
    public var reward = Money.zero
    public var deadline = Day("2000-01-01")!
    public var criteria: [Criterion] = []
    public var milestones: [MilestoneDef] = []
    /// Teams kept after scoring: 1 for 揭榜挂帅, 2–5 for 赛马.
    public var teams = 1

    public init() {}

    /// `criteria`: one per line "技术方案:40"; `milestones`: one per line "中试验证|6|30|2027-06-30" (name | TRL gate |
    /// share of the reward in % | due date). Shares add to 100, gates never go down, dates ascend after the deadline.
    public static func parse(_ f: [String: String], today: Day) throws(ValidationErrors) -> ChallengeDraft {
        var v = Validator()
        var d = ChallengeDraft()
        d.title = v.text("title", f["title"], min: 4, max: 100) ?? ""
        d.description = v.text("description", f["description"], min: 20, max: 4000) ?? ""
        d.conditions = v.text("conditions", f["conditions"], min: 4, max: 2000) ?? ""
        if let m = v.choice("mode", f["mode"], as: ChallengeMode.self) { d.mode = m }
        d.reward = v.money("reward", f["reward"], positive: true) ?? .zero
        if let day = v.day("deadline", f["deadline"]) {
            if day <= today { v.add(.invalid("deadline", "market.deadline_past")) } else { d.deadline = day }
        }
        d.teams = d.mode == .jiebang ? 1 : (v.integer("teams", f["teams"], 2...5) ?? 2)
        d.criteria = criteria(f["criteria"], &v)
        d.milestones = milestones(f["milestones"], after: d.deadline, &v)
        try v.throwIfAny()
        return d
    }

    static func lines(_ raw: String?) -> [String] {
        (raw ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func criteria(_ raw: String?, _ v: inout Validator) -> [Criterion] {
        var out: [Criterion] = []
        for line in lines(raw) {
            let parts = line.replacingOccurrences(of: "：", with: ":").split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 50, let w = Int(parts[1]), (1...100).contains(w) else {
                v.add(.invalid("criteria", "market.criterion_line", ["line": String(line.prefix(40))]))
                return []
            }
            out.append(Criterion(name: parts[0], weight: w))
        }
        if out.isEmpty { v.add(.invalid("criteria", "field.required")) }
        else if out.reduce(0, { $0 + $1.weight }) != 100 { v.add(.invalid("criteria", "market.weights_not_100")) }
        return out
    }

    static func milestones(_ raw: String?, after deadline: Day, _ v: inout Validator) -> [MilestoneDef] {
        var out: [MilestoneDef] = []
        for line in lines(raw) {
            let p = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard p.count == 4, !p[0].isEmpty, p[0].count <= 50, let trl = Int(p[1]), (1...9).contains(trl), let share = Int(p[2]), (1...100).contains(share),
                  let due = Day(p[3]) else {
                v.add(.invalid("milestones", "market.milestone_line", ["line": String(line.prefix(40))]))
                return []
            }
            if let last = out.last, trl < last.trl || due <= last.due {
                v.add(.invalid("milestones", "market.milestone_order", ["line": String(line.prefix(40))]))
                return []
            }
            if due <= deadline { v.add(.invalid("milestones", "market.milestone_before_deadline")); return [] }
            out.append(MilestoneDef(name: p[0], trl: trl, sharePercent: share, due: due))
        }
        if out.isEmpty { v.add(.invalid("milestones", "field.required")) }
        else if out.reduce(0, { $0 + $1.sharePercent }) != 100 { v.add(.invalid("milestones", "market.shares_not_100")) }
        return out
    }
}

/// The checks every step of a challenge passes, and the arithmetic of scores and funds.
public enum ChallengeRules {
    /// One panel member's scores of one bid, criterion by criterion (0–100 each).
    public struct Sheet: Sendable {
        public let bid: UUID
        public let member: UUID
        public let scores: [String: Int]

        public init(bid: UUID, member: UUID, scores: [String: Int]) {
            self.bid = bid
            self.member = member
            self.scores = scores
        }
    }

    public struct Ranked: Sendable, Equatable {
        public let bid: UUID
        /// Mean over the panel of the weighted totals, two decimals.
        public let total: Decimal
        public let sheets: Int
    }

    public static func checkBid(state: ChallengeState, deadline: Day, today: Day) throws(DomainError) {
        guard state == .open else { throw DomainError(.conflict, code: "challenge.not_open", field: "challenge") }
        guard today <= deadline else { throw DomainError(.conflict, code: "challenge.deadline_passed", arguments: ["deadline": deadline.description]) }
    }

    /// A sheet must score every criterion 0–100.
    public static func checkSheet(_ scores: [String: Int], criteria: [Criterion]) throws(ValidationErrors) {
        var v = Validator()
        for c in criteria {
            guard let s = scores[c.name] else { v.add(.invalid("score_\(c.name)", "field.required")); continue }
            if !(0...100).contains(s) { v.add(.invalid("score_\(c.name)", "field.range", ["min": "0", "max": "100"])) }
        }
        try v.throwIfAny()
    }

    /// Bids ranked by the panel's mean weighted score; `complete` is true when every member scored every bid.
    public static func rank(bids: [UUID], panel: [UUID], sheets: [Sheet], criteria: [Criterion]) -> (ranked: [Ranked], complete: Bool) {
        var ranked: [Ranked] = []
        var complete = !bids.isEmpty && !panel.isEmpty
        for b in bids {
            let mine = sheets.filter { $0.bid == b && panel.contains($0.member) }
            if Set(mine.map(\.member)).count < panel.count { complete = false }
            let totals = mine.map { s in criteria.reduce(Decimal(0)) { $0 + Decimal(c: $1, s.scores[$1.name] ?? 0) } }
            let mean = totals.isEmpty ? Decimal(0) : totals.reduce(0, +) / Decimal(totals.count)
            ranked.append(Ranked(bid: b, total: SharingEvaluation.round(mean, 2), sheets: mine.count))
        }
        ranked.sort { $0.total != $1.total ? $0.total > $1.total : $0.bid.uuidString < $1.bid.uuidString }
        return (ranked, complete)
    }

    /// The winners: the top one (揭榜挂帅) or the top `teams` (赛马), only once every score is in.
    public static func award(mode: ChallengeMode, teams: Int, state: ChallengeState, ranking: [Ranked], complete: Bool) throws(DomainError) -> [UUID] {
        guard state == .review else { throw DomainError(.conflict, code: "challenge.not_in_review") }
        guard complete else { throw DomainError(.conflict, code: "challenge.scores_incomplete") }
        let n = mode == .jiebang ? 1 : teams
        guard ranking.count >= n else { throw DomainError(.conflict, code: "challenge.too_few_bids", arguments: ["n": String(n)]) }
        return ranking.prefix(n).map(\.bid)
    }

    /// A milestone review: a team passes only with the gate's readiness; in 赛马 only one team may pass the last one.
    public static func checkReview(passing: [UUID: Int], gate: Int, mode: ChallengeMode, last: Bool) throws(DomainError) {
        if let (team, trl) = passing.first(where: { $0.value < gate }) {
            throw DomainError(.invalidInput, code: "challenge.trl_below_gate", arguments: ["team": team.uuidString, "trl": String(trl), "gate": String(gate)], field: "trl")
        }
        if mode == .saima && last && passing.count > 1 { throw DomainError(.invalidInput, code: "challenge.one_winner_at_last", field: "passing") }
    }

    /// Splits an amount into `n` parts that add up exactly; the first parts carry the leftover fen.
    public static func split(_ amount: Money, among n: Int) -> [Money] {
        guard n > 0 else { return [] }
        let base = amount.fen / Int64(n), rest = amount.fen % Int64(n)
        return (0..<n).map { Money(fen: base + ($0 < Int(rest) ? 1 : 0)) }
    }

    /// The reward share of a milestone, exact to the fen (rounded down; the last milestone takes what is left).
    public static func milestoneAmount(reward: Money, milestones: [MilestoneDef], index: Int) -> Money {
        let shares = milestones.map { reward.fen * Int64($0.sharePercent) / 100 }
        if index == milestones.count - 1 { return Money(fen: reward.fen - shares.dropLast().reduce(0, +)) }
        return Money(fen: shares[index])
    }
}

extension Decimal {
    /// weight × score / 100.
    init(c: Criterion, _ score: Int) { self = Decimal(c.weight) * Decimal(score) / 100 }
}
