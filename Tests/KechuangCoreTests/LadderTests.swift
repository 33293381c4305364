import Foundation
@testable import KechuangCore
import Testing

/// Builds the yearly inputs of one enterprise for ladder tests: a small tech firm that meets 科技型中小企业 on points.
struct LadderProfile {
    var values: [String: Value] = [
        "staff_count": .num(Fixed(100)), "tech_staff_count": .num(Fixed(30)),
        "revenue": .num(Fixed(10_000_000)), "revenue_last_year": .num(Fixed(9_000_000)), "revenue_two_years_ago": .num(Fixed(8_000_000)),
        "total_assets": .num(Fixed(8_000_000)), "total_costs": .num(Fixed(9_000_000)),
        "rd_expense": .num(Fixed(600_000)), "rd_expense_last_year": .num(Fixed(500_000)), "rd_expense_two_years_ago": .num(Fixed(400_000)),
        "ip_class1_count": .num(Fixed(1)), "ip_class2_count": .num(Fixed(0)),
        "restricted_industry": .bool(false), "serious_violation": .bool(false),
    ]

    func with(_ name: String, _ v: Value) -> LadderProfile {
        var p = self
        p.values[name] = v
        return p
    }
}

@Suite("Cultivation ladder: criteria, gaps and the next rung")
struct LadderTests {
    let base: RuleBase
    let day = Day("2026-06-30")!

    init() throws { base = try RuleBase.load(directory: repoRoot + "/policies/ordos") }

    @Test("Every rung of the ladder has its rule in the policy files, and none appears in 一键匹配")
    func rungsAreRules() {
        for rung in LadderRung.allCases { #expect(base.rule(rung.ruleID)?.scheme == "ladder", "\(rung.ruleID)") }
        let match = MatchReport.run(base: base, entity: .enterprise, date: day, inputs: LadderProfile().values)
        #expect(!match.items.contains { $0.rule.scheme != nil })
        #expect(match.items.contains { $0.rule.id == "rd_post_subsidy" })
    }

    @Test("Given a small tech firm, when assessed, then 科技型中小企业 is eligible with its points broken down")
    func techSMEEligible() throws {
        let a = LadderAssessment.run(base: base, date: day, inputs: LadderProfile().values)
        let rung = try #require(a.rung(.techSME))
        #expect(rung.status == .eligible)
        let scored = try #require(rung.requirements.last?.alternatives.first)
        #expect(scored.rule.id == "tech_sme_score_pass")
        #expect(scored.parts.map(\.ruleID).contains("tech_sme_staff_points"))
        #expect(scored.parts.first { $0.ruleID == "tech_sme_score" }?.points == Fixed(100))
        // Two alternative routes on the last line: the score, or the direct conditions.
        #expect(rung.requirements.last?.alternatives.map(\.rule.id) == ["tech_sme_score_pass", "tech_sme_direct"])
    }

    @Test("A failed money threshold shows value, threshold and the gap in 万元 (HNTE R&D intensity)")
    func hnteRDGap() throws {
        // Three-year sales 2700万, latest 1000万 → 5% bracket → 135万 needed; R&D 150万 → passes. Lower it to 53万.
        let p = LadderProfile().with("rd_expense", .num(Fixed(130_000))).with("rd_expense_last_year", .num(Fixed(200_000)))
            .with("rd_expense_two_years_ago", .num(Fixed(200_000)))
        let a = LadderAssessment.run(base: base, date: day, inputs: p.values)
        let hnte = try #require(a.rung(.hnte))
        let rd = try #require(hnte.requirements.flatMap(\.alternatives).first { $0.rule.id == "hnte_rd_intensity" })
        #expect(rd.status == .notEligible)
        let line = try #require(rd.lines.first)
        #expect(line.value == Fixed(530_000))
        #expect(line.threshold == Fixed(1_350_000))
        #expect(line.gap == Fixed(820_000))
        #expect(line.unit == .money)
        #expect(line.gapText(english: false) == "差 82万元")
        #expect(line.gapText(english: true) == "short by 82 万 yuan")
    }

    @Test("A head count gap is rounded up to whole people, a score gap reads in points")
    func countAndPointGaps() throws {
        let p = LadderProfile().with("staff_count", .num(Fixed(195))).with("tech_staff_count", .num(Fixed(19)))
        let a = LadderAssessment.run(base: base, date: day, inputs: p.values)
        let staff = try #require(a.rung(.hnte)?.requirements.flatMap(\.alternatives).first { $0.rule.id == "hnte_tech_staff" })
        #expect(staff.lines[0].gap == Fixed(units: 5, scale: 1))
        #expect(staff.lines[0].gapText(english: false) == "差 1")
        let low = LadderProfile().with("tech_staff_count", .num(Fixed(12))).with("ip_class1_count", .num(Fixed(0)))
            .with("rd_expense", .num(Fixed(250_000)))
        let score = try #require(LadderAssessment.run(base: base, date: day, inputs: low.values).rung(.techSME)?
            .requirements.last?.alternatives.first)
        // 4 (12% staff) + 10 (R&D 2.5% of sales; 2.8% of costs scores 0) + 0 = 14 points: 46 short.
        #expect(score.lines.last?.gapText(english: false) == "差 46 分")
    }

