import Foundation

/// The indicator system of the sharing-performance evaluation (art. 22): weights, targets and grade bands,
/// read from a versioned configuration file so a new 细则 changes the file, not the code.
public struct SharingEvaluationConfig: Decodable, Sendable {
    public struct Indicator: Decodable, Sendable {
        /// One of `SharingMetrics.Key`.
        public let key: String
        public let label: String
        public let labelEn: String
        public let weight: Int
        /// The value that earns the full weight; lower values score in proportion.
        public let target: String
        public let source: String
    }

    public struct Grade: Decodable, Sendable {
        /// excellent, good, pass or fail — the values of the policy variable `sharing_grade`.
        public let grade: String
        public let min: Int
    }

    public struct GapRule: Decodable, Sendable {
        /// Actual time above booked × overRatio is flagged (inflated use); below booked × underRatio too (no-show).
        public let overRatio: String
        public let underRatio: String
        /// Differences smaller than this many minutes are never flagged.
        public let minMinutes: Int
    }

    public let version: String
    public let effectiveFrom: String
    public let title: String
    public let titleEn: String
    public let basis: String
    /// 定额机时 per instrument and year.
    public let quotaHours: Int
    /// Usage purposes that never count as sharing service (Shanghai's exclusions: 法定认证, 商业验货 …).
    public let excludedPurposes: [String]
    public let indicators: [Indicator]
    public let grades: [Grade]
    public let gaps: GapRule

    /// Weights must add up to 100, targets be positive decimals, grades descend; every problem is listed.
    public func problems() -> [String] {
        var out: [String] = []
        let total = indicators.reduce(0) { $0 + $1.weight }
        if total != 100 { out.append("indicator weights add up to \(total), not 100") }
        for i in indicators {
            if SharingMetrics.Key(rawValue: i.key) == nil { out.append("unknown indicator key \(i.key)") }
            if Decimal(string: i.target).map({ $0 <= 0 }) ?? true { out.append("indicator \(i.key): target must be a positive number") }
        }
        let mins = grades.map(\.min)
        if mins != mins.sorted(by: >) || mins.last != 0 { out.append("grades must descend and end at 0") }
        if Decimal(string: gaps.overRatio) == nil || Decimal(string: gaps.underRatio) == nil { out.append("gap ratios must be decimals") }
        return out
    }
}

/// One usage record as the evaluation sees it.
public struct UsageFact: Sendable {
    public let instrumentID: String
    public let userID: String
    /// The user's organisation; nil for an individual.
    public let userOrganizationID: String?
    public let minutes: Int
    /// The user is outside the owning legal entity.
    public let external: Bool
    public let purpose: String
    public let rating: Int?

    public init(instrumentID: String, userID: String, userOrganizationID: String?, minutes: Int, external: Bool, purpose: String, rating: Int?) {
        self.instrumentID = instrumentID
        self.userID = userID
        self.userOrganizationID = userOrganizationID
        self.minutes = minutes
        self.external = external
        self.purpose = purpose
        self.rating = rating
    }
}

/// The measured quantities of one instrument or one unit over a year.
public struct SharingMetrics: Sendable, Equatable {
    public enum Key: String, CaseIterable, Sendable {
        case utilisation, sharingRate = "sharing_rate", externalHours = "external_hours", organisations, users, rating
    }

    public var instruments = 0
    public var effectiveMinutes = 0
    public var externalMinutes = 0
    public var users = Set<String>()
    public var organisations = Set<String>()
    public var ratingSum = 0
    public var ratingCount = 0

    public init() {}

    public var effectiveHours: Decimal { Decimal(effectiveMinutes) / 60 }
    public var externalHours: Decimal { Decimal(externalMinutes) / 60 }
    /// 共享率 = 对外服务机时 / 有效工作机时.
    public var sharingRate: Decimal { effectiveMinutes == 0 ? 0 : Decimal(externalMinutes) / Decimal(effectiveMinutes) }
    public var meanRating: Decimal? { ratingCount == 0 ? nil : Decimal(ratingSum) / Decimal(ratingCount) }

