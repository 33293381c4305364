import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 技术合同认定登记: a seller (or the registration office) registers a contract once; registered contracts feed the
/// technology-market turnover of monitoring and the art. 12 transaction subsidy computed by the policy engine.
struct ContractController {
    struct ListContent: Encodable {
        let rows: [Row]
        let pager: Pager
        let staff: Bool
        let year: String
        let output: String
        let absorbed: String
        let filters: [String: String]
        let exportQuery: String
        let types: [RegistrationController.Option]
        let fields: [RegistrationController.Option]
    }

    /// List filters: text in the numbers, title or parties; registration year; type; field; Ordos side.
    struct Filters {
        let q: String, year: Int?, type: ContractType?, field: PriorityField?, side: String?
        let list: ListFilters

        init(_ req: Request) throws {
            var f = ListFilters(req)
            q = f.text("q"); year = f.integer("year", 2000...2100); type = f.choice("type", as: ContractType.self)
            field = f.choice("field", as: PriorityField.self); side = f.oneOf("side", ["output", "absorbed"])
            try f.check()
            list = f
        }

        func apply(_ q0: QueryBuilder<TechContractRecord>) -> QueryBuilder<TechContractRecord> {
            var b = q0
            if !q.isEmpty {
                let text = q
                b = b.group(.or) { g in
                    g.filter(\.$registrationNumber ~~ text).filter(\.$contractNumber ~~ text).filter(\.$title ~~ text)
                        .filter(\.$sellerName ~~ text).filter(\.$buyerName ~~ text)
                }
            }
            if let year { b = b.registered(in: year) }
            if let type { b = b.filter(\.$type == type.rawValue) }
            if let field { b = b.filter(\.$field == field.rawValue) }
            // Output = the seller is in Ordos, absorbed = the buyer is.
            if side == "output" { b = b.filter(\.$sellerRegion =~ ContractDraft.ordosRegionPrefix) }
            if side == "absorbed" { b = b.filter(\.$buyerRegion =~ ContractDraft.ordosRegionPrefix) }
            return b
        }
    }

    struct Row: Encodable {
        let id: String
        let registrationNumber: String
        let title: String
        let type: String
        let seller: String
        let buyer: String
        let total: String
        let income: String
        let signedOn: String
    }

    struct FormContent: Encodable {
        let form: FormState
        let types: [RegistrationController.Option]
        let fields: [RegistrationController.Option]
        let staff: Bool
        let sellerName: String
        let sellerRegion: String
    }

