import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The 高层次人才数据库 for the talent office: filters by class, field, employer, banner and arrival year, counts of
/// arrivals over time by class, XLSX/CSV without ID numbers, and one talent's record (its personal data shown only
/// after the view is written to the person's access log).
struct TalentDatabaseController {
    struct ListContent: Encodable {
        let rows: [Row]
        let pager: Pager
        let filters: [String: String]
        let categories: [RegistrationController.Option]
        let banners: [RegistrationController.Option]
        let employers: [RegistrationController.Option]
        let years: [YearCount]
        let categoryColumns: [String]
        let exportQuery: String
        let admin: Bool
    }

    struct Row: Encodable {
        let id: String
        let name: String
        let category: String
        let field: String
        let employer: String
        let banner: String
        let employment: String
        let arrival: String
        let idMasked: String
    }

    struct YearCount: Encodable {
        let year: Int
        let counts: [Int]
        let total: Int
    }

    struct DetailContent: Encodable {
        let id: String
        let row: Row
        let profile: [Field]
        let personal: Personal?
        let codes: [TalentCodeController.CodeRow]
        let classifications: [TalentClassificationController.HistoryRow]
        let requests: [ServiceRequestController.Row]
        let hasLiveCode: Bool
        let classified: Bool
    }

    struct Field: Encodable {
        let label: String
        let value: String
    }

    struct Personal: Encodable {
        let idNumber: String
        let phone: String
        let family: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "admin", "talent", access: .staff, use: list)
        r.on(.GET, "admin", "talent", ":id", access: .staff, use: detail)
    }

    static func row(_ t: TalentRecord, req: Request) -> Row {
        Row(id: t.id!.uuidString, name: t.name, category: t.category ?? "—", field: t.field, employer: t.employer?.name ?? "",
            banner: Banner(rawValue: t.banner).map { req.lang == .en ? $0.nameEn : $0.nameZh } ?? t.banner,
            employment: req.t("talent_employment_" + t.employment), arrival: t.arrivalDate, idMasked: t.idMasked)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await req.requireTalentOffice()
        var f = ListFilters(req)
        var filter = TalentStore.Filter()
        filter.category = f.choice("category", as: TalentCategory.self)?.rawValue
        filter.unclassifiedOnly = f.flag("unclassified")
        filter.field = f.text("field", max: 60)
        filter.banner = f.choice("banner", as: Banner.self)?.rawValue
        filter.employerID = f.text("employer", max: 40).isEmpty ? nil : UUID(uuidString: f.text("employer", max: 40))
        filter.arrivalYear = f.integer("arrival_year", 1950...2100)
        try f.check()
        let store = req.talents
        if (try? req.query.get(String.self, at: "format")) != nil {
            // No ID numbers, phones or family in exports: the masked ID at most.
            let rows = try await store.all(filter).map { Self.row($0, req: req) }
            if let file = try ListExport.response(req, name: "talents", header: ["name", "category", "field", "employer", "banner", "employment", "arrival_date", "id_masked"],
                                                  rows: rows.map { [$0.name, $0.category, $0.field, $0.employer, $0.banner, $0.employment, $0.arrival, $0.idMasked] }) {
                return file
            }
        }
        let page = try await store.list(filter, page: PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 50))
        let byYear = try await store.arrivalsByYear(filter)
        let columns = TalentCategory.allCases.map(\.rawValue) + ["-"]
        let years = byYear.keys.sorted().map { y in
            YearCount(year: y, counts: columns.map { byYear[y]?[$0] ?? 0 }, total: byYear[y]!.values.reduce(0, +))
        }
        let employers = try await req.organizations.employers()
        let view = try await req.page("talent/database", titleKey: "talent_db_title", content: ListContent(
            rows: page.items.map { Self.row($0, req: req) }, pager: Pager(page, path: "/admin/talent", query: f.pagerQuery), filters: f.kept,
            categories: TalentCategory.allCases.map { .init(value: $0.rawValue, label: "\($0.rawValue) \(req.lang == .en ? $0.nameEn : $0.nameZh)") },
            banners: Banner.allCases.map { .init(value: $0.rawValue, label: req.lang == .en ? $0.nameEn : $0.nameZh) },
            employers: employers.map { .init(value: $0.id!.uuidString, label: $0.name) }, years: years,
            categoryColumns: columns.map { $0 == "-" ? req.t("talent_not_classified") : $0 }, exportQuery: f.exportQuery,
            admin: req.currentUser?.role == .admin), forms: true)
        return try await view.encodeResponse(for: req)
    }

    /// Personal data only with `?personal=1`, so opening the record is not a view of it; that view is logged.
    @Sendable func detail(req: Request) async throws -> View {
        try await req.requireTalentOffice()
        guard let id = req.parameters.get("id", as: UUID.self), let t = try await req.talents.find(id) else { throw DomainError.notFound("talent") }
        var personal: Personal?
        if (try? req.query.get(String.self, at: "personal")) == "1" {
            let p = try await req.talents.personalData(t, for: req.talentViewer(purpose: "profile", unit: Request.talentOfficeUnit))
            personal = Personal(idNumber: p.idNumber, phone: p.phone, family: p.family)
        }
        let p = t.profile
        let now = req.now
        let codes = try await req.talentCodes.codes(talentID: id)
        let fields: [Field] = [
            .init(label: req.t("talent_degree"), value: req.t("talent_degree_" + p.degree.rawValue)),
            .init(label: req.t("talent_title_level"), value: req.t("talent_title_" + p.titleLevel.rawValue)),
            .init(label: req.t("talent_titles"), value: p.titles),
            .init(label: req.t("talent_honours"), value: p.honours.map { req.t("talent_honour_" + $0.rawValue) }.joined(separator: "；")),
            .init(label: req.t("talent_awards"), value: p.awardLines),
            .init(label: req.t("talent_projects"), value: p.projectLines),
            .init(label: req.t("talent_birth_year"), value: String(p.birthYear)),
            .init(label: req.t("talent_category_since"), value: t.categorySince ?? "—"),
            .init(label: req.t("rules_version"), value: t.categoryVersion ?? "—"),
        ]
        return try await req.page("talent/record", titleKey: "talent_record_title", titleArgs: ["name": t.name], content: DetailContent(
            id: id.uuidString, row: Self.row(t, req: req), profile: fields, personal: personal,
            codes: codes.map { TalentCodeController.CodeRow(issuedAt: ChinaTime.display($0.issuedAt), expiresAt: ChinaTime.display($0.expiresAt), kid: $0.kid,
                                                            category: $0.category, state: req.t("talent_code_state_" + TalentCodeController.codeState($0, now: now))) },
            classifications: try await TalentClassificationStore(db: req.db).of(talentID: id).map { TalentClassificationController.row($0, req: req) },
            requests: try await ServiceRequestStore(db: req.db).of(talentID: id).map { ServiceRequestController.row($0, catalogue: req.services.talentServices, req: req) },
            hasLiveCode: codes.contains { TalentCodeController.codeState($0, now: now) == "valid" }, classified: t.category != nil), forms: true)
    }
}
