import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The registry of recognised platforms and carriers: public list and pages, staff registration and revocation,
/// yearly performance reports (form, or CSV/XLSX for many platforms at once), and the awards due this year.
struct PlatformController {
    struct Row: Encodable {
        let id: String
        let name: String
        let kind: String
        let kindLabel: String
        let levelLabel: String
        let subtypeLabel: String?
        let host: String
        let banner: String
        let field: String
        let recognizedOn: String
        let documentNumber: String
        let latestGrade: String?
        let revoked: Bool
    }

    struct AwardRow: Encodable {
        let platformID: String
        let platform: String
        let rule: String
        let title: String
        let article: Int
        let articleLabel: String
        let status: String
        let statusLabel: String
        let amount: String?
        let amountYuan: String?
        let provisional: Bool
        let matchesRegion: Bool
        let missingLabels: [String]
        let quote: String
    }

    struct ListContent: Encodable {
        let rows: [Row]
        let pager: Pager
        let filters: [String: String]
        let kinds: [RegistrationController.Option]
        let levels: [RegistrationController.Option]
        let banners: [RegistrationController.Option]
        let fields: [RegistrationController.Option]
        let exportQuery: String
        let staff: Bool
        let counts: [CountRow]
    }

    struct CountRow: Encodable {
        let kindLabel: String
        let national: Int
        let region: Int
        let city: Int
    }

    struct ReportRow: Encodable {
        let year: Int
        let gradeLabel: String
        let incubatees: Int?
        let graduates: Int?
        let areaM2: Int?
        let rdSpend: String?
        let summary: String
    }

    struct ShowContent: Encodable {
        let platform: Row
        let issuingBody: String
        let regionAward: String?
        let revokedReason: String?
        let reports: [ReportRow]
        let awards: [AwardRow]
        let year: Int
        let staff: Bool
        let canReport: Bool
        let grades: [RegistrationController.Option]
        let form: FormState
    }

    struct NewContent: Encodable {
        let kinds: [RegistrationController.Option]
        let levels: [RegistrationController.Option]
        let banners: [RegistrationController.Option]
        let fields: [RegistrationController.Option]
        let hosts: [RegistrationController.Option]
        let form: FormState
        let importProblems: [String]
    }