    struct ShowContent: Encodable {
        let facts: [InstrumentPage.Fact]
        let subsidy: String?
        let subsidyNote: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "market", "contracts", access: .signedIn, use: list)
        r.on(.GET, "market", "contracts", "new", access: .signedIn, use: newForm)
        r.on(.POST, "market", "contracts", access: .signedIn, use: create)
        r.on(.GET, "market", "contracts", ":id", access: .signedIn, use: show)
        r.on(.POST, "api", "v1", "market", "contracts", access: .signedIn, use: create)
    }

    static let extraFields = ["achievement_id", "demand_id", "broker"]

    @Sendable func list(req: Request) async throws -> Response {
        let me = try req.requireUser()
        let staff = me.role.isStaff
        let mine = try await req.accounts.organizationIDs(of: me.id)
        let filters = try Filters(req)
        var q = filters.apply(TechContractRecord.query(on: req.db))
        if !staff { q = q.group(.or) { $0.filter(\.$sellerOrgID ~~ mine).filter(\.$buyerOrgID ~~ mine) } }
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20)
        let exporting = (try? req.query.get(String.self, at: "format")) != nil
        let total = try await q.count()
        let rows = try await (exporting ? q.sort(\.$signedOn, .descending).all() : q.sort(\.$signedOn, .descending).range(page.offset..<(page.offset + page.per)).all())
        if let file = try ListExport.response(req, name: "contracts", header: ["registration_number", "contract_number", "title", "type", "field", "seller", "seller_region",
                                                                              "buyer", "buyer_region", "total_yuan", "income_yuan", "signed_on"].map { req.t("export_\($0)") },
                                              rows: rows.map { [$0.registrationNumber, $0.contractNumber, $0.title, req.t("contract_type_\($0.type)"), req.t("field_\($0.field)"),
                                                                $0.sellerName, $0.sellerRegion, $0.buyerName, $0.buyerRegion, Money(fen: $0.totalFen).plainYuan,
                                                                Money(fen: $0.technicalIncomeFen).plainYuan, $0.signedOn] }) { return file }
        let year = filters.year ?? ChinaTime.civil(req.now).year
        let t = try await ContractStore(db: req.db).turnover(year: year)
        let items = rows.map { Row(id: $0.id!.uuidString, registrationNumber: $0.registrationNumber, title: $0.title, type: req.t("contract_type_\($0.type)"),
                                   seller: $0.sellerName, buyer: $0.buyerName, total: Money(fen: $0.totalFen).display, income: Money(fen: $0.technicalIncomeFen).display,
                                   signedOn: $0.signedOn) }
        return try await req.page("market/contracts", titleKey: "contracts_title", content: ListContent(
            rows: items, pager: Pager(PagedList(items: items, request: page, total: total), path: "/market/contracts", query: filters.list.pagerQuery),
            staff: staff, year: String(year), output: Money(fen: t.output).display, absorbed: Money(fen: t.absorbed).display,
            filters: filters.list.kept, exportQuery: filters.list.exportQuery,
            types: ContractType.allCases.map { .init(value: $0.rawValue, label: req.t("contract_type_\($0.rawValue)")) }, fields: req.fieldOptions())).encodeResponse(for: req)
    }

    func formContent(_ req: Request, state: FormState) async throws -> FormContent {
        let staff = req.currentUser?.role.isStaff ?? false
        let org = staff ? nil : try? await req.listingOrganization()
        return FormContent(form: state, types: ContractType.allCases.map { .init(value: $0.rawValue, label: req.t("contract_type_\($0.rawValue)")) },
                           fields: req.fieldOptions(), staff: staff, sellerName: org?.name ?? "", sellerRegion: org?.bannerCode ?? "")
    }

    @Sendable func newForm(req: Request) async throws -> View {
        if !(req.currentUser?.role.isStaff ?? false) { _ = try await req.listingOrganization() }
        return try await req.page("market/contract-form", titleKey: "contract_new", content: formContent(req, state: FormState(values: ["type": "development"])), forms: true)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let me = try req.requireUser()
        let input = try InputReader(req, allowed: Set(ContractDraft.fieldNames + Self.extraFields))
        do {
            var values = input.values
            var links = ContractStore.Links()
            // A member registers as the seller; only the registration office (staff) registers for others.
            if !me.role.isStaff {
                let org = try await req.listingOrganization()
                values["seller_name"] = org.name
                links.sellerOrgID = org.id
            } else if let name = values["seller_name"], let org = try await OrganizationRecord.query(on: req.db).filter(\.$name == name).first() {
                links.sellerOrgID = org.id
            }
            let today = req.today
            let draft = try Result { () throws(ValidationErrors) in try ContractDraft.parse(values, today: today) }.get()
            links.buyerOrgID = try await OrganizationRecord.query(on: req.db).filter(\.$name == draft.buyerName).first()?.id
            var v = Validator()
            if let raw = values["achievement_id"], !raw.isEmpty {
                if let id = UUID(uuidString: raw), try await AchievementRecord.find(id, on: req.db) != nil { links.achievementID = id } else { v.add(.invalid("achievement_id", "market.unknown_listing")) }
            }
            if let raw = values["demand_id"], !raw.isEmpty {
                if let id = UUID(uuidString: raw), try await DemandRecord.find(id, on: req.db) != nil { links.demandID = id } else { v.add(.invalid("demand_id", "market.unknown_listing")) }
            }
            if let raw = values["broker"], !raw.isEmpty {
                if let u = try await req.accounts.user(username: raw), u.role == .broker { links.brokerID = u.id } else { v.add(.invalid("broker", "market.unknown_broker")) }
            }
            try v.throwIfAny()
            let c = try await ContractStore(db: req.db).register(draft, links: links, base: try req.services.rules.require(), actor: req.actor)
            if req.isAPI {
                let res = Response(status: .created)
                try res.content.encode(["id": c.id!.uuidString, "registrationNumber": c.registrationNumber])
                return res
            }
            req.flash("flash_contract_registered")
            return req.redirect(to: "/market/contracts/\(c.id!.uuidString)", redirectType: .normal)
        } catch let e where !req.isAPI && (e is ValidationErrors || (e as? DomainError).map { $0.kind == .invalidInput || $0.kind == .conflict } == true) {
            let status: HTTPResponseStatus = (e as? DomainError)?.kind == .conflict ? .conflict : .unprocessableEntity
            let view = try await req.page("market/contract-form", titleKey: "contract_new", content: formContent(req, state: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req, status: status)
        }
    }

    @Sendable func show(req: Request) async throws -> View {
        let me = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self), let c = try await TechContractRecord.find(id, on: req.db) else { throw DomainError.notFound("contract") }
        let mine = try await req.accounts.organizationIDs(of: me.id)
        guard me.role.isStaff || c.sellerOrgID.map(mine.contains) == true || c.buyerOrgID.map(mine.contains) == true else { throw DomainError.notFound("contract") }
        var subsidy: String?
        var note = ""
        if let seller = c.sellerOrgID, let org = try await OrganizationRecord.find(seller, on: req.db), let kind = org.kind.entityKind {
            // The art. 12 subsidy is computed on the seller's technical income registered in the contract's registration year.
            let year = c.registrationYear ?? ChinaTime.civil(req.now).year
            let income = try await TechContractRecord.registered(in: year, on: req.db).filter(\.$sellerOrgID == seller).all()
                .reduce(Int64(0)) { $0 + $1.technicalIncomeFen }
            let report = MatchReport.run(base: try req.services.rules.require(), entity: kind, date: Day("\(year)-12-31")!,
                                         inputs: ["tech_contract_income": .num(.fen(income))]).only("tech_transaction_subsidy")
            if let item = report.items.first, item.outcome.status == .eligible, let fen = try? item.outcome.amount?.fen() {
                subsidy = Money(fen: fen).display
                note = req.t("contract_subsidy_note", ["year": String(year), "income": Money(fen: income).display]) + (item.trace.provisional ? " " + req.t("provisional_mark") : "")
            }
        }
        let achievement = try await c.achievementID.asyncMap { try await AchievementRecord.find($0, on: req.db)?.title } ?? nil
        let broker = try await c.brokerID.asyncMap { try await UserRecord.find($0, on: req.db)?.displayName } ?? nil
        let facts: [InstrumentPage.Fact] = [
            .init(label: req.t("export_registration_number"), value: c.registrationNumber), .init(label: req.t("export_contract_number"), value: c.contractNumber),
            .init(label: req.t("export_type"), value: req.t("contract_type_\(c.type)")), .init(label: req.t("export_field"), value: req.t("field_\(c.field)")),
            .init(label: req.t("export_seller"), value: "\(c.sellerName)（\(c.sellerRegion)）"), .init(label: req.t("export_buyer"), value: "\(c.buyerName)（\(c.buyerRegion)）"),
            .init(label: req.t("export_total_yuan"), value: Money(fen: c.totalFen).display), .init(label: req.t("export_income_yuan"), value: Money(fen: c.technicalIncomeFen).display),
            .init(label: req.t("export_signed_on"), value: c.signedOn), .init(label: req.t("contract_achievement"), value: achievement ?? "—"),
            .init(label: req.t("contract_broker"), value: broker ?? "—"),
            .init(label: req.t("contract_side"), value: [ContractDraft.isOrdos(c.sellerRegion) ? req.t("contract_output") : nil,
                                                         ContractDraft.isOrdos(c.buyerRegion) ? req.t("contract_absorbed") : nil].compactMap { $0 }.joined(separator: "、")),
        ]
        return try await req.page("market/contract", titleKey: "contract_title", titleArgs: ["title": c.title], content: ShowContent(facts: facts, subsidy: subsidy, subsidyNote: note))
    }
}
