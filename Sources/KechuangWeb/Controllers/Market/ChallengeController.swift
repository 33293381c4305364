import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 揭榜挂帅 and 赛马: staff set a challenge from a demand (立题) with criteria, TRL-gated milestones and a panel;
/// institutions bid (答题) until the deadline; the panel scores; staff award the top bid(s) once every score is
/// in; milestone reviews release funds and, in 赛马, eliminate teams.
struct ChallengeController {
    struct ListItem: Encodable {
        let id: String
        let title: String
        let mode: String
        let reward: String
        let deadline: String
        let state: String
        let bids: Int
    }

    struct ListContent: Encodable {
        let rows: [ListItem]
        let pager: Pager
        let staff: Bool
        let filters: [String: String]
        let exportQuery: String
        let modes: [RegistrationController.Option]
        let states: [RegistrationController.Option]
    }

    struct FormContent: Encodable {
        let form: FormState
        let demandID: String
        let modes: [RegistrationController.Option]
    }

    struct ShowContent: Encodable {
        let id: String
        let title: String
        let description: String
        let conditions: String
        let mode: String
        let modeLabel: String
        let reward: String
        let deadline: String
        let state: String
        let stateLabel: String
        let teams: Int
        let criteria: [CriterionView]
        let milestones: [MilestoneView]
        let bids: [BidView]
        let bidCount: Int
        let canBid: Bool
        let onPanel: Bool
        let staff: Bool
        let scoresComplete: Bool
        let canAward: Bool
        let nextMilestone: MilestoneView?
        let form: FormState
        let demandID: String?
    }

    struct CriterionView: Encodable {
        let index: Int
        let name: String
        let weight: Int
    }

    struct MilestoneView: Encodable {
        let index: Int
        let name: String
        let trl: Int
        let share: Int
        let due: String
        let amount: String
        let reviews: [String]
    }

