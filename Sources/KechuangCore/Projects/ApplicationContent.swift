import Foundation

/// The parts of an application that are written as lines in the form: the team and the milestones.
///
/// A team line is `姓名|单位|分工` with an optional fourth part, the member's platform username (so reviewers on the
/// team can be kept out); a milestone line is `名称|可考核的交付物|截止日期 YYYY-MM-DD`. Lines are parsed here, so the
/// page, the API and the demo data read them the same way.
public struct TeamMember: Sendable, Equatable, Codable {
    public let name: String
    public let unit: String
    public let role: String
    public let username: String?

    public init(name: String, unit: String, role: String, username: String? = nil) {
        self.name = name
        self.unit = unit
        self.role = role
        self.username = username
    }

    public var line: String { [name, unit, role, username ?? ""].joined(separator: "|").trimmingCharacters(in: CharacterSet(charactersIn: "|")) }
}

public struct MilestonePlan: Sendable, Equatable, Codable {
    public let name: String
    public let deliverable: String
    public let due: Day

    public init(name: String, deliverable: String, due: Day) {
        self.name = name
        self.deliverable = deliverable
        self.due = due
    }

    public var line: String { "\(name)|\(deliverable)|\(due)" }

    /// A deliverable is measurable when it names a quantity (a number: "样机1台", "效率≥23%", "TRL 6").
    public var isMeasurable: Bool { deliverable.unicodeScalars.contains { CharacterSet.decimalDigits.contains($0) } }
}

public enum ApplicationContent {
    public static let maxTeam = 30
    public static let maxMilestones = 12

    public static func team(_ text: String, field: String = "team") throws(ValidationErrors) -> [TeamMember] {
        var out: [TeamMember] = []
        for (n, raw) in lines(text).enumerated() {
            let p = raw.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard (3...4).contains(p.count), !p[0].isEmpty, !p[1].isEmpty, !p[2].isEmpty, p.allSatisfy({ $0.count <= 100 }) else {
                throw ValidationErrors([.invalid(field, "project.team_line", ["line": String(n + 1)])])
            }
            out.append(TeamMember(name: p[0], unit: p[1], role: p[2], username: p.count == 4 && !p[3].isEmpty ? p[3] : nil))
        }
        if out.count > maxTeam { throw ValidationErrors([.invalid(field, "field.too_many", ["max": String(maxTeam)])]) }
        return out
    }

    public static func milestones(_ text: String, field: String = "milestones") throws(ValidationErrors) -> [MilestonePlan] {
        var out: [MilestonePlan] = []
        for (n, raw) in lines(text).enumerated() {
            let p = raw.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard p.count == 3, !p[0].isEmpty, !p[1].isEmpty, p[0].count <= 100, p[1].count <= 300, let due = Day(p[2]) else {
                throw ValidationErrors([.invalid(field, "project.milestone_line", ["line": String(n + 1)])])
            }
            out.append(MilestonePlan(name: p[0], deliverable: p[1], due: due))
        }
        if out.count > maxMilestones { throw ValidationErrors([.invalid(field, "field.too_many", ["max": String(maxMilestones)])]) }
        return out
    }

    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// Money paid to a project: never above the approved fiscal funds, and for 先立项后补助 only once the project has
/// passed acceptance (the unit funds the work itself first).
public enum DisbursementRule {
    public static func check(mode: SelectionMode, state: ProjectState, paidSoFar: Money, amount: Money, approved: Money) throws(DomainError) {
        guard amount.fen > 0 else { throw .invalid("amount", "money.not_positive") }
        if mode.paysAfterAcceptance, state != .accepted, state != .evaluated {
            throw DomainError(.conflict, code: "project.subsidy_after_acceptance", field: "amount")
        }
        if state == .terminated || state == .failed, !mode.paysAfterAcceptance {
            throw DomainError(.conflict, code: "project.closed_no_payment", field: "amount")
        }
        if paidSoFar.fen + amount.fen > approved.fen {
            throw DomainError(.invalidInput, code: "project.disbursement_over", arguments: ["left": Money(fen: approved.fen - paidSoFar.fen).display], field: "amount")
        }
    }
}

/// An expense after the engine's check: clean, flagged (waiting for staff), or resolved either way.
public enum ExpenseState: String, CaseIterable, Sendable, Codable {
    case clear, flagged
    /// Staff found the flagged expense justified (with a note).
    case accepted
    /// Staff disallowed it: it must be paid back to the project and does not count as spent.
    case disallowed
}

extension Day {
    /// The same day `n` months later, or the month's last day when it is shorter (a 36-month project from
    /// 2026-08-31 ends 2029-08-31; one from 2026-01-31 plus one month ends 2026-02-28).
    public func addingMonths(_ n: Int) -> Day {
        let total = year * 12 + (month - 1) + n
        let y = total / 12, m = total % 12 + 1
        var d = dayOfMonth
        while d > 28, Day(String(format: "%04d-%02d-%02d", y, m, d)) == nil { d -= 1 }
        return Day(String(format: "%04d-%02d-%02d", y, m, d))!
    }
}
