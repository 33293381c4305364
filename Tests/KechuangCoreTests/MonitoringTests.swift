import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import KechuangCore
import Testing

@Suite("Monitoring: progress rules and charts")
struct MonitoringTests {
    func target(_ indicator: String, _ value: String, year: Int?, kind: IndicatorTarget.Kind = .level, direction: IndicatorTarget.Direction = .higher) -> IndicatorTarget {
        IndicatorTarget(indicator: indicator, name: indicator, nameEn: indicator, unit: "%", direction: direction, comparison: .atLeast,
                        value: value, year: year, kind: kind, chapter: 1, article: nil, quote: "")
    }

    @Test("R&D intensity 0.91 % in 2023 with one value cannot be projected, but the required growth is stated")
    func oneValue() {
        let a = ProgressRules.assess(target("rd_intensity", "1.2", year: 2027), observations: [Observation(year: 2023, value: Decimal(string: "0.91")!)])
        #expect(a.status == .insufficientData)
        // (1.2 / 0.91)^(1/4) − 1 ≈ 7.16 % a year.
        #expect(a.requiredGrowth.map { abs(($0 - Decimal(string: "0.0716")!) as Decimal) < Decimal(string: "0.0005")! } == true)
    }

    @Test("A steady climb that reaches the level is on track; a slow one is at risk or off track")
    func projections() {
        let fast = [Observation(year: 2021, value: 1), Observation(year: 2022, value: Decimal(string: "1.1")!), Observation(year: 2023, value: Decimal(string: "1.21")!)]
        #expect(ProgressRules.assess(target("x", "1.6", year: 2026), observations: fast).status == .onTrack)
        #expect(ProgressRules.assess(target("x", "1.7", year: 2026), observations: fast).status == .atRisk)
        #expect(ProgressRules.assess(target("x", "3", year: 2026), observations: fast).status == .offTrack)
        #expect(ProgressRules.assess(target("x", "1.2", year: 2026), observations: fast).status == .achieved)
    }

    @Test("Ranks are lower-is-better; growth targets compare recent growth with the required rate")
    func ranksAndGrowth() {
        let ranks = [Observation(year: 2021, value: 120), Observation(year: 2022, value: 110), Observation(year: 2023, value: 99)]
        #expect(ProgressRules.assess(target("rank", "80", year: 2030, direction: .lower), observations: ranks).status == .onTrack)
        let spend = [Observation(year: 2022, value: 100), Observation(year: 2023, value: 115), Observation(year: 2024, value: 135)]
        let g = ProgressRules.assess(target("fiscal", "20", year: 2027, kind: .annualGrowth), observations: spend)
        #expect(g.status == .atRisk)
        #expect(g.recentGrowth.map { $0 > Decimal(string: "0.16")! && $0 < Decimal(string: "0.17")! } == true)
    }

    @Test("Charts are well-formed SVG with title, unit, dashed target and source, and no script")
    func charts() throws {
        let line = SVGChart.line(title: "R&D 强度 <测试>", unit: "%", points: [.init(x: "2022", value: Decimal(string: "0.8")!), .init(x: "2023", value: Decimal(string: "0.91")!)],
                                 target: ("2027 目标 1.2%", Decimal(string: "1.2")!), source: "来源：鄂尔多斯市统计局")
        let bars = SVGChart.bars(title: "旗区", unit: "指数", items: [.init(x: "东胜区", value: 80), .init(x: "杭锦旗", value: 35)], source: "测算")
        for svg in [line, bars] {
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "not well-formed: \(svg.prefix(200))")
            #expect(!svg.contains("<script"))
        }
        #expect(line.contains("stroke-dasharray"))
        #expect(line.contains("&lt;测试&gt;"))
        #expect(line.contains("来源：鄂尔多斯市统计局"))
        #expect(line.contains(">0.91<"))
    }
}

@Suite("Banner capability index")
struct BannerIndexTests {
    let config = try! BannerIndexConfig.decode(Data(contentsOf: URL(fileURLWithPath: repoRoot + "/data/monitoring/banner-index.json")))

    @Test("Min-max per indicator, weighted over the dimensions with data, ranked; missing dimensions are named")
    func compute() {
        var enterprises: [Banner: Decimal] = [:], institutions: [Banner: Decimal] = [:]
        for b in Banner.allCases { enterprises[b] = 0; institutions[b] = 0 }
        enterprises[.dongsheng] = 10; enterprises[.kangbashi] = 5
        institutions[.dongsheng] = 4; institutions[.kangbashi] = 4
        let r = BannerIndexResult.compute(config: config, values: [
            "enterprises": enterprises, "institutions": institutions,
            // A statistic known for one banner only does not count (it would score 100 alone).
            "rd_intensity": [.jungar: 1.6],
        ])
        #expect(r.scores.first?.banner == .dongsheng)
        #expect(r.scores.first?.total == 100)
        // Kangbashi: entities 50, conditions 100, weights 0.2 and 0.2 → 75.
        #expect(r.scores.first { $0.banner == .kangbashi }?.total == 75)
        #expect(Set(r.missingDimensions) == ["input", "output", "management"])
        #expect(r.scores.first { $0.banner == .otog }?.total == 0)
    }

    @Test("Weights must add up to 1")
    func weights() {
        let bad = #"{"version":"x","note":"","noteZh":"","normalisation":"","normalisationZh":"","dimensions":[{"key":"a","name":"a","nameEn":"a","weight":0.5,"indicators":[]}]}"#
        #expect(throws: DomainError.self) { try BannerIndexConfig.decode(Data(bad.utf8)) }
    }
}
