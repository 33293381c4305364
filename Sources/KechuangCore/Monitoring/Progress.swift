import Foundation

/// One observed value of an indicator for a year (full-year figures only are used for trends).
public struct Observation: Sendable, Equatable {
    public let year: Int
    public let value: Decimal
    public init(year: Int, value: Decimal) {
        self.year = year
        self.value = value
    }
}

/// How a target stands, by a stated rule, with the numbers behind it.
public struct ProgressAssessment: Sendable, Equatable {
    public enum Status: String, Sendable {
        case onTrack = "on_track"
        case atRisk = "at_risk"
        case offTrack = "off_track"
        /// One value or none: the page says so and names the department to ask.
        case insufficientData = "insufficient_data"
        case achieved
    }

    public let status: Status
    public let latest: Observation?
    /// Compound annual growth (fraction, 0.2 = 20 %) over the last up to three values; nil with fewer than two.
    public let recentGrowth: Decimal?
    /// Growth per year needed from the latest value to reach a level target in its year.
    public let requiredGrowth: Decimal?
    /// The latest value carried to the target year at `recentGrowth`.
    public let projection: Decimal?
    /// The rule that decided the status, as a code the page translates (`progress_reason_<code>`).
    public let reason: String
}

/// The documented progress rules of the monitoring module.
///
/// - Trend: compound annual growth between the first and last of the most recent (up to) three full-year values.
/// - Level targets (higher is better): on track if the projection reaches the target; at risk if it covers at least
///   75 % of the distance from the latest value to the target; otherwise off track. Lower-is-better targets
///   (ranks) mirror this. Already reached: achieved.
/// - Growth targets (≥ x % a year): on track if recent growth ≥ x; at risk if ≥ 75 % of x; otherwise off track.
public enum ProgressRules {
    public static let atRiskShare: Decimal = 0.75

    public static func assess(_ target: IndicatorTarget, observations: [Observation]) -> ProgressAssessment {
        let series = observations.sorted { $0.year < $1.year }
        let latest = series.last
        guard let goal = target.decimalValue else {
            return ProgressAssessment(status: .insufficientData, latest: latest, recentGrowth: nil, requiredGrowth: nil, projection: nil, reason: "unreadable")
        }
        let recent = growth(Array(series.suffix(3)))
        switch target.kind {
        case .annualGrowth:
            let rate = goal / 100
            guard let g = recent else {
                return ProgressAssessment(status: .insufficientData, latest: latest, recentGrowth: nil, requiredGrowth: rate, projection: nil,
                                          reason: "needs_two_for_growth")
            }
            let status: ProgressAssessment.Status = g >= rate ? .onTrack : (g >= rate * atRiskShare ? .atRisk : .offTrack)
            return ProgressAssessment(status: status, latest: latest, recentGrowth: g, requiredGrowth: rate, projection: nil,
                                      reason: "growth_rule")
        case .level, .cumulative:
            guard let latest else {
                return ProgressAssessment(status: .insufficientData, latest: nil, recentGrowth: nil, requiredGrowth: nil, projection: nil,
                                          reason: "no_value")
            }
            let higher = target.direction == .higher
            if higher ? latest.value >= goal : latest.value <= goal {
                return ProgressAssessment(status: .achieved, latest: latest, recentGrowth: recent, requiredGrowth: nil, projection: latest.value,
                                          reason: "achieved")
            }
            let years = (target.year ?? latest.year) - latest.year
            let required = years > 0 ? rate(from: latest.value, to: goal, years: years) : nil
            guard let g = recent, years > 0 else {
                return ProgressAssessment(status: .insufficientData, latest: latest, recentGrowth: recent, requiredGrowth: required, projection: nil,
                                          reason: years > 0 ? "needs_two_to_project" : "target_year_passed")
            }
            let projected = latest.value * power(1 + g, years)
            let covered = (projected - latest.value) / (goal - latest.value)
            let reaches = higher ? projected >= goal : projected <= goal
            let status: ProgressAssessment.Status = reaches ? .onTrack : (covered >= atRiskShare ? .atRisk : .offTrack)
            return ProgressAssessment(status: status, latest: latest, recentGrowth: g, requiredGrowth: required, projection: projected,
                                      reason: "projection_rule")
        }
    }

    /// Compound annual growth between the first and last observation; nil with fewer than two or a zero start.
    public static func growth(_ s: [Observation]) -> Decimal? {
        guard let first = s.first, let last = s.last, last.year > first.year, first.value > 0 else { return nil }
        return rate(from: first.value, to: last.value, years: last.year - first.year)
    }

    /// (to / from)^(1/years) − 1, by bisection on exact decimals (no binary floating point).
    static func rate(from a: Decimal, to b: Decimal, years: Int) -> Decimal? {
        guard a > 0, b > 0, years > 0 else { return nil }
        let ratio = b / a
        var lo: Decimal = -1, hi: Decimal = 10
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if power(1 + mid, years) < ratio { lo = mid } else { hi = mid }
        }
        var r = (lo + hi) / 2
        var rounded = Decimal()
        NSDecimalRound(&rounded, &r, 6, .plain)
        return rounded
    }

    static func power(_ x: Decimal, _ n: Int) -> Decimal {
        var out: Decimal = 1
        for _ in 0..<max(0, n) { out *= x }
        return out
    }
}
