import Foundation

/// Expert scores of a call's applications, turned into a ranking by a stated method.
///
/// Scores are kept in hundredths of a point (integers), so a weighted total and a mean are exact and the page shows
/// what was computed: a sheet scores each criterion 0–100, the weighted total is Σ weight × score / 100 (weights sum to
/// 100), and the application's score is the **trimmed mean** of its sheets — with five or more sheets the single
/// highest and single lowest are dropped (as in 去掉一个最高分和一个最低分), otherwise the plain mean — rounded half up
/// to 0.01.
/// Ties are broken by (1) the higher lowest kept sheet (fewer reservations), then (2) the earlier submission.
public enum ReviewAggregation {
    public static let trimFrom = 5

    public struct Sheet: Sendable, Equatable {
        public let application: UUID
        public let expert: UUID
        public let scores: [String: Int]
        public init(application: UUID, expert: UUID, scores: [String: Int]) {
            self.application = application
            self.expert = expert
            self.scores = scores
        }
    }

    public struct Ranked: Sendable, Equatable {
        public let application: UUID
        /// The trimmed mean, in hundredths of a point.
        public let score: Int
        /// Weighted totals of every sheet, in hundredths, highest first.
        public let totals: [Int]
        public let dropped: Int
        public let lowestKept: Int
        public let rank: Int
        /// The rule that decided this place against the one above with the same score, if any.
        public let tieBreak: String?

        public var scoreText: String { ReviewAggregation.text(score) }
    }

    /// The weighted total of one sheet, in hundredths of a point.
    public static func total(_ scores: [String: Int], criteria: [Criterion]) -> Int {
        criteria.reduce(0) { $0 + $1.weight * (scores[$1.name] ?? 0) }
    }

    /// The trimmed mean of weighted totals (hundredths), and how many were dropped.
    public static func trimmedMean(_ totals: [Int]) -> (mean: Int, dropped: Int, kept: [Int]) {
        guard !totals.isEmpty else { return (0, 0, []) }
        let sorted = totals.sorted()
        let kept = sorted.count >= trimFrom ? Array(sorted.dropFirst().dropLast()) : sorted
        let sum = kept.reduce(0, +)
        // Half up on non-negative integers: (2·sum + n) / (2·n).
        return ((2 * sum + kept.count) / (2 * kept.count), sorted.count - kept.count, kept)
    }

    /// Applications ranked; `submittedAt` breaks the last ties. Applications without sheets rank last with 0.
    public static func rank(applications: [(id: UUID, submittedAt: Date)], sheets: [Sheet], criteria: [Criterion]) -> [Ranked] {
        let byApp = Dictionary(grouping: sheets, by: \.application)
        struct Row { let id: UUID; let at: Date; let mean: Int; let dropped: Int; let lowest: Int; let totals: [Int] }
        let rows = applications.map { a -> Row in
            let totals = (byApp[a.id] ?? []).map { total($0.scores, criteria: criteria) }
            let t = trimmedMean(totals)
            return Row(id: a.id, at: a.submittedAt, mean: t.mean, dropped: t.dropped, lowest: t.kept.first ?? 0, totals: totals.sorted(by: >))
        }.sorted { a, b in
            if a.mean != b.mean { return a.mean > b.mean }
            if a.lowest != b.lowest { return a.lowest > b.lowest }
            if a.at != b.at { return a.at < b.at }
            return a.id.uuidString < b.id.uuidString
        }
        var out: [Ranked] = []
        for (i, r) in rows.enumerated() {
            var tie: String?
            if i > 0, rows[i - 1].mean == r.mean {
                tie = rows[i - 1].lowest != r.lowest ? "lowest_kept" : "submitted_earlier"
            }
            out.append(Ranked(application: r.id, score: r.mean, totals: r.totals, dropped: r.dropped, lowestKept: r.lowest, rank: i + 1, tieBreak: tie))
        }
        return out
    }

    /// "87.35" from 8735.
    public static func text(_ hundredths: Int) -> String {
        let frac = hundredths % 100
        return String(hundredths / 100) + (frac < 10 ? ".0" : ".") + String(frac)
    }
}
