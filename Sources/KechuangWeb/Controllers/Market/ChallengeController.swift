import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 揭榜挂帅 and 赛马: staff set a challenge from a demand (立题) with criteria, TRL-gated milestones and a panel;
/// institutions bid (答题) until the deadline; the panel scores; staff award the top bid(s) once every score is
/// in; milestone reviews release funds and, in 赛马, eliminate teams.
struct ChallengeController {
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

    @Sendable func list(req: Request) async throws -> Response {
        var filters = ListFilters(req)
        let filter = ChallengeStore.Filter(text: filters.text("q"), mode: filters.choice("mode", as: ChallengeMode.self),
                                           state: filters.choice("state", as: ChallengeState.self))
        try filters.check()
        let exporting = (try? req.query.get(String.self, at: "format")) != nil
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20)
        let rows = try await req.challenges.list(filter, page: exporting ? nil : page, today: req.today)
        let items = rows.items.map { Self.listItem($0, req: req) }
        if let file = try ListExport.response(req, name: "challenges", header: ["title", "mode", "reward_yuan", "deadline", "state", "bids"].map { req.t("export_\($0)") },
                                              rows: zip(rows.items, items).map { r, i in
                                                  [r.challenge.title, i.mode, Money(fen: r.challenge.rewardFen).plainYuan, r.challenge.deadline, i.state, String(i.bids)]
                                              }) {
            return file
        }
        return try await req.page("market/challenges", titleKey: "challenges_title", content: ListContent(
            rows: items, pager: Pager(PagedList(items: items, request: page, total: rows.total), path: "/market/challenges", query: filters.pagerQuery),
            staff: req.currentUser?.role.isStaff ?? false, filters: filters.kept, exportQuery: filters.exportQuery, modes: Self.modes(req),
            states: ChallengeState.allCases.map { .init(value: $0.rawValue, label: req.t("challenge_state_\($0.rawValue)")) }))
            .encodeResponse(for: req)
    }

    func formContent(_ req: Request, state: FormState, demandID: String) -> FormContent {
        FormContent(form: state, demandID: demandID, modes: Self.modes(req))
    }

    @Sendable func newForm(req: Request) async throws -> View {
        var values = ["mode": "jiebang", "teams": "2", "criteria": req.t("challenge_default_criteria"), "milestones": ""]
        var demandID = ""
        if let id = (try? req.query.get(String.self, at: "demand")).flatMap(UUID.init(uuidString:)), let d = try await req.challenges.demand(id) {
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
            let draft = try Result { () throws(ValidationErrors) in try ChallengeDraft.parse(input.values, today: req.today) }.get()
            let panel = try await req.challenges.panel(names: input["panel"] ?? "")
            let demandID = input["demand_id"].flatMap(UUID.init(uuidString:))
            let c = try await req.challenges.create(draft, demandID: demandID, panel: panel, actor: req.actor)
            req.flash("flash_challenge_created")
            return req.redirect(to: "/market/challenges/\(c.id!.uuidString)", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError)?.kind == .invalidInput {
            let view = try await req.page("market/challenge-form", titleKey: "challenge_new", content: formContent(req, state: try FormState(e, values: input.values, req: req),
                                          demandID: input["demand_id"] ?? ""), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    func challenge(_ req: Request) async throws -> ChallengeRecord {
        guard let id = req.parameters.get("id", as: UUID.self), let c = try await req.challenges.challenge(id) else { throw DomainError.notFound("challenge") }
        return c
    }

    func content(_ req: Request, _ c: ChallengeRecord, form: FormState = .empty) async throws -> ShowContent {
        let page = try await req.challenges.page(c, viewer: req.currentUser.map { ($0.id, $0.role) }, today: req.today)
        return Self.show(page, req: req, form: form)
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
            _ = try await req.challenges.bid(c, organizationID: org.id!, consortium: consortium, proposal: proposal, claimedTRL: trl, budget: budget,
                                                         actor: req.actor, today: req.today)
            req.flash("flash_bid_submitted")
            return req.redirect(to: "/market/challenges/\(c.id!.uuidString)", redirectType: .normal)
        } catch let e where Self.handled(e) {
            return try await rerender(req, c, e, values: input.values)
        }
    }

    @Sendable func score(req: Request) async throws -> Response {
        let me = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self), let found = try await req.challenges.bidWithChallenge(id) else { throw DomainError.notFound("bid") }
        let (b, c) = found
        let criteria = ChallengeStore.criteria(c)
        let input = try InputReader(req, allowed: Set(criteria.indices.map { "score_\($0)" } + ["comment"]))
        do {
            var v = Validator()
            var scores: [String: Int] = [:]
            for (k, cr) in criteria.enumerated() { if let s = v.integer("score_\(k)", input["score_\(k)"], 0...100) { scores[cr.name] = s } }
            let comment = v.text("comment", input["comment"], max: 1000, required: false) ?? ""
            try v.throwIfAny()
            try await req.challenges.score(c, bid: b, member: me.id, scores: scores, comment: comment, actor: req.actor, today: req.today)
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
            _ = try await req.challenges.award(c, actor: req.actor, today: req.today)
            req.flash("flash_challenge_awarded")
            return req.redirect(to: "/market/challenges/\(c.id!.uuidString)", redirectType: .normal)
        } catch let e where Self.handled(e) {
            return try await rerender(req, c, e, values: [:])
        }
    }

    /// Form fields: trl_<bid id> (the team's shown readiness) and pass_<bid id>=true for every team still in.
    @Sendable func review(req: Request) async throws -> Response {
        let c = try await challenge(req)
        let active = try await req.challenges.activeBids(c)
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
            try await req.challenges.review(c, reports: reports, passing: passing, note: note, actor: req.actor)
            req.flash("flash_milestone_reviewed")
            return req.redirect(to: "/market/challenges/\(c.id!.uuidString)", redirectType: .normal)
        } catch let e where Self.handled(e) {
            return try await rerender(req, c, e, values: input.values)
        }
    }
}
