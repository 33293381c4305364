import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 企业创新积分制 (art. 5): the ranked list of a year under a chosen version of the indicator system, cohort by
/// stage, with each enterprise's points by indicator, the method in words, and XLSX/CSV; a profile page says why.
struct InnovationPointsController {
    struct Column: Encodable {
        let key: String
        let name: String
    }

    struct Row: Encodable {
        let id: String
        let name: String
        let banner: String
        let stage: String
        let rank: Int
        let cohortSize: Int
        let total: String
        let tier: String?
        let points: [String]
        let missingCount: Int
    }

    struct Version: Encodable {
        let version: String
        let name: String
        let selected: Bool
    }

    struct ListContent: Encodable {
        let system: SystemView
        let versions: [Version]
        let year: Int
        let stage: String
        let stages: [RegistrationController.Option]
        let columns: [Column]
        let rows: [Row]
        let pager: Pager
        let unstaged: Int
        let exportQuery: String
    }

    struct SystemView: Encodable {
        let version: String
        let name: String
        let fingerprint: String
        let provisional: Bool
        let provisionalReason: String?
        let basis: String
        let method: String
        let stages: [StageView]
    }

    struct StageView: Encodable {
        let name: String
        let rule: String
    }

    struct ScoreRow: Encodable {
        let name: String
        let className: String
        let source: String
        let value: String
        let percentile: String
        let weight: Int
        let points: String
        let missing: Bool
    }