    @Test("A missing input leaves the rung undetermined and names the input; it is never read as zero")
    func missingInput() throws {
        var p = LadderProfile()
        p.values["staff_count"] = nil
        let rung = try #require(LadderAssessment.run(base: base, date: day, inputs: p.values).rung(.techSME))
        #expect(rung.status == .undetermined)
        #expect(rung.missing.contains("staff_count"))
    }

    @Test("The next rung is the first one neither held nor met: a firm holding 科技型中小企业 aims next for 创新型中小企业")
    func nextRung() throws {
        let a = LadderAssessment.run(base: base, date: day, inputs: LadderProfile().values)
        #expect(a.nextRung?.rung == .innovativeSME)
        let held = LadderProfile().with("is_tech_sme", .bool(true)).with("is_innovative_sme", .bool(true))
        #expect(LadderAssessment.run(base: base, date: day, inputs: held.values).nextRung?.rung == .hnte)
    }

    @Test("Before 1 April 2026 the 2026 专精特新 criteria are not in force and are never the next rung")
    func versionGate() throws {
        let held = LadderProfile().with("is_tech_sme", .bool(true)).with("is_innovative_sme", .bool(true)).with("is_hte", .bool(true))
        let a = LadderAssessment.run(base: base, date: Day("2026-03-31")!, inputs: held.values)
        #expect(a.rung(.specializedSME)?.status == .notInForce)
        #expect(a.rung(.littleGiant)?.status == .notInForce)
        #expect(a.nextRung == nil)
    }

    @Test("Provisional thresholds are flagged: the 2026 专精特新 criteria rest on unverified reprints")
    func provisionalFlag() throws {
        let a = LadderAssessment.run(base: base, date: day, inputs: LadderProfile().values)
        #expect(a.rung(.specializedSME)?.provisional == true)
        #expect(a.rung(.techSME)?.provisional == false)
    }

    @Test("Money formats: whole 万 amounts read in 万元, others to the fen")
    func moneyFormat() {
        #expect(LadderFormat.money(Fixed(820_000), english: false) == "82万元")
        #expect(LadderFormat.money(Fixed(units: 123_456, scale: 2), english: false) == "¥1,234.56")
        #expect(LadderFormat.money(Fixed(units: 1_234_567_89, scale: 2), english: false) == "¥1,234,567.89")
        #expect(LadderFormat.money(Fixed(200_000_000), english: false) == "2亿元")
        #expect(LadderFormat.money(Fixed(250_000_000), english: false) == "25000万元")
    }

    @Test("Dividing two large sums keeps 128 bits before the division (growth of 1800万 over 1600万)")
    func wideDivision() throws {
        let q = try Fixed.divide(Fixed(units: 18_000_000_00, scale: 2), Fixed(units: 16_000_000_00, scale: 2))
        #expect(q == Fixed(units: 1125, scale: 3))
    }

    @Test("Two years back: x_two_years_ago reads x of the year before last from yearly facts")
    func twoYearsAgo() {
        let facts = [EntityFact(year: 2023, variable: "revenue", value: "8000000", source: "市税务局", verified: true),
                     EntityFact(year: 2024, variable: "revenue", value: "9000000", source: "市税务局", verified: true),
                     EntityFact(year: 2025, variable: "revenue", value: "10000000", source: "市税务局", verified: true)]
        let inputs = EntityData.inputs(from: facts, year: 2025, base: base, entity: .enterprise)
        #expect(inputs["revenue_two_years_ago"] == .num(Fixed(8_000_000)))
        #expect(inputs["revenue_last_year"] == .num(Fixed(9_000_000)))
    }
}

@Suite("Ladder batch")
struct LadderBatchTests {
    @Test("The batch gives the same status and next rung as the full assessment, for profiles across the ladder")
    func sameAsAssessment() throws {
        let base = try RuleBase.load(directory: repoRoot + "/policies/ordos")
        let day = Day("2026-06-30")!
        let batch = LadderBatch(base: base, date: day)
        let frame = batch.makeFrame()
        var buffer = batch.makeBuffer()
        let profiles: [[String: Value]] = [
            LadderProfile().values,
            LadderProfile().with("tech_staff_count", .num(Fixed(5))).values,
            LadderProfile().with("is_tech_sme", .bool(true)).with("is_innovative_sme", .bool(true)).values,
            LadderProfile().with("staff_count", .unknown).values,
            [:],
        ]
        for p in profiles {
            let full = LadderAssessment.run(base: base, date: day, inputs: p)
            let fast = batch.assess(p, frame: frame, buffer: &buffer)
            #expect(fast.statuses == full.rungs.map(\.status))
            #expect(fast.next == full.nextRung?.rung)
        }
    }
}
