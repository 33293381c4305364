import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Targets of the policy with their true state and sources; values per indicator; staff add new values.
struct MonitoringController {
    struct IndexContent: Encodable {
        let targets: [TargetView]
        let staff: Bool
        let importProblems: [String]
        let onTrack: Int
        let atRisk: Int
        let offTrack: Int
        let noData: Int
    }

    struct IndicatorContent: Encodable {
        let key: String
        let name: String
        let definition: String
        let unit: String
        let department: String
        let rows: [ValueRow]
        /// Values computed from the platform's own records, with the computation shown.
        let computed: [ComputedRow]
        let chartSVG: String
        let bannerChartSVG: String?
        let staff: Bool
        let regions: [String]
        let form: FormState
    }

    struct ComputedRow: Encodable {
        let year: Int
        let value: String
        let computation: String
    }

    /// Platform computations for an indicator, where the platform holds the records.
    static func computed(req: Request, key: String) async throws -> [ComputedValue] {
        switch key {
        case "tech_market_turnover":
            // Registered contracts decide a year when there are any; otherwise organisations' declared income does.
            let contracts = try await TechContractRecord.query(on: req.db).all().compactMap { c in
                c.registrationYear.map { (year: $0, sellerInOrdos: ContractDraft.isOrdos(c.sellerRegion), buyerInOrdos: ContractDraft.isOrdos(c.buyerRegion),
                                                 incomeFen: c.technicalIncomeFen) }
            }
            let fromContracts = PlatformComputations.techMarketFromContracts(contracts)
            let covered = Set(fromContracts.map(\.year))
            let facts = try await EntityFactRecord.query(on: req.db).filter(\.$variable == "tech_contract_income").all()
            return fromContracts + PlatformComputations.techMarketTurnover(facts.compactMap { f in
                Decimal(string: f.value, locale: Locale(identifier: "en_US_POSIX")).map { (f.year, $0) }
            }).filter { !covered.contains($0.year) }
        case "hte_count":
            let this = req.today.year
            let (counts, _) = try await LadderTrackingController.counts(req, from: this - 4, to: this)
            return PlatformComputations.hteCount(counts.map { ($0.year, $0.hnte) })
        case "new_region_platforms":
            let all = try await PlatformStore(db: req.db).all(PlatformStore.Filter(includeRevoked: false))
            return PlatformComputations.newRegionPlatforms(all.compactMap { p in Day(p.recognizedOn).map { ($0.year, p.level) } })
        default:
            return []
        }
    }