    /// The value of an indicator; per-instrument averages for hours so large and small units compare.
    public func value(_ key: Key, quotaHours: Int) -> Decimal {
        let n = Decimal(max(1, instruments))
        switch key {
        case .utilisation: return effectiveHours / n / Decimal(quotaHours)
        case .sharingRate: return sharingRate
        case .externalHours: return externalHours / n
        case .organisations: return Decimal(organisations.count)
        case .users: return Decimal(users.count)
        case .rating: return meanRating ?? 0
        }
    }

    public mutating func add(_ f: UsageFact, excludedPurposes: Set<String>) {
        effectiveMinutes += f.minutes
        if f.external && !excludedPurposes.contains(f.purpose) {
            externalMinutes += f.minutes
            users.insert(f.userID)
            if let o = f.userOrganizationID { organisations.insert(o) } else { organisations.insert("user:" + f.userID) }
        }
        if let r = f.rating { ratingSum += r; ratingCount += 1 }
    }
}

/// A scored instrument or unit.
public struct SharingScore: Sendable {
    public struct Part: Sendable {
        public let key: String
        public let value: Decimal
        public let points: Decimal
        public let weight: Int
    }

    public let subject: String
    public let metrics: SharingMetrics
    public let parts: [Part]
    public let total: Decimal
    public let grade: String
}

public enum SharingEvaluation {
    /// Scores each subject (instrument id or unit id → its usage facts and instrument count), ranked by total and,
    /// on equal totals, by sharing rate (the national 细则 ranks ties by 共享服务).
    public static func score(_ subjects: [String: (instruments: Int, facts: [UsageFact])], config: SharingEvaluationConfig) -> [SharingScore] {
        let excluded = Set(config.excludedPurposes)
        var scores: [SharingScore] = []
        for (subject, data) in subjects {
            var m = SharingMetrics()
            m.instruments = data.instruments
            for f in data.facts { m.add(f, excludedPurposes: excluded) }
            var parts: [SharingScore.Part] = []
            for i in config.indicators {
                guard let key = SharingMetrics.Key(rawValue: i.key), let target = Decimal(string: i.target), target > 0 else { continue }
                let value = m.value(key, quotaHours: config.quotaHours)
                let share = min(1, value / target)
                parts.append(.init(key: i.key, value: round(value, 4), points: round(share * Decimal(i.weight), 2), weight: i.weight))
            }
            let total = parts.reduce(Decimal(0)) { $0 + $1.points }
            let grade = config.grades.first { total >= Decimal($0.min) }?.grade ?? "fail"
            scores.append(SharingScore(subject: subject, metrics: m, parts: parts, total: total, grade: grade))
        }
        return scores.sorted {
            $0.total != $1.total ? $0.total > $1.total : ($0.metrics.sharingRate != $1.metrics.sharingRate ? $0.metrics.sharingRate > $1.metrics.sharingRate : $0.subject < $1.subject)
        }
    }

    public static func round(_ x: Decimal, _ scale: Int) -> Decimal {
        var input = x, out = Decimal()
        NSDecimalRound(&out, &input, scale, .plain)
        return out
    }

    /// Booked against actual time: flags inflated use (actual far above booked) and no-shows (far below).
    public static func gapFlag(bookedMinutes: Int, actualMinutes: Int, rule: SharingEvaluationConfig.GapRule) -> String? {
        guard bookedMinutes > 0, abs(actualMinutes - bookedMinutes) >= rule.minMinutes,
              let over = Decimal(string: rule.overRatio), let under = Decimal(string: rule.underRatio) else { return nil }
        if Decimal(actualMinutes) > Decimal(bookedMinutes) * over { return "over" }
        if Decimal(actualMinutes) < Decimal(bookedMinutes) * under { return "under" }
        return nil
    }
}
