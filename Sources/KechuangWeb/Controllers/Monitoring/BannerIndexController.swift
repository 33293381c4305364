import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The banner (旗区) capability index: ranking, profiles, and the art. 25 awards from the policy engine.
struct BannerIndexController {
    struct PageContent: Encodable {
        let version: String
        let note: String
        let normalisation: String
        let dimensions: [DimensionHead]
        let rows: [Row]
        let missing: [String]
        let chartSVG: String
        let dataYear: Int
    }

    struct DimensionHead: Encodable {
        let key: String
        let name: String
        let weight: String
        let indicators: String
    }

    struct Row: Encodable {
        let rank: String
        let banner: String
        let code: String
        let total: String
        let scores: [String]
        let strengths: String
        let gaps: String
        let award: String
        let awardNote: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "monitoring", "banners", access: .everyone, use: page)
        r.on(.GET, "api", "v1", "monitoring", "banners", access: .everyone, use: api)
    }

    static func config(_ req: Request) throws -> BannerIndexConfig {
        try BannerIndexConfig.decode(Data(contentsOf: URL(fileURLWithPath: req.services.config.resourceDirectory + "/data/monitoring/banner-index.json")))
    }

    /// Raw values per indicator and banner, from platform data and indicator values; `year` is the data year.
    static func values(_ req: Request, config: BannerIndexConfig) async throws -> ([String: [Banner: Decimal]], Int) {
        let orgs = try await OrganizationRecord.query(on: req.db).filter(\.$bannerCode != nil).all()
        let facts = try await EntityFactRecord.query(on: req.db).all()
        let year = facts.map(\.year).max() ?? (Int(ChinaTime.dateString(req.now).prefix(4))! - 1)
        let bannerOf = Dictionary(uniqueKeysWithValues: orgs.compactMap { o in o.banner.map { (o.id!, $0) } })
        let yearFacts = facts.filter { $0.year == year }
        var out: [String: [Banner: Decimal]] = [:]
        for d in config.dimensions {
            for ind in d.indicators {
                let parts = ind.source.split(separator: ":").map(String.init)
                var vs: [Banner: Decimal] = [:]
                // Platform figures are complete for what the platform holds: a banner with nothing counts as 0.
                if parts.first == "platform" { for b in Banner.allCases { vs[b] = 0 } }
                switch (parts.first, parts.count > 1 ? parts[1] : "", parts.last ?? "") {
                case ("platform", "org_count", let kind):
                    for o in orgs where o.kindRaw == kind { if let b = o.banner { vs[b, default: 0] += 1 } }
                case ("platform", "fact_sum", let variable):
                    for f in yearFacts where f.variable == variable {
                        if let b = bannerOf[f.$organization.id], let v = Decimal(string: f.value, locale: Locale(identifier: "en_US_POSIX")) { vs[b, default: 0] += v }
                    }
                case ("platform", "fact_true", let variable):
                    for f in yearFacts where f.variable == variable && f.value == "true" { if let b = bannerOf[f.$organization.id] { vs[b, default: 0] += 1 } }
                case ("indicator", _, let key):
                    for v in try await MonitoringStore(db: req.db).values(indicator: key) where !v.flagList.contains("PARTIAL YEAR") {
                        if let b = Banner(codeOrName: v.region), let d = Decimal(string: v.value, locale: Locale(identifier: "en_US_POSIX")) { vs[b] = d }
                    }
                default: break
                }
                if !vs.isEmpty { out[ind.key] = vs }
            }
        }
        return (out, year)
    }

    func build(_ req: Request) async throws -> (BannerIndexResult, PageContent) {
        let config = try Self.config(req)
        let (values, year) = try await Self.values(req, config: config)
        let result = BannerIndexResult.compute(config: config, values: values)
        let en = req.lang == .en
        let base = try req.services.rules.require()
        let today = req.today
        let names = Dictionary(uniqueKeysWithValues: config.dimensions.map { ($0.key, en ? $0.nameEn : $0.name) })
        let rows = result.scores.map { s -> Row in
            // Art. 25: the city matches the autonomous region's award; the engine says what it needs to decide.
            let outcome = base.evaluate(entity: .banner, date: today, inputs: [:]).first { $0.ruleID == "banner_capability_matching" }
            let award = outcome.map { o -> (String, String) in
                switch o.status {
                case .eligible: (Money(yuanString: o.amount?.yuanString ?? "0")?.display ?? "", "")
                case .undetermined: (req.t("status_undetermined"), o.missing.compactMap { base.variable($0).map { en ? $0.labelEn : $0.label } }.joined(separator: "、"))
                default: (req.t("status_\(o.status.rawValue)"), "")
                }
            } ?? ("—", "")
            return Row(rank: s.rank.map(String.init) ?? "—", banner: en ? s.banner.nameEn : s.banner.nameZh, code: s.banner.code,
                       total: s.total.map { "\($0)" } ?? "—",
                       scores: config.dimensions.map { d in s.dimensions[d.key].map { "\($0)" } ?? "—" },
                       strengths: s.strengths.compactMap { names[$0] }.joined(separator: "、"), gaps: s.gaps.compactMap { names[$0] }.joined(separator: "、"),
                       award: award.0, awardNote: award.1)
        }
        let chart = SVGChart.bars(title: req.t("banners_chart_title"), unit: req.t("banners_score_unit"),
                                  items: result.scores.compactMap { s in s.total.map { SVGChart.Point(x: en ? s.banner.nameEn : s.banner.nameZh, value: $0) } },
                                  source: req.t("banners_chart_source", ["version": config.version, "year": String(year)]))
        let content = PageContent(version: config.version, note: en ? config.note : config.noteZh,
                                  normalisation: en ? config.normalisation : config.normalisationZh,
                              dimensions: config.dimensions.map { d in
                                  DimensionHead(key: d.key, name: en ? d.nameEn : d.name, weight: "\(d.weight)",
                                                indicators: d.indicators.map { en ? $0.nameEn : $0.name }.joined(separator: "；"))
                              },
                              rows: rows, missing: result.missingDimensions.compactMap { names[$0] }, chartSVG: chart, dataYear: year)
        return (result, content)
    }

    @Sendable func page(req: Request) async throws -> View {
        let (_, content) = try await build(req)
        return try await req.page("monitoring/banners", titleKey: "banners_title", content: content)
    }

    struct BannerJSON: Content {
        let code: String
        let name: String
        let rank: Int?
        let total: String?
        let dimensions: [String: String]
        let strengths: [String]
        let gaps: [String]
    }

    struct IndexJSON: Content {
        let version: String
        let dataYear: Int
        let missingDimensions: [String]
        let banners: [BannerJSON]
    }

    @Sendable func api(req: Request) async throws -> IndexJSON {
        let (r, c) = try await build(req)
        return IndexJSON(version: r.version, dataYear: c.dataYear, missingDimensions: r.missingDimensions, banners: r.scores.map { s in
            BannerJSON(code: s.banner.code, name: s.banner.nameZh, rank: s.rank, total: s.total.map { "\($0)" },
                       dimensions: s.dimensions.mapValues { "\($0)" }, strengths: s.strengths, gaps: s.gaps)
        })
    }
}
