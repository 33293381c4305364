import Foundation
@testable import KechuangCore
import Testing

@Suite("Projects: call and application forms, month arithmetic, the disbursement rule")
struct ProjectFormsTests {
    static let today = Day("2026-12-04")!

    static let call: [String: String] = [
        "title": "2027年度测试专项", "programme": "科技计划", "summary": "面向氢能产业链关键技术需求组织攻关。", "fields": "hydrogen,ccus",
        "selection_mode": "competitive", "funding_mode": "lump_sum", "ceiling": "1000000.01", "allowed_kinds": "enterprise",
        "opens_on": "2026-12-04", "deadline": "2027-01-31", "criteria": "创新性:60\n可行性：40",
    ]

    @Test("A call parses with its defaults; each bad field is named at once")
    func callDraft() throws {
        let d = try CallDraft.parse(Self.call, today: Self.today)
        #expect(d.fields == [.hydrogen, .ccus] && d.funding == .lumpSum && d.ceiling == Money(fen: 100_000_001))
        #expect(d.criteria.map(\.weight) == [60, 40] && d.expertsPerApplication == 5 && d.objectionDays == 7)
        var bad = Self.call
        bad["deadline"] = "2026-12-01"
        bad["allowed_kinds"] = "enterprise,talent"
        bad["criteria"] = "创新性:60"
        bad["ceiling"] = "0"
        bad["objection_days"] = "2"
        do {
            _ = try CallDraft.parse(bad, today: Self.today)
            Issue.record("accepted a bad call")
        } catch {
            #expect(Set(error.errors.compactMap(\.field)) == ["deadline", "allowed_kinds", "criteria", "ceiling", "objection_days"])
        }
    }

    @Test("Team and milestone lines parse; a bad line is named by number; a deliverable needs a number to be measurable")
    func lines() throws {
        let team = try ApplicationContent.team("李明|鄂尔多斯实验室|负责人|liming\n\n王芳|某公司|合作")
        #expect(team == [TeamMember(name: "李明", unit: "鄂尔多斯实验室", role: "负责人", username: "liming"), TeamMember(name: "王芳", unit: "某公司", role: "合作")])
        #expect(team[1].line == "王芳|某公司|合作")
        #expect(throws: ValidationErrors.self) { try ApplicationContent.team("李明|鄂尔多斯实验室") }
        let bad = #expect(throws: ValidationErrors.self) { try ApplicationContent.milestones("样机|样机1台|2027-06-30\n中试|报告|2027-13-01") }
        #expect(bad?.errors.first?.arguments["line"] == "2")
        let m = try ApplicationContent.milestones("样机|样机1台|2027-06-30\n总结|形成总结报告|2027-12-31")
        #expect(m.map(\.isMeasurable) == [true, false])
    }

    @Test("Months are added calendar-wise, clamping to the month's last day", arguments: [
        ("2026-08-31", 36, "2029-08-31"), ("2026-01-31", 1, "2026-02-28"), ("2027-12-15", 2, "2028-02-15"), ("2028-01-31", 1, "2028-02-29"),
    ])
    func months(_ start: String, _ n: Int, _ end: String) {
        #expect(Day(start)!.addingMonths(n) == Day(end)!)
    }

    @Test("Disbursement: never above the approved funds; 先立项后补助 only after acceptance; nothing to a terminated project")
    func disbursement() throws {
        let approved = Money(fen: 100_000)
        try DisbursementRule.check(mode: .competitive, state: .executing, paidSoFar: Money(fen: 99_999), amount: Money(fen: 1), approved: approved)
        #expect(throws: DomainError.self) {
            try DisbursementRule.check(mode: .competitive, state: .executing, paidSoFar: Money(fen: 99_999), amount: Money(fen: 2), approved: approved)
        }
        #expect(throws: DomainError.self) { try DisbursementRule.check(mode: .postSubsidy, state: .executing, paidSoFar: .zero, amount: Money(fen: 1), approved: approved) }
        try DisbursementRule.check(mode: .postSubsidy, state: .accepted, paidSoFar: .zero, amount: approved, approved: approved)
        #expect(throws: DomainError.self) { try DisbursementRule.check(mode: .milestone, state: .terminated, paidSoFar: .zero, amount: Money(fen: 1), approved: approved) }
        #expect(throws: DomainError.self) { try DisbursementRule.check(mode: .milestone, state: .executing, paidSoFar: .zero, amount: .zero, approved: approved) }
    }
}