    struct ProfileContent: Encodable {
        let system: SystemView
        let organizationID: String
        let name: String
        let year: Int
        let stage: String
        let rank: Int
        let cohortSize: Int
        let total: String
        let tier: String?
        let scores: [ScoreRow]
        let adjustments: [String]
        let staff: Bool
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "entities", "points", access: .staff, use: list)
        r.on(.GET, "organizations", ":id", "points", access: .signedIn, use: profile)
    }

    static func systems(_ req: Request) throws -> [InnovationPointsSystem] {
        try InnovationPointsSystem.loadAll(directory: req.services.config.resourceDirectory + "/data/entities/innovation-points")
    }

    /// The system asked for by `version`, or the latest; an unknown version is a 4xx naming the parameter.
    static func choose(_ req: Request, _ version: String?) throws -> (InnovationPointsSystem, [InnovationPointsSystem]) {
        let all = try systems(req)
        guard let latest = all.last else { throw DomainError.notFound("innovation_points") }
        guard let v = version, !v.isEmpty else { return (latest, all) }
        guard let s = all.first(where: { $0.version == v }) else { throw DomainError.invalid("version", "field.not_allowed", ["value": String(v.prefix(40))]) }
        return (s, all)
    }

    static func defaultYear(_ req: Request) -> Int { req.today.year - 1 }

    static func compute(_ req: Request, system: InnovationPointsSystem, year: Int) async throws -> InnovationPointsResult {
        let roster = try await EnterpriseRoster.load(db: req.db, year: year, today: req.today, base: try req.services.rules.require())
        return InnovationPointsResult.compute(system, year: year, enterprises: roster.entries.map { .init(id: $0.id, name: $0.name, banner: $0.banner, inputs: $0.inputs) })
    }

    static func systemView(_ s: InnovationPointsSystem, req: Request) -> SystemView {
        let en = req.lang == .en
        return SystemView(version: s.version, name: en ? s.nameEn : s.name, fingerprint: s.fingerprint, provisional: s.status == "provisional",
                          provisionalReason: s.provisionalReason, basis: s.basis, method: en ? s.method.en : s.method.zh,
                          stages: s.stages.map { StageView(name: en ? $0.nameEn : $0.name, rule: en ? $0.ruleEn : $0.rule) })
    }

    static func stageName(_ s: InnovationPointsSystem, _ key: String, en: Bool) -> String {
        s.stages.first { $0.key == key }.map { en ? $0.nameEn : $0.name } ?? key
    }

    static func tierName(_ s: InnovationPointsSystem, _ key: String?, en: Bool) -> String? {
        key.flatMap { k in s.tiers.first { $0.key == k }.map { en ? $0.nameEn : $0.name } }
    }

    @Sendable func list(req: Request) async throws -> Response {
        var f = ListFilters(req)
        let year = f.integer("year", 2000...2100) ?? Self.defaultYear(req)
        let version = f.text("version", max: 40)
        let stageKey = f.text("stage", max: 20)
        try f.check()
        let (system, all) = try Self.choose(req, version)
        if !stageKey.isEmpty, !system.stages.contains(where: { $0.key == stageKey }) {
            throw DomainError.invalid("stage", "field.not_allowed", ["value": String(stageKey.prefix(20))])
        }
        let result = try await Self.compute(req, system: system, year: year)
        let en = req.lang == .en
        let selected = result.entries.filter { stageKey.isEmpty || $0.stage == stageKey }
        let rows = selected.map { e in
            Row(id: e.id.uuidString, name: e.name, banner: e.banner.map { en ? $0.nameEn : $0.nameZh } ?? "", stage: Self.stageName(system, e.stage, en: en),
                rank: e.rank, cohortSize: e.cohortSize, total: e.total.yuanString, tier: Self.tierName(system, e.tier, en: en),
                points: e.scores.map(\.points.yuanString), missingCount: e.missing.count)
        }
        let columns = system.indicators.map { Column(key: $0.key, name: en ? $0.nameEn : $0.name) }
        let header = ["rank", "cohort_size", "stage", "enterprise", "banner", "total", "tier"] + system.indicators.map(\.key)
            + system.bonus.map { "bonus_" + $0.key } + system.deductions.map { "deduction_" + $0.key }
        if let file = try ListExport.response(req, name: "innovation-points-\(year)-\(system.version)", header: header, rows: selected.map { e in
            [String(e.rank), String(e.cohortSize), e.stage, e.name, e.banner?.nameZh ?? "", e.total.yuanString, Self.tierName(system, e.tier, en: false) ?? ""]
                + e.scores.map(\.points.yuanString)
                + system.bonus.map { b in e.bonus.first { $0.key == b.key }?.points.yuanString ?? "0.00" }
                + system.deductions.map { d in e.deductions.first { $0.key == d.key }?.points.yuanString ?? "0.00" }
        }) { return file }
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 50)
        let slice = Array(rows.dropFirst(page.offset).prefix(page.per))
        let view = try await req.page("entities/points", titleKey: "points_title", titleArgs: ["year": String(year)], content: ListContent(
            system: Self.systemView(system, req: req), versions: all.map { Version(version: $0.version, name: en ? $0.nameEn : $0.name, selected: $0.version == system.version) },
            year: year, stage: stageKey, stages: system.stages.map { .init(value: $0.key, label: en ? $0.nameEn : $0.name) }, columns: columns,
            rows: slice, pager: Pager(PagedList(items: slice, request: page, total: rows.count), path: "/entities/points", query: f.pagerQuery),
            unstaged: result.unstaged.count, exportQuery: f.exportQuery))
        return try await view.encodeResponse(for: req)
    }

    /// One enterprise's points and why: its members and staff.
    @Sendable func profile(req: Request) async throws -> View {
        let (org, kind, staff) = try await req.organizationForData()
        guard kind == .enterprise else { throw DomainError.notFound("organization") }
        var f = ListFilters(req)
        let year = f.integer("year", 2000...2100) ?? Self.defaultYear(req)
        let version = f.text("version", max: 40)
        try f.check()
        let (system, _) = try Self.choose(req, version)
        let result = try await Self.compute(req, system: system, year: year)
        let en = req.lang == .en
        guard let e = result.entries.first(where: { $0.id == org.id }) else {
            throw DomainError(.invalidInput, code: "points.no_stage", arguments: ["year": String(year)], field: "year")
        }
        let scores = zip(system.indicators, e.scores).map { ind, s in
            ScoreRow(name: en ? ind.nameEn : ind.name, className: req.t("points_class_\(ind.class)"), source: ind.source,
                     value: s.value.map { ind.kind == "flag" ? ($0.isZero ? req.t("no") : req.t("yes")) : LadderFormat.plain($0) } ?? "—",
                     percentile: s.percentile.map { ind.kind == "flag" ? "—" : LadderFormat.plain((try? ($0 * Fixed(100)).rounded(scale: 1, .halfUp)) ?? $0) + "%" } ?? "—",
                     weight: s.weight, points: s.points.yuanString, missing: s.value == nil)
        }
        let adjustments = e.bonus.map { b in "+" + b.points.yuanString + " " + (system.bonus.first { $0.key == b.key }.map { en ? $0.nameEn : $0.name } ?? b.key) }
            + e.deductions.map { d in "−" + d.points.yuanString + " " + (system.deductions.first { $0.key == d.key }.map { en ? $0.nameEn : $0.name } ?? d.key) }
        return try await req.page("entities/points-profile", titleKey: "points_profile_title", titleArgs: ["name": org.name, "year": String(year)], content: ProfileContent(
            system: Self.systemView(system, req: req), organizationID: org.id!.uuidString, name: org.name, year: year,
            stage: Self.stageName(system, e.stage, en: en), rank: e.rank, cohortSize: e.cohortSize, total: e.total.yuanString,
            tier: Self.tierName(system, e.tier, en: en), scores: scores, adjustments: adjustments, staff: staff))
    }
}
