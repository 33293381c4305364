import Foundation

/// How a responsible unit's task on one article stands, from its reports (implementation tracking, arts. 28, 30).
public struct TaskState: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case notStarted = "not_started", inProgress = "in_progress", completed, blocked }

    public let status: Status
    public let percent: Int
    public let lastReport: Day?
    /// Not completed by the due date.
    public let overdue: Bool
    /// No report for longer than the reporting interval (or never reported).
    public let stale: Bool

    /// The documented rule: a unit reports at least every `interval` days; the task is due on `due`.
    public static func assess(latest: (status: Status, percent: Int, date: Day)?, due: Day, today: Day, interval: Int = 90) -> TaskState {
        guard let latest else {
            return TaskState(status: .notStarted, percent: 0, lastReport: nil, overdue: today > due, stale: true)
        }
        let completed = latest.status == .completed
        return TaskState(status: latest.status, percent: latest.percent, lastReport: latest.date,
                         overdue: !completed && today > due, stale: !completed && today.daysSince(latest.date) > interval)
    }

    /// Checks a progress report as a unit files it.
    public static func validateReport(status: String?, percent: String?, text: String?, date: String?, today: Day) throws(ValidationErrors) -> (Status, Int, String, Day) {
        var v = Validator()
        let s = v.choice("status", status, as: Status.self)
        let p = Int((percent ?? "").trimmingCharacters(in: .whitespaces))
        if p == nil || !(0...100).contains(p!) { v.add(.invalid("percent", "field.out_of_range", ["min": "0", "max": "100"])) }
        if s == .completed, p != nil, p! != 100 { v.add(.invalid("percent", "tracking.completed_needs_100")) }
        let t = v.text("text", text, min: 5, max: 4000)
        let d = date.flatMap { Day($0.trimmingCharacters(in: .whitespaces)) }
        if d == nil { v.add(.invalid("date", "policy.date_invalid", ["value": String((date ?? "").prefix(20))])) }
        else if d! > today { v.add(.invalid("date", "tracking.future_date")) }
        try v.throwIfAny()
        return (s!, p!, t!, d!)
    }
}

extension Day {
    /// Days from `other` to this date (proleptic Gregorian, both dates valid).
    public func daysSince(_ other: Day) -> Int { dayNumber - other.dayNumber }

    var dayNumber: Int {
        // Days since 1970-01-01 by the civil-from-days inverse (Howard Hinnant's algorithm).
        var y = year
        let m = (yyyymmdd / 100) % 100, d = yyyymmdd % 100
        y -= m <= 2 ? 1 : 0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
