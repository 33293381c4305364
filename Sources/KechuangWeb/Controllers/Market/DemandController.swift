import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Demands (企业出题): the enterprise drafts and submits; staff publish; the page shows the best achievements and
/// the institutions holding relevant results, each with its reasons, and lets the enterprise or a broker ask for a
/// connection. Confidential parts are shown only to the owner, staff and brokers.
struct DemandController {
    struct FormContent: Encodable {
        let action: String
        let form: FormState
        let fields: [RegistrationController.Option]
        let levels: [RegistrationController.Option]
    }

    struct ShowContent: Encodable {
        let id: String
        let title: String
        let owner: String
        let status: String
        let statusLabel: String
        let reviewNote: String
        let facts: [InstrumentPage.Fact]
        let problem: String?
        let expected: String
        let isOwner: Bool
        let staff: Bool
        let canConnect: Bool
        let canChallenge: Bool
        let matches: [MatchView]
        let holders: [HolderView]
        let connected: [String]
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "market", "demands", "new", access: .signedIn, use: newForm)
        r.on(.POST, "market", "demands", access: .signedIn, use: create)
        r.on(.GET, "market", "demands", ":id", access: .everyone, use: show)
        r.on(.GET, "market", "demands", ":id", "edit", access: .signedIn, use: editForm)
        r.on(.POST, "market", "demands", ":id", "edit", access: .signedIn, use: update)
        r.on(.POST, "market", "demands", ":id", "status", access: .signedIn, use: move)
    }

    static func values(_ d: DemandRecord) -> [String: String] {
        ["title": d.title, "problem": d.problem, "expected": d.expected, "field": d.field, "budget": Money(fen: d.budgetFen).plainYuan, "deadline": d.deadline,
         "min_trl": String(d.minTRL), "confidentiality": d.confidentiality]
    }

    func form(_ req: Request, action: String, state: FormState) -> FormContent {
        FormContent(action: action, form: state, fields: req.fieldOptions(),
                    levels: Confidentiality.allCases.map { .init(value: $0.rawValue, label: req.t("confidentiality_\($0.rawValue)")) })
    }

    static func parse(_ values: [String: String], today: Day) throws -> DemandDraft {
        return try Result { () throws(ValidationErrors) in try DemandDraft.parse(values, today: today) }.get()
    }

    @Sendable func newForm(req: Request) async throws -> View {
        _ = try await req.listingOrganization()
        return try await req.page("market/demand-form", titleKey: "demand_new", content: form(req, action: "/market/demands",
                                  state: FormState(values: ["min_trl": "5", "confidentiality": "public"])), forms: true)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let org = try await req.listingOrganization()
        let input = try InputReader(req, allowed: Set(DemandDraft.fieldNames))
        do {
            let d = try await ListingStore(db: req.db).saveDemand(try Self.parse(input.values, today: req.today), existing: nil, organizationID: org.id!, actor: req.actor)
            req.marketCatalog.markDirty()
            req.flash("flash_listing_saved")
            return req.redirect(to: "/market/demands/\(d.id!.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let view = try await req.page("market/demand-form", titleKey: "demand_new", content: form(req, action: "/market/demands",
                                          state: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    func owned(_ req: Request) async throws -> DemandRecord {
        let d = try await req.demand()
        guard try await req.ownsOrganization(d.organizationID) else { throw DomainError.notFound("demand") }
        return d
    }

    @Sendable func editForm(req: Request) async throws -> View {
        let d = try await owned(req)
        return try await req.page("market/demand-form", titleKey: "demand_edit", content: form(req, action: "/market/demands/\(d.id!.uuidString)/edit",
                                  state: FormState(values: Self.values(d))), forms: true)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let d = try await owned(req)
        let input = try InputReader(req, allowed: Set(DemandDraft.fieldNames))
        do {
            _ = try await ListingStore(db: req.db).saveDemand(try Self.parse(input.values, today: req.today), existing: d, organizationID: d.organizationID, actor: req.actor)
            req.marketCatalog.markDirty()
            req.flash("flash_listing_saved")
            return req.redirect(to: "/market/demands/\(d.id!.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let view = try await req.page("market/demand-form", titleKey: "demand_edit", content: form(req, action: "/market/demands/\(d.id!.uuidString)/edit",
                                          state: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    @Sendable func move(req: Request) async throws -> Response {
        let d = try await req.demand()
        return try await ListingMoves.handle(req, d, page: "/market/demands/\(d.id!.uuidString)")
    }

    /// The demand as the matcher sees it (built from the record, so confidential and unpublished demands can be
    /// matched for their owner, staff and brokers too).
    static func listing(_ d: DemandRecord, ownerName: String, banner: String?) -> MarketMatcher.Listing {
        .init(id: d.id!, title: d.title, text: d.problem + " " + d.expected, field: PriorityField(rawValue: d.field) ?? .other, trl: d.minTRL, banner: banner,
              ownerID: d.organizationID, ownerName: ownerName)
    }

    @Sendable func show(req: Request) async throws -> View {
        let d = try await req.demand()
        let isOwner = try await req.ownsOrganization(d.organizationID)
        let staff = req.currentUser?.role.isStaff ?? false, broker = req.currentUser?.role == .broker
        let confidential = d.confidentiality == Confidentiality.confidential.rawValue
        guard try await req.mayView(status: d.status, organizationID: d.organizationID), !confidential || isOwner || staff || broker else {
            throw DomainError.notFound("demand")
        }
        let insider = isOwner || staff || broker
        let owner = try await OrganizationRecord.find(d.organizationID, on: req.db)
        var matches: [MatchView] = [], holders: [HolderView] = []
        if insider {
            try await req.marketCatalog.refresh(on: req.db)
            let l = Self.listing(d, ownerName: owner?.name ?? "", banner: owner?.bannerCode)
            matches = req.marketCatalog.achievements(for: l, limit: 10).map { MatchView($0, req: req) }
            holders = req.marketCatalog.holders(for: l).map(HolderView.init)
        }
        let connected = try await MarketMatchRecord.query(on: req.db).filter(\.$demandID == d.id!).all().map { $0.achievementID.uuidString }
        let facts: [InstrumentPage.Fact] = [
            .init(label: req.t("market_field"), value: req.t("field_\(d.field)")), .init(label: req.t("market_budget"), value: Money(fen: d.budgetFen).display),
            .init(label: req.t("market_deadline"), value: d.deadline), .init(label: req.t("market_min_trl"), value: "\(d.minTRL) · " + req.t("trl_\(d.minTRL)")),
            .init(label: req.t("market_confidentiality"), value: req.t("confidentiality_\(d.confidentiality)")),
        ]
        return try await req.page("market/demand", titleKey: "demand_title", titleArgs: ["title": d.title], content: ShowContent(
            id: d.id!.uuidString, title: d.title, owner: owner?.name ?? "", status: d.status, statusLabel: req.t("listing_\(d.status)"), reviewNote: d.reviewNote,
            facts: facts, problem: d.confidentiality == Confidentiality.public.rawValue || insider ? d.problem : nil, expected: d.expected,
            isOwner: isOwner, staff: staff, canConnect: (isOwner || broker) && d.status == ListingStatus.published.rawValue,
            canChallenge: staff && d.status == ListingStatus.published.rawValue, matches: matches, holders: holders, connected: connected), forms: true)
    }
}
