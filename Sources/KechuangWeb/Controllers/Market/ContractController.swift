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

        var store: ContractStore.ContractFilter {
            .init(text: q, year: year, type: type, field: field, side: side.flatMap(ContractStore.ContractFilter.Side.init))
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
        let filters = try Filters(req)
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20)
        let exporting = (try? req.query.get(String.self, at: "format")) != nil
        let (rows, total) = try await req.contracts.contracts(userID: me.id, staff: staff, filter: filters.store, page: exporting ? nil : page)
        if let file = try ListExport.response(req, name: "contracts", header: ["registration_number", "contract_number", "title", "type", "field", "seller", "seller_region",
                                                                              "buyer", "buyer_region", "total_yuan", "income_yuan", "signed_on"].map { req.t("export_\($0)") },
                                              rows: rows.map { [$0.registrationNumber, $0.contractNumber, $0.title, req.t("contract_type_\($0.type)"), req.t("field_\($0.field)"),
                                                                $0.sellerName, $0.sellerRegion, $0.buyerName, $0.buyerRegion, Money(fen: $0.totalFen).plainYuan,
                                                                Money(fen: $0.technicalIncomeFen).plainYuan, $0.signedOn] }) { return file }
        let year = filters.year ?? ChinaTime.civil(req.now).year
        let t = try await req.contracts.turnover(year: year)
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
            // A member registers as the seller; only the registration office (staff) registers for others.
            let seller = me.role.isStaff ? nil : try await req.listingOrganization()
            let c = try await req.contracts.registerForm(input.values, seller: seller, today: req.today, base: try req.services.rules.require(),
                                                         now: req.now, actor: req.actor)
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
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("contract") }
        let (c, achievement, broker) = try await req.contracts.contract(id, userID: me.id, staff: me.role.isStaff)
        var subsidy: String?
        var note = ""
        if let s = try await req.contracts.contractSubsidy(c, base: try req.services.rules.require(), now: req.now) {
            subsidy = s.amount.display
            note = req.t("contract_subsidy_note", ["year": String(s.year), "income": s.income.display]) + (s.provisional ? " " + req.t("provisional_mark") : "")
        }
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
