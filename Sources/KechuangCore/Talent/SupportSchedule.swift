import Foundation

/// The art. 15 stable support of 顶尖/杰出人才, year by year: which support years the engine grants from the
/// classification date on, and what each carries. The engine decides each year (the rule reads `years_supported`),
/// so the length (10 years) and the conditions stay in the policy file.
public struct SupportSchedule: Sendable {
    public struct Year: Sendable {
        public enum State: String, Sendable { case past, current, future }
        /// 1 for the first year of support.
        public let number: Int
        public let from: Day
        public let until: Day
        public let state: State
        public let eligible: Bool
        /// The ceiling of the yearly team grant for the year, when the class has one.
        public let grantCeiling: Fixed?
        public let provisional: Bool
    }

    public static let supportRule = "top_talent_stable_support"
    public static let grantRule = "top_talent_team_grant"

    public let start: Day
    public let years: [Year]

    /// Asks the engine about every year up to the longest support and one beyond it (so the end shows).
    public static func run(base: RuleBase, start: Day, today: Day, inputs: [String: Value]) -> SupportSchedule {
        var maxYears = 10
        if case .num(let n)? = base.parameter("talent.max_support_years")?.value(at: today)?.value, let whole = Int(n.normalized().description) {
            maxYears = whole
        }
        var years: [Year] = []
        for n in 1...(maxYears + 1) {
            let from = start.addingYears(n - 1)
            let until = start.addingYears(n).adding(days: -1)
            var v = inputs
            v["years_supported"] = .num(Fixed(Int64(n - 1)))
            let traces = base.explain(entity: .talent, date: from < today ? today : from, inputs: v)
            let support = traces.first { $0.rule.id == supportRule }
            let grant = traces.first { $0.rule.id == grantRule }
            let state: Year.State = today > until ? .past : (today >= from ? .current : .future)
            years.append(Year(number: n, from: from, until: until, state: state, eligible: support?.outcome.status == .eligible,
                              grantCeiling: grant?.outcome.status == .eligible ? grant?.outcome.amount : nil,
                              provisional: grant?.provisional ?? false))
        }
        return SupportSchedule(start: start, years: years)
    }
}

extension Day {
    /// The same date `n` years later (29 February becomes 28 February in common years).
    public func addingYears(_ n: Int) -> Day {
        let y = year + n
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let d = (month == 2 && dayOfMonth == 29 && !leap) ? 28 : dayOfMonth
        return Day(String(format: "%04d-%02d-%02d", y, month, d))!
    }
}
