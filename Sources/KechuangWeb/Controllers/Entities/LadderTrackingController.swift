import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 双倍增 / 三清零 tracking (art. 7): counts of 科技型中小企业 and 高企 by year and banner against the doubling goal,
/// and the 规上工业企业 still at zero on R&D activity, R&D institution or invention patent. Staff only (it lists firms).
struct LadderTrackingController {
    struct CountRow: Encodable {
        let year: Int
        let techSME: Int
        let hnte: Int
    }

    struct ProgressRow: Encodable {
        let title: String
        let baseline: Int
        let target: Int
        let latest: Int
        let latestYear: Int
        let needed: String?
        let reached: Bool
    }

    struct BannerCountRow: Encodable {
        let banner: String
        let techSME: Int
        let hnte: Int
    }

    struct ZeroBannerRow: Encodable {
        let banner: String
        let enterprises: Int
        let noRD: Int
        let noInstitution: Int
        let noPatent: Int
        let cleared: Int
    }

    struct ZeroRow: Encodable {
        let id: String
        let name: String
        let banner: String
        let flags: [String]
        let unknown: [String]
    }

    struct Content: Encodable {
        let year: Int
        let goalSource: String
        let goalProvisional: Bool
        let baselineYear: Int
        let targetYear: Int
        let counts: [CountRow]
        let progress: [ProgressRow]
        let banners: [BannerCountRow]
        let zeroBanners: [ZeroBannerRow]
        let zeros: [ZeroRow]
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "entities", "tracking", access: .staff, use: page)
    }

    static func goal(_ req: Request) throws -> DoublingTracker.Goal {
        try JSONDecoder().decode(DoublingTracker.Goal.self, from: Data(contentsOf: URL(fileURLWithPath: req.services.config.resourceDirectory
            + "/data/entities/double-and-zero.json")))
    }

    /// Counts per year from the baseline to `last`: one roster per year, titles as held at the end of each year.
    static func counts(_ req: Request, from: Int, to last: Int) async throws -> (counts: [DoublingTracker.Count], rosters: [Int: EnterpriseRoster]) {
        let base = try req.services.rules.require()
        let today = req.today
        var rosters: [Int: EnterpriseRoster] = [:]
        for y in from...max(from, last) { rosters[y] = try await EnterpriseRoster.load(db: req.db, year: y, today: today, base: base) }
        return (DoublingTracker.counts(rosters.mapValues { $0.entries.map(\.inputs) }), rosters)
    }

    @Sendable func page(req: Request) async throws -> Response {
        var f = ListFilters(req)
        let thisYear = req.today.year
        // The data year of the banner breakdown and 三清零: last year by default, the latest full year of data.
        let year = f.integer("year", 2000...2100) ?? thisYear - 1
        let onlyZero = f.oneOf("zero", ZeroTracker.Flag.allCases.map(\.rawValue))
        try f.check()
        let goal = try Self.goal(req)
        let en = req.lang == .en
        // Counts run from the baseline to this year (as of today), whatever year is chosen below.
        let (counts, rosters) = try await Self.counts(req, from: min(goal.baselineYear, year), to: max(thisYear, year))
        let roster = rosters[year] ?? rosters.values.first!
        let bannerName = { (b: Banner?) in b.map { en ? $0.nameEn : $0.nameZh } ?? req.t("banner_unknown") }
        let byBanner = Dictionary(grouping: roster.entries, by: { $0.banner?.rawValue ?? "" })
        let banners = byBanner.keys.sorted().map { k in
            BannerCountRow(banner: bannerName(Banner(rawValue: k)), techSME: byBanner[k]!.filter { $0.inputs["is_tech_sme"] == .bool(true) }.count,
                           hnte: byBanner[k]!.filter { $0.inputs["is_hte"] == .bool(true) }.count)
        }
        let zeroEntries = ZeroTracker.entries(roster.entries.map { ($0.id, $0.name, $0.banner, $0.inputs) })
        let atZero = zeroEntries.filter { e in !e.flags.isEmpty && (onlyZero.map { z in e.flags.contains { $0.rawValue == z } } ?? true) }
        let label = { (flag: ZeroTracker.Flag) in req.t("zero_\(flag.rawValue)") }
        if let file = try ListExport.response(req, name: "three-zeros-\(year)", header: ["enterprise", "banner"] + ZeroTracker.Flag.allCases.map(\.rawValue),
                                              rows: atZero.map { e in [e.name, e.banner?.nameZh ?? ""] + ZeroTracker.Flag.allCases.map { fl in
                                                  e.flags.contains(fl) ? "true" : (e.unknown.contains(fl) ? "" : "false") } }) { return file }
        let view = try await req.page("entities/tracking", titleKey: "ladder_tracking_title", titleArgs: ["year": String(year)], content: Content(
            year: year, goalSource: goal.source, goalProvisional: goal.status == "provisional", baselineYear: goal.baselineYear, targetYear: goal.targetYear,
            counts: counts.map { CountRow(year: $0.year, techSME: $0.techSME, hnte: $0.hnte) },
            progress: DoublingTracker.progress(counts, goal: goal).map {
                ProgressRow(title: req.t("rung_\($0.rung.rawValue)"), baseline: $0.baseline, target: $0.target, latest: $0.latest, latestYear: $0.latestYear,
                            needed: $0.neededGrowthPercent.map { LadderFormat.plain($0) + "%" }, reached: $0.reached)
            },
            banners: banners,
            zeroBanners: ZeroTracker.byBanner(zeroEntries).map {
                ZeroBannerRow(banner: bannerName($0.banner), enterprises: $0.enterprises, noRD: $0.zeros[.noRDActivity] ?? 0,
                              noInstitution: $0.zeros[.noRDInstitution] ?? 0, noPatent: $0.zeros[.noInventionPatent] ?? 0, cleared: $0.allCleared)
            },
            zeros: atZero.map { ZeroRow(id: $0.id.uuidString, name: $0.name, banner: bannerName($0.banner), flags: $0.flags.map(label), unknown: $0.unknown.map(label)) }))
        return try await view.encodeResponse(for: req)
    }
}