    struct BidView: Encodable {
        let id: String
        let organization: String
        let consortium: String
        let proposal: String
        let claimedTRL: Int
        let budget: String
        let status: String
        let score: String?
        let sheets: Int
        let scoredByMe: Bool
        let mine: Bool
        let active: Bool
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "market", "challenges", access: .everyone, use: list)
        r.on(.GET, "market", "challenges", "new", access: .staff, use: newForm)
        r.on(.POST, "market", "challenges", access: .staff, use: create)
        r.on(.GET, "market", "challenges", ":id", access: .everyone, use: show)
        r.on(.POST, "market", "challenges", ":id", "bids", access: .signedIn, use: bid)
        r.on(.POST, "market", "bids", ":id", "scores", access: .signedIn, use: score)
        r.on(.POST, "market", "challenges", ":id", "award", access: .staff, use: award)
        r.on(.POST, "market", "challenges", ":id", "milestones", access: .staff, use: review)
    }

    static func today(_ req: Request) -> Day { req.today }

    @Sendable func list(req: Request) async throws -> Response {
        var filters = ListFilters(req)
        let text = filters.text("q"), mode = filters.choice("mode", as: ChallengeMode.self), state = filters.choice("state", as: ChallengeState.self)
        try filters.check()
        var q = ChallengeRecord.query(on: req.db).sort(\.$createdAt, .descending).sort(\.$id)
        if let mode { q = q.filter(\.$mode == mode.rawValue) }
        if !text.isEmpty { q = q.filter(\.$title ~~ text) }
        // The state shown depends on today (an open challenge past its deadline is in review), so it filters after the query;
        // the city sets challenges by the dozen, not by the thousand.
        let today = Self.today(req)
        let rows = try await q.all().filter { state == nil || ChallengeStore.state($0, today: today) == state }
        let exporting = (try? req.query.get(String.self, at: "format")) != nil
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20)
        let shown = exporting ? rows : Array(rows.dropFirst(page.offset).prefix(page.per))
        let ids = shown.compactMap(\.id)
        let counts = Dictionary(grouping: try await BidRecord.query(on: req.db).filter(\.$challengeID ~~ ids).all(), by: \.challengeID).mapValues(\.count)
        let items = shown.map { c in
            ListItem(id: c.id!.uuidString, title: c.title, mode: req.t("challenge_mode_\(c.mode)"), reward: Money(fen: c.rewardFen).display, deadline: c.deadline,
                     state: req.t("challenge_state_\(ChallengeStore.state(c, today: today).rawValue)"), bids: counts[c.id!] ?? 0)
        }
        if let file = try ListExport.response(req, name: "challenges", header: ["title", "mode", "reward_yuan", "deadline", "state", "bids"].map { req.t("export_\($0)") },
                                              rows: zip(shown, items).map { c, i in [c.title, i.mode, Money(fen: c.rewardFen).plainYuan, c.deadline, i.state, String(i.bids)] }) {
            return file
        }
        return try await req.page("market/challenges", titleKey: "challenges_title", content: ListContent(
            rows: items, pager: Pager(PagedList(items: items, request: page, total: rows.count), path: "/market/challenges", query: filters.pagerQuery),
            staff: req.currentUser?.role.isStaff ?? false, filters: filters.kept, exportQuery: filters.exportQuery,
            modes: ChallengeMode.allCases.map { .init(value: $0.rawValue, label: req.t("challenge_mode_\($0.rawValue)")) },
            states: ChallengeState.allCases.map { .init(value: $0.rawValue, label: req.t("challenge_state_\($0.rawValue)")) }))
            .encodeResponse(for: req)
    }

    func formContent(_ req: Request, state: FormState, demandID: String) -> FormContent {
        FormContent(form: state, demandID: demandID, modes: ChallengeMode.allCases.map { .init(value: $0.rawValue, label: req.t("challenge_mode_\($0.rawValue)")) })
    }

    @Sendable func newForm(req: Request) async throws -> View {
        var values = ["mode": "jiebang", "teams": "2", "criteria": req.t("challenge_default_criteria"), "milestones": ""]
        var demandID = ""
        if let id = (try? req.query.get(String.self, at: "demand")).flatMap(UUID.init(uuidString:)), let d = try await DemandRecord.find(id, on: req.db) {
            demandID = id.uuidString
            values["title"] = d.title
            values["description"] = d.problem + "\n" + d.expected
            values["reward"] = Money(fen: d.budgetFen).plainYuan
        }
        return try await req.page("market/challenge-form", titleKey: "challenge_new", content: formContent(req, state: FormState(values: values), demandID: demandID), forms: true)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try InputReader(req, allowed: ["title", "description", "conditions", "mode", "reward", "deadline", "criteria", "milestones", "teams", "panel", "demand_id"])
        do {
            let draft = try Result { () throws(ValidationErrors) in try ChallengeDraft.parse(input.values, today: Self.today(req)) }.get()
            var panel: [UUID] = []
            for name in (input["panel"] ?? "").split(whereSeparator: { ",，、 \n".contains($0) }).map(String.init) {
                guard let u = try await req.accounts.user(username: name), u.role == .reviewer || u.role == .admin else {
                    throw DomainError.invalid("panel", "challenge.panel_not_staff", ["name": String(name.prefix(40))])
                }
                panel.append(u.id!)
            }
            if panel.isEmpty { throw DomainError.invalid("panel", "challenge.panel_required") }
            let demandID = input["demand_id"].flatMap(UUID.init(uuidString:))
            let c = try await ChallengeStore(db: req.db).create(draft, demandID: demandID, panel: panel, actor: req.actor)
            req.flash("flash_challenge_created")
            return req.redirect(to: "/market/challenges/\(c.id!.uuidString)", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError)?.kind == .invalidInput {
            let view = try await req.page("market/challenge-form", titleKey: "challenge_new", content: formContent(req, state: try FormState(e, values: input.values, req: req),
                                          demandID: input["demand_id"] ?? ""), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    func challenge(_ req: Request) async throws -> ChallengeRecord {
        guard let id = req.parameters.get("id", as: UUID.self), let c = try await ChallengeRecord.find(id, on: req.db) else { throw DomainError.notFound("challenge") }
        return c
    }

    func content(_ req: Request, _ c: ChallengeRecord, form: FormState = .empty) async throws -> ShowContent {
        let store = ChallengeStore(db: req.db)
        let me = req.currentUser
        let staff = me?.role.isStaff ?? false
        let panel = try await store.panel(c)
        let onPanel = me.map { panel.contains($0.id) } ?? false
        var myOrgs: [UUID] = [], mySheets = Set<UUID>()
        if let me {
            myOrgs = try await req.accounts.organizationIDs(of: me.id)
            mySheets = Set(try await ScoreSheetRecord.query(on: req.db).filter(\.$memberID == me.id).all().map(\.bidID))
        }
        let state = ChallengeStore.state(c, today: Self.today(req))
        let bids = try await BidRecord.query(on: req.db).filter(\.$challengeID == c.id!).sort(\.$createdAt).all()
        let (ranked, complete) = try await store.ranking(c)
        let byBid = Dictionary(ranked.map { ($0.bid, $0) }, uniquingKeysWith: { a, _ in a })
        let orgs = try await MarketCatalog.organizations(req.db, Set(bids.map(\.organizationID)))
        let reviews = try await MilestoneReviewRecord.query(on: req.db).filter(\.$challengeID == c.id!).all()
        let milestones = ChallengeStore.milestones(c)
        let views = milestones.enumerated().map { k, m in
            MilestoneView(index: k, name: m.name, trl: m.trl, share: m.sharePercent, due: m.due.description,
                          amount: ChallengeRules.milestoneAmount(reward: Money(fen: c.rewardFen), milestones: milestones, index: k).display,
                          reviews: reviews.filter { $0.milestoneIndex == k }.map { r in
                              "\(orgs[bids.first { $0.id == r.bidID }?.organizationID ?? UUID()]?.name ?? ""): TRL \(r.reportedTRL) · \(req.t(r.passed ? "challenge_passed" : "challenge_failed")) · \(Money(fen: r.amountFen).display)"
                          })
        }
        let insiders = staff || onPanel
        let bidViews = bids.filter { insiders || myOrgs.contains($0.organizationID) }.map { b in
            BidView(id: b.id!.uuidString, organization: orgs[b.organizationID]?.name ?? "", consortium: b.consortium, proposal: b.proposal, claimedTRL: b.claimedTRL,
                    budget: Money(fen: b.budgetFen).display, status: req.t("bid_status_\(b.status)"), score: insiders ? byBid[b.id!].map { "\($0.total)" } : nil,
                    sheets: byBid[b.id!]?.sheets ?? 0, scoredByMe: mySheets.contains(b.id!), mine: myOrgs.contains(b.organizationID), active: b.status == "selected")
        }.sorted { ($0.score.flatMap { Decimal(string: $0) } ?? -1) > ($1.score.flatMap { Decimal(string: $0) } ?? -1) }
        let next = state == .inProgress ? try await store.nextMilestone(c).map { views[$0] } : nil
        let canBid = state == .open && !myOrgs.isEmpty && !bids.contains { myOrgs.contains($0.organizationID) } && me?.role != .reviewer && me?.role != .admin
        return ShowContent(id: c.id!.uuidString, title: c.title, description: c.description, conditions: c.conditions, mode: c.mode,
                           modeLabel: req.t("challenge_mode_\(c.mode)"), reward: Money(fen: c.rewardFen).display, deadline: c.deadline, state: state.rawValue,
                           stateLabel: req.t("challenge_state_\(state.rawValue)"), teams: c.teams,
                           criteria: ChallengeStore.criteria(c).enumerated().map { CriterionView(index: $0.offset, name: $0.element.name, weight: $0.element.weight) },
                           milestones: views, bids: bidViews, bidCount: bids.count, canBid: canBid, onPanel: onPanel && state == .review, staff: staff,
                           scoresComplete: complete, canAward: staff && state == .review, nextMilestone: next, form: form, demandID: c.demandID?.uuidString)
    }

    @Sendable func show(req: Request) async throws -> View {
        let c = try await challenge(req)
        return try await req.page("market/challenge", titleKey: "challenge_title", titleArgs: ["title": c.title], content: content(req, c), forms: true)
    }

    func rerender(_ req: Request, _ c: ChallengeRecord, _ e: any Error, values: [String: String]) async throws -> Response {
        let status: HTTPResponseStatus = (e as? DomainError)?.kind == .conflict ? .conflict : ((e as? DomainError)?.kind == .forbidden ? .forbidden : .unprocessableEntity)
        let view = try await req.page("market/challenge", titleKey: "challenge_title", titleArgs: ["title": c.title],
                                      content: content(req, c, form: try FormState(e, values: values, req: req)), forms: true)
        return try await .rerender(view, for: req, status: status)
    }

    static func handled(_ e: any Error) -> Bool { e is ValidationErrors || ((e as? DomainError).map { [.invalidInput, .conflict, .forbidden].contains($0.kind) } ?? false) }

    @Sendable func bid(req: Request) async throws -> Response {
        let c = try await challenge(req)
        let input = try InputReader(req, allowed: ["consortium", "proposal", "claimed_trl", "budget"])
        do {
            let org = try await req.listingOrganization()
            var v = Validator()
            let consortium = v.text("consortium", input["consortium"], max: 500, required: false) ?? ""
            let proposal = v.text("proposal", input["proposal"], min: 20, max: 5000) ?? ""
            let trl = v.integer("claimed_trl", input["claimed_trl"], 1...9) ?? 1
            let budget = v.money("budget", input["budget"], positive: true) ?? .zero
            try v.throwIfAny()
            _ = try await ChallengeStore(db: req.db).bid(c, organizationID: org.id!, consortium: consortium, proposal: proposal, claimedTRL: trl, budget: budget,
                                                         actor: req.actor, today: Self.today(req))
            req.flash("flash_bid_submitted")
            return req.redirect(to: "/market/challenges/\(c.id!.uuidString)", redirectType: .normal)
        } catch let e where Self.handled(e) {
            return try await rerender(req, c, e, values: input.values)
        }
    }

    @Sendable func score(req: Request) async throws -> Response {
        let me = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self), let b = try await BidRecord.find(id, on: req.db),
              let c = try await ChallengeRecord.find(b.challengeID, on: req.db) else { throw DomainError.notFound("bid") }
        let criteria = ChallengeStore.criteria(c)
        let input = try InputReader(req, allowed: Set(criteria.indices.map { "score_\($0)" } + ["comment"]))
        do {
            var v = Validator()
            var scores: [String: Int] = [:]
            for (k, cr) in criteria.enumerated() { if let s = v.integer("score_\(k)", input["score_\(k)"], 0...100) { scores[cr.name] = s } }
            let comment = v.text("comment", input["comment"], max: 1000, required: false) ?? ""
            try v.throwIfAny()
            try await ChallengeStore(db: req.db).score(c, bid: b, member: me.id, scores: scores, comment: comment, actor: req.actor, today: Self.today(req))
            req.flash("flash_score_saved")
            return req.redirect(to: "/market/challenges/\(c.id!.uuidString)", redirectType: .normal)
        } catch let e where Self.handled(e) {
            return try await rerender(req, c, e, values: input.values)
        }
    }

    @Sendable func award(req: Request) async throws -> Response {
        let c = try await challenge(req)
        _ = try InputReader(req, allowed: [])
        do {
            _ = try await ChallengeStore(db: req.db).award(c, actor: req.actor, today: Self.today(req))
            req.flash("flash_challenge_awarded")
            return req.redirect(to: "/market/challenges/\(c.id!.uuidString)", redirectType: .normal)
        } catch let e where Self.handled(e) {
            return try await rerender(req, c, e, values: [:])
        }
    }

    /// Form fields: trl_<bid id> (the team's shown readiness) and pass_<bid id>=true for every team still in.
    @Sendable func review(req: Request) async throws -> Response {
        let c = try await challenge(req)
        let active = try await BidRecord.query(on: req.db).filter(\.$challengeID == c.id!).filter(\.$status == "selected").all()
        let input = try InputReader(req, allowed: Set(active.flatMap { ["trl_\($0.id!.uuidString)", "pass_\($0.id!.uuidString)"] } + ["note"]))
        do {
            var v = Validator()
            var reports: [UUID: Int] = [:], passing = Set<UUID>()
            for b in active {
                if let t = v.integer("trl_\(b.id!.uuidString)", input["trl_\(b.id!.uuidString)"], 1...9) { reports[b.id!] = t }
                if input["pass_\(b.id!.uuidString)"] == "true" { passing.insert(b.id!) }
            }
            let note = v.text("note", input["note"], min: 2, max: 1000) ?? ""
            try v.throwIfAny()
            try await ChallengeStore(db: req.db).review(c, reports: reports, passing: passing, note: note, actor: req.actor)
            req.flash("flash_milestone_reviewed")
            return req.redirect(to: "/market/challenges/\(c.id!.uuidString)", redirectType: .normal)
        } catch let e where Self.handled(e) {
            return try await rerender(req, c, e, values: input.values)
        }
    }
}
