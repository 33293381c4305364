import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The bureau's compliance list: instruments the policy engine says must be shared (art. 22) that are not open to
/// everyone or not in working order, each with the engine's reasons.
struct InstrumentCompliance {
    struct Content: Encodable {
        let rows: [Row]
        let pager: Pager
        let checked: Int
        let mustShare: Int
        let failing: Int
        let filters: [String: String]
        let exportQuery: String
        let banners: [RegistrationController.Option]
    }

    struct Row: Encodable {
        let id: String
        let name: String
        let assetNumber: String
        let owner: String
        let banner: String
        let value: String
        let fiscalShare: String
        let notOpen: Bool
        let notActive: Bool
        let problem: String
        let reasons: [String]
    }

    /// Filters: owner name contains, banner, which problem (not open to society, not in working order).
    struct Filters {
        let owner: String, banner: Banner?, problem: String?
        let list: ListFilters

        init(_ req: Request) throws {
            var f = ListFilters(req)
            owner = f.text("owner"); banner = f.choice("banner", as: Banner.self); problem = f.oneOf("problem", ["not_open", "not_active"])
            try f.check()
            list = f
        }

        func keeps(_ r: Row, bannerCode: String) -> Bool {
            (owner.isEmpty || r.owner.contains(owner)) && (banner == nil || banner!.code == bannerCode)
                && (problem != "not_open" || r.notOpen) && (problem != "not_active" || r.notActive)
        }
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "admin", "instruments", "compliance", access: .staff, use: list)
    }

    /// The engine's inputs for one instrument.
    static func inputs(_ i: InstrumentRecord, owner: OrganizationRecord?) -> [String: Value] {
        var inputs: [String: Value] = ["instrument_value": .num(.fen(i.originalValueFen))]
        if let share = Fixed(parsing: i.fiscalShare) { inputs["fiscal_share"] = .num(share) }
        if let owner {
            inputs["owner_kind"] = .text(owner.kind == .institution ? (owner.institutionTypeRaw ?? "institute") : (owner.kind == .enterprise ? "enterprise" : "other"))
        }
        return inputs
    }

    @Sendable func list(req: Request) async throws -> Response {
        let filters = try Filters(req)
        let base = try req.services.rules.require()
        let today = req.today
        let registry = try await req.instrumentStore.registryWithOwners()
        var failing: [Row] = []
        var must = 0
        // The engine decides per instrument (microseconds each), so the whole registry is checked on every visit and
        // the list is never stale against the rule base in force.
        for (i, owner) in registry {
            let report = MatchReport.run(base: base, entity: .instrument, date: today, inputs: Self.inputs(i, owner: owner)).only("instrument_must_share")
            guard let item = report.items.first, item.outcome.status == .eligible else { continue }
            must += 1
            let notOpen = i.shareMode != ShareMode.external.rawValue, notActive = i.status != InstrumentStatus.active.rawValue
            guard notOpen || notActive else { continue }
            var problems: [String] = []
            if notOpen { problems.append(req.t("ins_compliance_not_open", ["mode": req.t("share_mode_\(i.shareMode)")])) }
            if notActive { problems.append(req.t("ins_compliance_not_active", ["status": req.t("ins_status_\(i.status)")])) }
            let row = Row(id: i.id!.uuidString, name: i.name, assetNumber: i.assetNumber, owner: owner?.name ?? "", banner: req.bannerName(i.bannerCode),
                          value: Money(fen: i.originalValueFen).display, fiscalShare: i.fiscalShare, notOpen: notOpen, notActive: notActive,
                          problem: problems.joined(separator: "；"), reasons: item.trace.conditions.map { "\($0.source)：\($0.substituted)" })
            if filters.keeps(row, bannerCode: i.bannerCode) { failing.append(row) }
        }
        if let file = try ListExport.response(req, name: "instrument-compliance",
                                              header: ["ins_f_name", "ins_f_asset_number", "ins_f_owner", "field_banner", "ins_f_original_value", "ins_f_fiscal_share",
                                                       "ins_compliance_problem", "ins_compliance_reason"].map { req.t($0) },
                                              rows: failing.map { [$0.name, $0.assetNumber, $0.owner, $0.banner, $0.value, $0.fiscalShare, $0.problem,
                                                                   $0.reasons.joined(separator: "\n")] }) { return file }
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 50)
        let shown = Array(failing.dropFirst(page.offset).prefix(page.per))
        return try await req.page("instruments/compliance", titleKey: "ins_compliance_title", content: Content(
            rows: shown, pager: Pager(PagedList(items: shown, request: page, total: failing.count), path: "/admin/instruments/compliance",
                                      query: filters.list.pagerQuery),
            checked: registry.count, mustShare: must, failing: failing.count, filters: filters.list.kept, exportQuery: filters.list.exportQuery,
            banners: req.bannerOptions())).encodeResponse(for: req)
    }
}
