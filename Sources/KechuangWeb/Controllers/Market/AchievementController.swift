import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Achievements (科技成果): the owner drafts, edits and submits; staff publish or reject; the page shows the best
/// demands for it with reasons and the connection requests waiting for the owner.
struct AchievementController {
    struct FormContent: Encodable {
        let action: String
        let form: FormState
        let fields: [RegistrationController.Option]
        let modes: [RegistrationController.Option]
    }

    struct ShowContent: Encodable {
        let id: String
        let title: String
        let owner: String
        let ownerID: String
        let status: String
        let statusLabel: String
        let reviewNote: String
        let facts: [InstrumentPage.Fact]
        let abstract: String
        let isOwner: Bool
        let staff: Bool
        let matches: [MatchView]
        let requests: [Request_]
    }

    struct Request_: Encodable {
        let id: String
        let demandID: String
        let demand: String
        let broker: String?
        let status: String
        let note: String
        let pending: Bool
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "market", "achievements", "new", access: .signedIn, use: newForm)
        r.on(.POST, "market", "achievements", access: .signedIn, use: create)
        r.on(.GET, "market", "achievements", ":id", access: .everyone, use: show)
        r.on(.GET, "market", "achievements", ":id", "edit", access: .signedIn, use: editForm)
        r.on(.POST, "market", "achievements", ":id", "edit", access: .signedIn, use: update)
        r.on(.POST, "market", "achievements", ":id", "status", access: .signedIn, use: move)
    }

    /// The achievement as the matcher sees it, built from the record.
    static func listing(_ a: AchievementRecord, ownerName: String, banner: String?) -> MarketMatcher.Listing {
        .init(id: a.id!, title: a.title, text: a.keywords + " " + a.abstract, field: PriorityField(rawValue: a.field) ?? .other, trl: a.trl, banner: banner,
              ownerID: a.organizationID, ownerName: ownerName)
    }

    static func values(_ a: AchievementRecord) -> [String: String] {
        ["title": a.title, "abstract": a.abstract, "keywords": a.keywords, "field": a.field, "trl": String(a.trl), "patents": a.patents, "modes": a.modes,
         "price": a.priceFen.map { Money(fen: $0).plainYuan } ?? "", "negotiable": a.priceFen == nil ? "true" : "", "contact_name": a.contactName,
         "contact_phone": a.contactPhone]
    }

    func form(_ req: Request, action: String, state: FormState) -> FormContent {
        FormContent(action: action, form: state, fields: req.fieldOptions(), modes: CooperationMode.allCases.map { .init(value: $0.rawValue, label: req.t("mode_\($0.rawValue)")) })
    }

    @Sendable func newForm(req: Request) async throws -> View {
        _ = try await req.listingOrganization()
        return try await req.page("market/achievement-form", titleKey: "achievement_new", content: form(req, action: "/market/achievements", state: FormState(values: ["trl": "5"])), forms: true)
    }

    static func parse(_ values: [String: String]) throws -> AchievementDraft {
        try Result { () throws(ValidationErrors) in try AchievementDraft.parse(values) }.get()
    }

    @Sendable func create(req: Request) async throws -> Response {
        let org = try await req.listingOrganization()
        let input = try InputReader(req, allowed: Set(AchievementDraft.fieldNames))
        do {
            let me = try req.requireUser()
            let a = try await ListingStore(db: req.db).saveAchievement(try Self.parse(input.values), existing: nil, organizationID: org.id!,
                                                                       brokerID: me.role == .broker ? me.id : nil, actor: req.actor)
            req.marketCatalog.markDirty()
            req.flash("flash_listing_saved")
            return req.redirect(to: "/market/achievements/\(a.id!.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let view = try await req.page("market/achievement-form", titleKey: "achievement_new", content: form(req, action: "/market/achievements",
                                          state: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    /// The achievement if the user belongs to its owner (404 otherwise, so drafts cannot be probed).
    func owned(_ req: Request) async throws -> AchievementRecord {
        let a = try await req.achievement()
        guard try await req.ownsOrganization(a.organizationID) else { throw DomainError.notFound("achievement") }
        return a
    }

    @Sendable func editForm(req: Request) async throws -> View {
        let a = try await owned(req)
        return try await req.page("market/achievement-form", titleKey: "achievement_edit", content: form(req, action: "/market/achievements/\(a.id!.uuidString)/edit",
                                  state: FormState(values: Self.values(a))), forms: true)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let a = try await owned(req)
        let input = try InputReader(req, allowed: Set(AchievementDraft.fieldNames))
        do {
            _ = try await ListingStore(db: req.db).saveAchievement(try Self.parse(input.values), existing: a, organizationID: a.organizationID, brokerID: nil, actor: req.actor)
            req.marketCatalog.markDirty()
            req.flash("flash_listing_saved")
            return req.redirect(to: "/market/achievements/\(a.id!.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let view = try await req.page("market/achievement-form", titleKey: "achievement_edit", content: form(req, action: "/market/achievements/\(a.id!.uuidString)/edit",
                                          state: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    @Sendable func move(req: Request) async throws -> Response {
        let a = try await req.achievement()
        return try await ListingMoves.handle(req, a, page: "/market/achievements/\(a.id!.uuidString)")
    }

    @Sendable func show(req: Request) async throws -> View {
        let a = try await req.achievement()
        guard try await req.mayView(status: a.status, organizationID: a.organizationID) else { throw DomainError.notFound("achievement") }
        let owner = try await OrganizationRecord.find(a.organizationID, on: req.db)
        let isOwner = try await req.ownsOrganization(a.organizationID)
        let staff = req.currentUser?.role.isStaff ?? false
        var matches: [MatchView] = []
        try await req.marketCatalog.refresh(on: req.db)
        if req.currentUser != nil {
            matches = req.marketCatalog.demands(for: Self.listing(a, ownerName: owner?.name ?? "", banner: owner?.bannerCode), limit: 10).map { MatchView($0, req: req) }
        }
        var requests: [Request_] = []
        if isOwner || staff {
            let rs = try await MarketMatchRecord.query(on: req.db).filter(\.$achievementID == a.id!).sort(\.$createdAt, .descending).all()
            let demands = Dictionary(try await DemandRecord.query(on: req.db).filter(\.$id ~~ rs.map(\.demandID)).all().map { ($0.id!, $0.title) }, uniquingKeysWith: { x, _ in x })
            let brokers = try await req.instrumentStore.userNames(Set(rs.compactMap(\.brokerID)))
            requests = rs.map { Request_(id: $0.id!.uuidString, demandID: $0.demandID.uuidString, demand: demands[$0.demandID] ?? "", broker: $0.brokerID.flatMap { brokers[$0] },
                                         status: req.t("match_status_\($0.status)"), note: $0.note, pending: $0.status == "requested") }
        }
        let modes = a.modes.split(separator: ",").map { req.t("mode_\($0)") }.joined(separator: "、")
        let facts: [InstrumentPage.Fact] = [
            .init(label: req.t("market_field"), value: req.t("field_\(a.field)")), .init(label: "TRL", value: "\(a.trl) · " + req.t("trl_\(a.trl)")),
            .init(label: req.t("market_modes"), value: modes), .init(label: req.t("market_price"), value: a.priceFen.map { Money(fen: $0).display } ?? req.t("market_negotiable")),
            .init(label: req.t("market_patents"), value: a.patents.isEmpty ? "—" : a.patents), .init(label: req.t("market_keywords"), value: a.keywords.isEmpty ? "—" : a.keywords),
            .init(label: req.t("market_contact"), value: req.currentUser == nil ? req.t("market_contact_signin") : "\(a.contactName) \(a.contactPhone)"),
        ]
        return try await req.page("market/achievement", titleKey: "achievement_title", titleArgs: ["title": a.title], content: ShowContent(
            id: a.id!.uuidString, title: a.title, owner: owner?.name ?? "", ownerID: a.organizationID.uuidString, status: a.status,
            statusLabel: req.t("listing_\(a.status)"), reviewNote: a.reviewNote, facts: facts, abstract: a.abstract, isOwner: isOwner, staff: staff,
            matches: matches, requests: requests), forms: true)
    }
}
