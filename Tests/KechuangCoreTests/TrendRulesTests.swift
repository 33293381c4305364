import Foundation
@testable import KechuangCore
import Testing

@Suite("Which recorded values make a trend (monitoring, arts. 1 and 28)")
struct TrendRulesTests {
    struct Value: RecordedIndicatorValue {
        var region = TrendRules.cityRegion
        var year: Int
        var value: String
        var flagList: [String] = []
        var createdAt: Date? = nil
    }

    @Test("A part of a year, a target or a budget never enters the trend; other caveats do not keep a value out")
    func excluded() {
        #expect(TrendRules.countsForTrend(flags: []))
        #expect(TrendRules.countsForTrend(flags: ["DERIVED", "SECONDARY SOURCE"]))
        for flag in ["PARTIAL YEAR", "TARGET", "BUDGET"] { #expect(!TrendRules.countsForTrend(flags: ["DERIVED", flag])) }
        let input = IndicatorValueInput(indicator: "k", region: "鄂尔多斯市", year: 2024, value: 1, valueText: "1", unit: "", source: "s", note: "", flags: ["BUDGET"])
        #expect(!input.countsForTrend)
    }

    @Test("The city's series has one value per year, the latest entered, and leaves banners and goals out")
    func cityByYear() {
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        let values = [
            Value(year: 2023, value: "10", createdAt: t0),
            Value(year: 2023, value: "11", createdAt: t0.addingTimeInterval(60)),
            Value(year: 2024, value: "12.5"),
            Value(year: 2027, value: "20", flagList: ["TARGET"]),
            Value(year: 2025, value: "6", flagList: ["PARTIAL YEAR"]),
            Value(region: "康巴什区", year: 2024, value: "99"),
            Value(year: 2022, value: "n/a"),
        ]
        let byYear = TrendRules.cityByYear(values)
        #expect(Set(byYear.keys) == [2022, 2023, 2024])
        #expect(byYear[2023]?.value == "11")
        #expect(TrendRules.observations(byYear) == [Observation(year: 2023, value: 11), Observation(year: 2024, value: Decimal(string: "12.5")!)])
    }

    @Test("The banner index takes each region's newest counted value")
    func latestByRegion() {
        let values = [
            Value(region: "康巴什区", year: 2023, value: "1"), Value(region: "康巴什区", year: 2024, value: "2"),
            Value(region: "康巴什区", year: 2025, value: "3", flagList: ["PARTIAL YEAR"]), Value(region: "东胜区", year: 2022, value: "4"),
        ]
        let latest = TrendRules.latestByRegion(values)
        #expect(latest["康巴什区"]?.value == "2")
        #expect(latest["东胜区"]?.value == "4")
    }
}