    struct AwardsContent: Encodable {
        let year: Int
        let rows: [AwardRow]
        let total: String
        let provisionalTotal: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "platforms", access: .everyone, use: list)
        r.on(.GET, "platforms", "new", access: .staff, use: newForm)
        r.on(.POST, "platforms", access: .staff, use: create)
        r.on(.GET, "platforms", ":id", access: .everyone, use: show)
        r.on(.POST, "platforms", ":id", "reports", access: .signedIn, use: report)
        r.on(.POST, "platforms", ":id", "revoke", access: .staff, use: revoke)
        r.on(.POST, "platforms", "reports", "import", access: .staff, body: .collect(maxSize: "8mb"), use: importReports)
        r.on(.GET, "admin", "platforms", "awards", access: .staff, use: awards)
        r.on(.GET, "api", "v1", "platforms", access: .everyone, use: api)
    }

    struct PlatformJSON: Content {
        let id: String
        let name: String
        let kind: String
        let level: String
        let subtype: String?
        let host: String
        let banner: String
        let field: String
        let recognizedOn: String
        let documentNumber: String
        let latestGrade: String?
        let latestGradeYear: Int?
    }

    struct PageJSON: Content {
        let items: [PlatformJSON]
        let page: Int
        let per: Int
        let total: Int
    }

    /// The public registry as JSON, with the same filters as the page.
    @Sendable func api(req: Request) async throws -> PageJSON {
        var f = ListFilters(req)
        let filter = PlatformStore.Filter(kind: f.choice("kind", as: PlatformKind.self), level: f.choice("level", as: Recognition.Level.self),
                                          banner: f.choice("banner", as: Banner.self), field: f.choice("field", as: PriorityField.self), search: f.text("q"))
        let pageNo = f.integer("page", 1...100_000)
        let per = f.integer("per", 1...PageQuery.maxPer)
        try f.check()
        let page = try await PlatformStore(db: req.db).list(filter, page: PageQuery(page: pageNo, per: per))
        return PageJSON(items: page.items.map { p in
            let latest = Self.latestReport(p)
            return PlatformJSON(id: p.id!.uuidString, name: p.name, kind: p.kind, level: p.level, subtype: p.subtype, host: p.$host.value?.name ?? "",
                                banner: p.banner, field: p.field, recognizedOn: p.recognizedOn, documentNumber: p.documentNumber,
                                latestGrade: latest?.grade, latestGradeYear: latest?.year)
        }, page: page.page, per: page.per, total: page.total)
    }

    static func options<T: RawRepresentable & CaseIterable>(_ type: T.Type, prefix: String, req: Request) -> [RegistrationController.Option] where T.RawValue == String {
        T.allCases.map { .init(value: $0.rawValue, label: req.t(prefix + $0.rawValue)) }
    }

    static func latestReport(_ p: PlatformRecord) -> PlatformReportRecord? { (p.$reports.value ?? []).max { $0.year < $1.year } }

    static func row(_ p: PlatformRecord, req: Request) -> Row {
        let latest = latestReport(p)
        return Row(id: p.id!.uuidString, name: p.name, kind: p.kind, kindLabel: req.t("platform_kind_\(p.kind)"), levelLabel: req.t("level_\(p.level)"),
                   subtypeLabel: p.subtype.map { req.t("platform_subtype_\($0)") }, host: p.$host.value?.name ?? "",
                   banner: Banner(rawValue: p.banner).map { req.lang == .en ? $0.nameEn : $0.nameZh } ?? p.banner,
                   field: req.t("field_\(p.field)"), recognizedOn: p.recognizedOn, documentNumber: p.documentNumber,
                   latestGrade: latest.map { "\($0.year) · " + req.t("grade_\($0.grade)") }, revoked: p.status == "revoked")
    }

    static func awardRow(_ p: PlatformRecord, _ a: PlatformAwards.Award, base: RuleBase, req: Request) -> AwardRow {
        let en = req.lang == .en
        let fen = a.trace.outcome.amount.flatMap { try? $0.fen() }
        return AwardRow(platformID: p.id!.uuidString, platform: p.name, rule: a.trace.rule.id, title: en ? a.trace.rule.titleEn : a.trace.rule.title,
                        article: a.trace.rule.article, articleLabel: req.t("cite_article", ["n": String(a.trace.rule.article)]), status: a.trace.outcome.status.rawValue, statusLabel: req.t("status_\(a.trace.outcome.status.rawValue)"),
                        amount: fen.map { Money(fen: $0).display }, amountYuan: fen.map { Money(fen: $0).plainYuan }, provisional: a.trace.provisional,
                        matchesRegion: a.matchesRegion,
                        missingLabels: a.trace.outcome.missing.map { n in base.variable(n).map { en ? $0.labelEn : $0.label } ?? n },
                        quote: a.trace.rule.quote)
    }

    static func thisYear(_ req: Request) -> Int { req.today.year }

    @Sendable func list(req: Request) async throws -> Response {
        var f = ListFilters(req)
        let filter = PlatformStore.Filter(kind: f.choice("kind", as: PlatformKind.self), level: f.choice("level", as: Recognition.Level.self),
                                          banner: f.choice("banner", as: Banner.self), field: f.choice("field", as: PriorityField.self),
                                          search: f.text("q"))
        try f.check()
        let store = PlatformStore(db: req.db)
        if (try? req.query.get(String.self, at: "format")) != nil {
            let rows = try await store.all(filter).map { Self.row($0, req: req) }
            if let file = try ListExport.response(req, name: "platforms", header: ["name", "kind", "level", "subtype", "host", "banner", "field",
                                                                                    "recognized_on", "document_number", "latest_grade"],
                                                  rows: rows.map { [$0.name, $0.kindLabel, $0.levelLabel, $0.subtypeLabel ?? "", $0.host, $0.banner, $0.field,
                                                                    $0.recognizedOn, $0.documentNumber, $0.latestGrade ?? ""] }) { return file }
        }
        let page = try await store.list(filter, page: PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20))
        let everything = try await store.all(PlatformStore.Filter())
        let counts = PlatformKind.allCases.compactMap { k -> CountRow? in
            let of = everything.filter { $0.kind == k.rawValue }
            guard !of.isEmpty else { return nil }
            return CountRow(kindLabel: req.t("platform_kind_\(k.rawValue)"), national: of.filter { $0.level == "national" }.count,
                            region: of.filter { $0.level == "region" }.count, city: of.filter { $0.level == "city" }.count)
        }
        let view = try await req.page("entities/platforms", titleKey: "platforms_title", content: ListContent(
            rows: page.items.map { Self.row($0, req: req) }, pager: Pager(page, path: "/platforms", query: f.pagerQuery), filters: f.kept,
            kinds: Self.options(PlatformKind.self, prefix: "platform_kind_", req: req), levels: Self.options(Recognition.Level.self, prefix: "level_", req: req),
            banners: Banner.allCases.map { .init(value: $0.rawValue, label: req.lang == .en ? $0.nameEn : $0.nameZh) },
            fields: Self.options(PriorityField.self, prefix: "field_", req: req), exportQuery: f.exportQuery,
            staff: req.currentUser?.role.isStaff ?? false, counts: counts))
        return try await view.encodeResponse(for: req)
    }

    func showContent(_ req: Request, _ p: PlatformRecord, form: FormState = .empty) async throws -> ShowContent {
        let base = try req.services.rules.require()
        let year = Self.thisYear(req)
        let awards = p.facts().map { PlatformAwards.evaluate($0, year: year, base: base) } ?? []
        let staff = req.currentUser?.role.isStaff ?? false
        let member = try await req.currentUser.asyncMap { try await req.accounts.isMember(userID: $0.id, organizationID: p.$host.id) } ?? false
        return ShowContent(
            platform: Self.row(p, req: req), issuingBody: p.issuingBody, regionAward: p.regionAwardFen.map { Money(fen: $0).display },
            revokedReason: p.revokedReason,
            reports: (p.$reports.value ?? []).sorted { $0.year > $1.year }.map {
                ReportRow(year: $0.year, gradeLabel: req.t("grade_\($0.grade)"), incubatees: $0.incubatees, graduates: $0.graduates, areaM2: $0.areaM2,
                          rdSpend: $0.rdSpendFen.map { Money(fen: $0).display }, summary: $0.summary)
            },
            awards: p.status == "active" ? awards.map { Self.awardRow(p, $0, base: base, req: req) } : [], year: year, staff: staff,
            canReport: p.status == "active" && (staff || member), grades: Self.options(PerformanceGrade.self, prefix: "grade_", req: req), form: form)
    }

    @Sendable func show(req: Request) async throws -> View {
        guard let id = req.parameters.get("id", as: UUID.self), let p = try await PlatformStore(db: req.db).find(id) else { throw DomainError.notFound("platform") }
        let c = try await showContent(req, p)
        return try await req.page("entities/platform", titleKey: "platform_page_title", titleArgs: ["name": p.name], content: c, forms: c.canReport)
    }

    func newContent(_ req: Request, form: FormState = .empty, problems: [String] = []) async throws -> NewContent {
        let hosts = try await PlatformStore(db: req.db).hostCandidates()
        return NewContent(kinds: Self.options(PlatformKind.self, prefix: "platform_kind_", req: req),
                          levels: Self.options(Recognition.Level.self, prefix: "level_", req: req),
                          banners: Banner.allCases.map { .init(value: $0.rawValue, label: req.lang == .en ? $0.nameEn : $0.nameZh) },
                          fields: Self.options(PriorityField.self, prefix: "field_", req: req),
                          hosts: hosts.map { .init(value: $0.id!.uuidString, label: $0.name) }, form: form, importProblems: problems)
    }

    @Sendable func newForm(req: Request) async throws -> View {
        try await req.page("entities/platform-new", titleKey: "platform_new_title", content: try await newContent(req), forms: true)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let keys = ["name", "kind", "level", "subtype", "host", "banner", "field", "recognized_on", "document_number", "issuing_body", "region_award", "under_construction"]
        let input = try InputReader(req, allowed: Set(keys))
        var values: [String: String] = [:]
        for k in keys { values[k] = input[k] ?? "" }
        do {
            let checked = try PlatformDraft(name: input["name"], kind: input["kind"], level: input["level"], subtype: input["subtype"], banner: input["banner"],
                                            field: input["field"], recognizedOn: input["recognized_on"], documentNumber: input["document_number"],
                                            issuingBody: input["issuing_body"], regionAward: input["region_award"], underConstruction: input["under_construction"]).validate()
            guard let hostID = UUID(uuidString: input["host"] ?? ""), let host = try await req.organizations.find(hostID), host.kind != .department else {
                throw ValidationErrors([.invalid("host", "field.required")])
            }
            let p = try await PlatformStore(db: req.db).register(checked, host: host, actor: req.actor)
            req.flash("flash_platform_registered")
            return req.redirect(to: "/platforms/\(p.id!.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let view = try await req.page("entities/platform-new", titleKey: "platform_new_title",
                                          content: try await newContent(req, form: try FormState(e, values: values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    /// Staff, or members of the host organisation, file the yearly report; the grade is what the award rules read.
    @Sendable func report(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let p = try await PlatformStore(db: req.db).find(id) else { throw DomainError.notFound("platform") }
        let me = try req.requireUser()
        let member = try await req.accounts.isMember(userID: me.id, organizationID: p.$host.id)
        guard me.role.isStaff || member else { throw DomainError.notFound("platform") }
        let keys = ["year", "grade", "incubatees", "graduates", "area_m2", "rd_spend", "summary"]
        let input = try InputReader(req, allowed: Set(keys))
        var values: [String: String] = [:]
        for k in keys { values[k] = input[k] ?? "" }
        do {
            guard p.status == "active" else { throw ValidationErrors([.invalid("year", "platform.revoked")]) }
            let r = try PlatformReports.check(values)
            try await PlatformStore(db: req.db).file([(id, r)], actor: req.actor)
            req.flash("flash_platform_reported")
            return req.redirect(to: "/platforms/\(id.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let view = try await req.page("entities/platform", titleKey: "platform_page_title", titleArgs: ["name": p.name],
                                          content: try await showContent(req, p, form: try FormState(e, values: values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let p = try await PlatformStore(db: req.db).find(id) else { throw DomainError.notFound("platform") }
        let input = try InputReader(req, allowed: ["reason"])
        do {
            try await PlatformStore(db: req.db).revoke(id, reason: input["reason"] ?? "", actor: req.actor)
            req.flash("flash_platform_revoked")
            return req.redirect(to: "/platforms/\(id.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let view = try await req.page("entities/platform", titleKey: "platform_page_title", titleArgs: ["name": p.name],
                                          content: try await showContent(req, p, form: try FormState(e, values: ["reason": input["reason"] ?? ""], req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    /// A table `platform,year,grade,incubatees,graduates,area_m2,rd_spend,summary` (platform by name): all rows or none.
    @Sendable func importReports(req: Request) async throws -> Response {
        struct Upload: Content { var file: File? }
        let table = try UploadedTable.rows(try req.content.decode(Upload.self).file)
        let store = PlatformStore(db: req.db)
        var byName: [String: UUID] = [:]
        for p in try await store.all(PlatformStore.Filter()) { byName[p.name] = p.id! }
        do {
            let rows = try PlatformReports.rows(table, platforms: byName)
            try await store.file(rows, actor: req.actor)
            req.flash("flash_platform_reports_imported")
            return req.redirect(to: "/platforms", redirectType: .normal)
        } catch let e as ImportErrors {
            let view = try await req.page("entities/platform-new", titleKey: "platform_new_title",
                                          content: try await newContent(req, problems: UploadedTable.messages(e, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    /// Staff: every award the engine finds due this year over the registry, with the total (provisional part apart).
    @Sendable func awards(req: Request) async throws -> Response {
        var f = ListFilters(req)
        let year = f.integer("year", 2000...2100) ?? Self.thisYear(req)
        try f.check()
        let base = try req.services.rules.require()
        let due = try await PlatformStore(db: req.db).awardsDue(year: year, base: base)
        let rows = due.map { Self.awardRow($0.0, $0.1, base: base, req: req) }
        if let file = try ListExport.response(req, name: "platform-awards-\(year)", header: ["platform", "rule", "article", "amount_yuan", "provisional", "matches_region"],
                                              rows: rows.map { [$0.platform, $0.title, String($0.article), $0.amountYuan ?? "", $0.provisional ? "true" : "false",
                                                                $0.matchesRegion ? "true" : "false"] }) { return file }
        let total = due.reduce(Int64(0)) { $0 + ((try? ($1.1.trace.outcome.amount ?? .zero).fen()) ?? 0) }
        let provisional = due.filter { $0.1.trace.provisional }.reduce(Int64(0)) { $0 + ((try? ($1.1.trace.outcome.amount ?? .zero).fen()) ?? 0) }
        let view = try await req.page("entities/platform-awards", titleKey: "platform_awards_title", titleArgs: ["year": String(year)],
                                      content: AwardsContent(year: year, rows: rows, total: Money(fen: total).display, provisionalTotal: Money(fen: provisional).display))
        return try await view.encodeResponse(for: req)
    }
}
