import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Builds what the monitoring pages and API show for one target: the assessment, the series, the chart.
struct TargetView: Encodable {
    let indicator: String
    let name: String
    let goal: String
    let year: String
    let citation: String
    let status: String
    let statusLabel: String
    let latest: String?
    let latestYear: Int?
    let latestSource: String?
    let recentGrowth: String?
    let requiredGrowth: String?
    let projection: String?
    let rule: String
    let department: String
    let missingNote: String?
    let chartSVG: String

    static func build(_ t: IndicatorTargetRecord, def: IndicatorDefinition?, values: [IndicatorValueRecord], req: Request) -> TargetView {
        let en = req.lang == .en
        let target = IndicatorTarget(indicator: t.indicator, name: t.name, nameEn: t.nameEn, unit: t.unit,
                                     direction: IndicatorTarget.Direction(rawValue: t.direction) ?? .higher,
                                     comparison: IndicatorTarget.Comparison(rawValue: t.comparison) ?? .atLeast, value: t.value, year: t.year,
                                     kind: IndicatorTarget.Kind(rawValue: t.kind) ?? .level, chapter: t.chapterNumber, article: t.articleNumber, quote: t.quote)
        let city = values.filter { $0.region == "鄂尔多斯市" }
        let trend = city.filter { v in !v.flagList.contains { ["PARTIAL YEAR", "TARGET", "BUDGET"].contains($0) } }
        // One value per year for the trend: the latest entered wins the chart, conflicts are listed on the indicator page.
        let byYear = Dictionary(grouping: trend, by: \.year).compactMapValues { $0.max { ($0.createdAt ?? .distantPast) < ($1.createdAt ?? .distantPast) } }
        let observations = byYear.values.compactMap { v in Decimal(string: v.value, locale: Locale(identifier: "en_US_POSIX")).map { Observation(year: v.year, value: $0) } }
        let a = ProgressRules.assess(target, observations: observations)
        let latestRecord = a.latest.flatMap { byYear[$0.year] }
        func pct(_ d: Decimal?) -> String? { d.map { "\(($0 * 100).roundedTo(2))%" } }
        let unit = def?.unit ?? t.unit
        let points = observations.sorted { $0.year < $1.year }.map { SVGChart.Point(x: String($0.year), value: $0.value) }
        let goal = req.t("target_\(t.comparison)_\(t.kind)", ["value": t.value, "unit": t.unit])
        let chartTarget: (String, Decimal)? = target.kind == .annualGrowth ? nil : target.decimalValue.map { (goal + (t.year.map { " (\($0))" } ?? ""), $0) }
        let chart = points.isEmpty ? "" : SVGChart.line(title: en ? t.nameEn : t.name, unit: unit, points: points, target: chartTarget,
                                                        source: latestRecord.map { req.t("monitoring_source") + " " + $0.source } ?? "",
                                                        invert: def?.kind == .rank)
        let department = def?.department ?? ""
        return TargetView(
            indicator: t.indicator, name: en ? t.nameEn : t.name, goal: goal, year: t.year.map(String.init) ?? req.t("target_every_year"),
            citation: t.articleNumber.map { req.t("cite_article", ["n": String($0)]) } ?? req.t("cite_chapter_general"),
            status: a.status.rawValue, statusLabel: req.t("progress_\(a.status.rawValue)"),
            latest: a.latest.map { "\($0.value) \(unit)" }, latestYear: a.latest?.year, latestSource: latestRecord?.source,
            recentGrowth: pct(a.recentGrowth), requiredGrowth: pct(a.requiredGrowth), projection: a.projection.map { "\($0.roundedTo(2)) \(unit)" },
            rule: req.t("progress_reason_\(a.reason)"), department: department,
            missingNote: a.status == .insufficientData ? req.t("monitoring_ask", ["department": department]) : nil, chartSVG: chart)
    }
}

