import Foundation
@testable import KechuangCore
import Testing

@Suite("企业创新积分制: versioned indicator system, cohort percentiles, tiers; 双倍增 and 三清零")
struct InnovationPointsTests {
    let system: InnovationPointsSystem

    init() throws {
        system = try InnovationPointsSystem.parse(Data(contentsOf: URL(fileURLWithPath: repoRoot + "/data/entities/innovation-points/v1.json")))
    }

    func firm(_ n: Int, revenue: Int64, rd: Int64, years: Int = 6, hte: Bool = false, violation: Bool = false) -> InnovationPointsResult.Input {
        var inputs: [String: Value] = ["revenue": .num(Fixed(revenue)), "revenue_last_year": .num(Fixed(revenue * 9 / 10)),
                                       "rd_expense": .num(Fixed(rd)), "rd_expense_last_year": .num(Fixed(rd)),
                                       "years_since_registration": .num(Fixed(Int64(years))), "is_hte": .bool(hte), "serious_violation": .bool(violation)]
        if n == 0 { inputs["staff_count"] = .num(Fixed(10)); inputs["tech_staff_count"] = .num(Fixed(5)) }
        return .init(id: UUID(), name: "企业\(n)", banner: .kangbashi, inputs: inputs)
    }

    @Test("The shipped system loads, its stage weights sum to 100, and a system whose weights do not is refused")
    func loads() throws {
        #expect(system.version == "ordos-pilot-v1")
        #expect(!system.fingerprint.isEmpty)
        var text = try String(contentsOfFile: repoRoot + "/data/entities/innovation-points/v1.json", encoding: .utf8)
        text = text.replacingOccurrences(of: #""weights": {"startup": 12, "growth": 12, "mature": 12}"#, with: #""weights": {"startup": 13, "growth": 12, "mature": 12}"#)
        #expect(throws: InnovationPointsError.self) { try InnovationPointsSystem.parse(Data(text.utf8)) }
    }

    @Test("A changed file is another fingerprint: results name the exact file that produced them")
    func fingerprint() throws {
        var text = try String(contentsOfFile: repoRoot + "/data/entities/innovation-points/v1.json", encoding: .utf8)
        text = text.replacingOccurrences(of: "\"ordos-pilot-v1\"", with: "\"ordos-pilot-v2\"")
        let other = try InnovationPointsSystem.parse(Data(text.utf8))
        #expect(other.fingerprint != system.fingerprint)
        #expect(other.version == "ordos-pilot-v2")
    }

    @Test("Stages: under 3 years or under 500万 is start-up; under 1亿 growth; else mature; no revenue, no stage")
    func stages() {
        #expect(system.stage(of: ["years_since_registration": .num(Fixed(2)), "revenue": .num(Fixed(2_0000_0000))])?.key == "startup")
        #expect(system.stage(of: ["years_since_registration": .num(Fixed(5)), "revenue": .num(Fixed(4_999_999))])?.key == "startup")
        #expect(system.stage(of: ["years_since_registration": .num(Fixed(5)), "revenue": .num(Fixed(5_000_000))])?.key == "growth")
        #expect(system.stage(of: ["years_since_registration": .num(Fixed(5)), "revenue": .num(Fixed(100_000_000))])?.key == "mature")
        #expect(system.stage(of: ["years_since_registration": .num(Fixed(5))]) == nil)
    }

    @Test("Percentiles are midranks, exact with ties: values 1, 2, 2, 4 give 12.5%, 50%, 50%, 87.5%")
    func percentiles() {
        let sorted = [Fixed(1), Fixed(2), Fixed(2), Fixed(4)]
        #expect(InnovationPointsResult.percentile(Fixed(1), in: sorted) == Fixed(units: 125, scale: 3))
        #expect(InnovationPointsResult.percentile(Fixed(2), in: sorted) == Fixed(units: 5, scale: 1))
        #expect(InnovationPointsResult.percentile(Fixed(4), in: sorted) == Fixed(units: 875, scale: 3))
    }

    @Test("Cohorts by stage: firms are ranked only against their stage; ties share a rank; missing data score 0 and are listed")
    func cohorts() {
        let firms = [firm(1, revenue: 20_000_000, rd: 1_000_000), firm(2, revenue: 20_000_000, rd: 1_000_000),
                     firm(3, revenue: 20_000_000, rd: 2_000_000), firm(4, revenue: 200_000_000, rd: 9_000_000)]
        let r = InnovationPointsResult.compute(system, year: 2025, enterprises: firms)
        let growth = r.entries.filter { $0.stage == "growth" }
        #expect(growth.count == 3)
        #expect(r.entries.first { $0.stage == "mature" }?.cohortSize == 1)
        #expect(growth.first?.name == "企业3" && growth.first?.rank == 1)
        #expect(growth.filter { $0.rank == 2 }.count == 2)
        // No class I IP data anywhere: that indicator scores 0 and is listed missing for everyone.
        #expect(growth.allSatisfy { $0.missing.contains("class1_ip") })
        #expect(growth.allSatisfy { e in e.scores.first { $0.key == "class1_ip" }?.points == .zero })
    }

    @Test("Same inputs, same version: the same points, rank for rank (reproducible)")
    func reproducible() {
        let firms = (0..<30).map { firm($0, revenue: 10_000_000 + Int64($0) * 1_000_000, rd: 100_000 * Int64($0 % 7 + 1)) }
        let a = InnovationPointsResult.compute(system, year: 2025, enterprises: firms)
        let b = InnovationPointsResult.compute(system, year: 2025, enterprises: firms.reversed())
        let key = { (r: InnovationPointsResult) in r.entries.map { "\($0.name):\($0.total):\($0.rank)" }.sorted() }
        #expect(key(a) == key(b))
    }

    @Test("A serious violation deducts 20 points; a flag scores its full weight; tiers take the top 5/10/20% of a cohort")
    func adjustmentsAndTiers() throws {
        let firms = (0..<20).map { firm($0, revenue: 20_000_000 + Int64($0) * 1_000_000, rd: 100_000 * Int64($0 + 1), hte: $0 == 19, violation: $0 == 18) }
        let r = InnovationPointsResult.compute(system, year: 2025, enterprises: firms)
        let top = try #require(r.entries.first { $0.rank == 1 })
        #expect(top.name == "企业19" && top.tier == "leader")
        #expect(top.scores.first { $0.key == "hte" }?.points == Fixed(6))
        let cheat = try #require(r.entries.first { $0.name == "企业18" })
        #expect(cheat.deductions.first?.points == Fixed(20))
        #expect(r.entries.filter { $0.tier == "climber" }.count == 2)
    }

    @Test("双倍增: counts by year, the target, and the yearly growth still needed (to 0.1%)")
    func doubling() {
        let counts = [DoublingTracker.Count(year: 2024, techSME: 100, hnte: 40), DoublingTracker.Count(year: 2025, techSME: 130, hnte: 44)]
        let goal = DoublingTracker.Goal(baselineYear: 2024, targetYear: 2027, factor: 2, status: "provisional", source: "test")
        let p = DoublingTracker.progress(counts, goal: goal)
        #expect(p.first { $0.rung == .techSME }?.target == 200)
        // 130 → 200 in 2 years: √(200/130) − 1 = 24.03…% → 24.1% is the least that reaches it.
        #expect(p.first { $0.rung == .techSME }?.neededGrowthPercent == Fixed(units: 241, scale: 1))
        #expect(p.first { $0.rung == .hnte }?.reached == false)
    }

    @Test("三清零: only 规上工业企业 count; each zero flag from the data; missing data are unknown, never zero")
    func zeros() {
        let a = UUID(), b = UUID(), c = UUID()
        let entries = ZeroTracker.entries([
            (a, "甲", .jungar, ["is_above_scale_industrial": .bool(true), "rd_expense": .num(.zero), "has_rd_institution": .bool(true), "invention_patents": .num(Fixed(2))]),
            (b, "乙", .jungar, ["is_above_scale_industrial": .bool(true), "rd_expense": .num(Fixed(10)), "has_rd_institution": .bool(false)]),
            (c, "丙", .jungar, ["is_above_scale_industrial": .bool(false), "rd_expense": .num(.zero)]),
        ])
        #expect(entries.count == 2)
        #expect(entries.first { $0.id == a }?.flags == [.noRDActivity])
        #expect(entries.first { $0.id == b }?.flags == [.noRDInstitution])
        #expect(entries.first { $0.id == b }?.unknown == [.noInventionPatent])
        let row = ZeroTracker.byBanner(entries).first!
        #expect(row.enterprises == 2 && row.zeros[.noRDActivity] == 1 && row.allCleared == 0)
    }

    @Test("Platform award inputs: awards paid in a year read the previous year's grade; 'excellent twice' needs both years")
    func platformInputs() {
        let f = PlatformFacts(kind: .transferDemoZone, level: .city, subtype: nil, recognizedOn: Day("2023-04-01")!, regionAwardFen: nil,
                              underConstruction: false, grades: [2024: .excellent, 2025: .excellent])
        let i = f.inputs(year: 2026)
        #expect(i["performance_grade"] == .text("excellent") && i["consecutive_excellent"] == .bool(true) && i["newly_recognized"] == .bool(false))
        #expect(f.inputs(year: 2025)["consecutive_excellent"] == nil)
        #expect(f.inputs(year: 2024)["performance_grade"] == nil)
    }

    @Test("Recognitions: expiring within 90 days, expired, revoked; day arithmetic over month and leap-year ends")
    func recognitionStates() {
        let r = Recognition(rung: .hnte, level: .national, certificateNumber: "GR1", recognizedOn: Day("2024-03-01")!, expiresOn: Day("2027-02-28")!,
                            issuingBody: "x", firstTime: true, revoked: false)
        // 90 days before 28 February 2027 is 30 November 2026: flagged from that day, not the day before.
        #expect(r.state(on: Day("2026-11-30")!) == .expiring)
        #expect(r.state(on: Day("2026-11-29")!) == .active)
        #expect(r.state(on: Day("2027-02-28")!) == .expiring)
        #expect(r.state(on: Day("2027-03-01")!) == .expired)
        #expect(Recognition.daysBetween(Day("2024-02-28")!, Day("2024-03-01")!) == 2)
        #expect(Day("2024-12-31")!.adding(days: 1) == Day("2025-01-01")!)
        #expect(Recognition.inputs([r], on: Day("2026-06-30")!, dataYear: 2024)["newly_recognized_hte"] == .bool(true))
        #expect(Recognition.inputs([r], on: Day("2026-06-30")!, dataYear: 2025)["newly_recognized_hte"] == .bool(false))
    }
}