    struct ValueRow: Encodable {
        let region: String
        let year: Int
        let value: String
        let source: String
        let note: String
        let flags: String
        let conflict: Bool
        let enteredBy: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "monitoring", access: .everyone, use: index)
        r.on(.GET, "monitoring", "indicators", ":key", access: .everyone, use: indicator)
        r.on(.POST, "monitoring", "indicators", ":key", "values", access: .staff, use: addValue)
        r.on(.POST, "monitoring", "import", access: .staff, use: importValues)
    }

    static func targets(req: Request) async throws -> [TargetView] {
        let catalog = try MonitoringData.catalog(resourceDirectory: req.services.config.resourceDirectory)
        let values = try await MonitoringStore(db: req.db).allCatalogued()
        let byIndicator = Dictionary(grouping: values, by: { $0.indicator ?? "" })
        // Catalogue order (R&D intensity first), then year: the order leadership reads the goals in.
        let order = Dictionary(uniqueKeysWithValues: catalog.indicators.enumerated().map { ($1.key, $0) })
        return try await req.policyText.targets()
            .sorted { (order[$0.indicator] ?? 99, $0.year ?? 9999) < (order[$1.indicator] ?? 99, $1.year ?? 9999) }
            .map { t in TargetView.build(t, def: catalog.definition(t.indicator), values: byIndicator[t.indicator] ?? [], req: req) }
    }

    @Sendable func index(req: Request) async throws -> View {
        let targets = try await Self.targets(req: req)
        func count(_ s: String) -> Int { targets.filter { $0.status == s }.count }
        return try await req.page("monitoring/index", titleKey: "monitoring_title", content: IndexContent(
            targets: targets, staff: req.currentUser?.role.isStaff ?? false, importProblems: [], onTrack: count("on_track") + count("achieved"),
            atRisk: count("at_risk"), offTrack: count("off_track"), noData: count("insufficient_data")), forms: req.currentUser?.role.isStaff ?? false)
    }

    struct Upload: Decodable {
        let file: File
    }

    /// A CSV or XLSX of values (indicator,region,year,value,unit,source,note): all rows or none, every bad row listed.
    @Sendable func importValues(req: Request) async throws -> Response {
        let catalog = try MonitoringData.catalog(resourceDirectory: req.services.config.resourceDirectory)
        let rows = try UploadedTable.rows((try? req.content.decode(Upload.self))?.file)
        do {
            let values = try IndicatorValueInput.parseTable(rows, catalog: catalog)
            try await MonitoringStore(db: req.db).addAll(values, actor: req.actor)
            req.flash("flash_values_imported")
            return req.redirect(to: "/monitoring", redirectType: .normal)
        } catch let e as ImportErrors {
            let problems = UploadedTable.messages(e, req: req)
            let targets = try await Self.targets(req: req)
            func count(_ s: String) -> Int { targets.filter { $0.status == s }.count }
            let view = try await req.page("monitoring/index", titleKey: "monitoring_title", content: IndexContent(
                targets: targets, staff: true, importProblems: problems, onTrack: count("on_track") + count("achieved"), atRisk: count("at_risk"),
                offTrack: count("off_track"), noData: count("insufficient_data")), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    func content(req: Request, key: String, form: FormState) async throws -> IndicatorContent {
        let catalog = try MonitoringData.catalog(resourceDirectory: req.services.config.resourceDirectory)
        guard let def = catalog.definition(key) else { throw DomainError.notFound("indicator") }
        let values = try await MonitoringStore(db: req.db).values(indicator: key)
        let groups = Dictionary(grouping: values, by: { "\($0.region)/\($0.year)" })
        let rows = values.sorted { ($0.year, $0.region) > ($1.year, $1.region) }.map { v in
            ValueRow(region: v.region, year: v.year, value: v.value, source: v.source, note: v.note, flags: v.flags,
                     conflict: Set(groups["\(v.region)/\(v.year)"]!.map(\.value)).count > 1, enteredBy: v.enteredByName)
        }
        let en = req.lang == .en
        let city = values.filter { $0.region == "鄂尔多斯市" && !$0.flagList.contains("PARTIAL YEAR") }
        let points = Dictionary(grouping: city, by: \.year).keys.sorted().compactMap { y in
            city.last { $0.year == y }.flatMap { Decimal(string: $0.value, locale: Locale(identifier: "en_US_POSIX")) }.map { SVGChart.Point(x: String(y), value: $0) }
        }
        let chart = SVGChart.line(title: en ? def.nameEn : def.name, unit: def.unit, points: points, target: nil,
                                  source: city.last.map { req.t("monitoring_source") + " " + $0.source } ?? req.t("monitoring_no_data"))
        let bannerValues = values.filter { Banner(codeOrName: $0.region) != nil }
        var bannerChart: String?
        if let year = bannerValues.map(\.year).max() {
            let items = bannerValues.filter { $0.year == year }.compactMap { v in
                Decimal(string: v.value, locale: Locale(identifier: "en_US_POSIX")).map { SVGChart.Point(x: v.region, value: $0) }
            }.sorted { $0.value > $1.value }
            bannerChart = SVGChart.bars(title: "\(en ? def.nameEn : def.name) · \(year)", unit: def.unit, items: items,
                                        source: req.t("monitoring_source") + " " + (bannerValues.first?.source ?? ""))
        }
        let computed = try await Self.computed(req: req, key: key).map {
            ComputedRow(year: $0.year, value: "\($0.value) \($0.unit)", computation: req.t("computed_\($0.indicator)", ["n": String($0.contributors)]))
        }
        return IndicatorContent(key: key, name: en ? def.nameEn : def.name, definition: def.definition, unit: def.unit, department: def.department,
                                rows: rows, computed: computed, chartSVG: chart, bannerChartSVG: bannerChart, staff: req.currentUser?.role.isStaff ?? false,
                                regions: IndicatorValueInput.regions, form: form)
    }

    @Sendable func indicator(req: Request) async throws -> View {
        let key = req.parameters.get("key") ?? ""
        let c = try await content(req: req, key: key, form: .empty)
        return try await req.page("monitoring/indicator", titleKey: "monitoring_indicator_title", titleArgs: ["name": c.name], content: c, forms: c.staff)
    }

    @Sendable func addValue(req: Request) async throws -> Response {
        let key = req.parameters.get("key") ?? ""
        let catalog = try MonitoringData.catalog(resourceDirectory: req.services.config.resourceDirectory)
        guard catalog.definition(key) != nil else { throw DomainError.notFound("indicator") }
        let input = try InputReader(req, allowed: ["region", "year", "value", "unit", "source", "note"])
        do {
            let v = try IndicatorValueInput.validate(indicator: key, region: input["region"], year: input["year"], value: input["value"],
                                                     unit: input["unit"], source: input["source"], note: input["note"], catalog: catalog)
            _ = try await MonitoringStore(db: req.db).add(v, actor: req.actor)
            req.flash("flash_value_added")
            return req.redirect(to: "/monitoring/indicators/\(key)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let c = try await content(req: req, key: key, form: try FormState(e, values: input.values, req: req))
            let view = try await req.page("monitoring/indicator", titleKey: "monitoring_indicator_title", titleArgs: ["name": c.name], content: c, forms: true)
            return try await .rerender(view, for: req)
        }
    }
}
