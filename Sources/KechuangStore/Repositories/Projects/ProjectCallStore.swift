import FluentKit
import Foundation
import KechuangCore

/// Calls (项目指南): published by staff, optionally from an enterprise demand (企业出题 → 政府立题); 揭榜挂帅 and 赛马
/// calls are set up as market challenges (bids, panel, award and milestones are the market's). After the review the
/// staff publish the 立项公示, open to objections for the call's objection period.
public struct ProjectCallStore: Sendable {
    let db: any Database
    public init(db: any Database) { self.db = db }

    struct Snapshot: Codable {
        let title: String, selectionMode: String, fundingMode: String, ceiling: String, deadline: String, state: String
        let demand: String?, challenge: String?, publicityFrom: String?, publicityUntil: String?
        init(_ c: ProjectCallRecord) {
            title = c.title; selectionMode = c.selectionMode; fundingMode = c.fundingMode; ceiling = c.ceiling.plainYuan; deadline = c.deadline
            state = c.state; demand = c.demandID?.uuidString; challenge = c.challengeID?.uuidString; publicityFrom = c.publicityFrom
            publicityUntil = c.publicityUntil
        }
    }

    /// Publishes a call. A challenge-mode call needs `challenge` (the market's challenge text) and a panel.
    public func create(_ d: CallDraft, demandID: UUID?, challenge: ChallengeDraft?, panel: [UUID], directedTo: UUID? = nil, now: Date = Date(),
                       actor: Actor) async throws -> ProjectCallRecord {
        if let id = demandID, try await DemandRecord.find(id, on: db) == nil { throw ValidationErrors([.invalid("demand", "project.demand_unknown")]) }
        // 定向委托 names its organisation; other modes name none.
        if d.selection == .directed, directedTo == nil { throw ValidationErrors([.invalid("directed_to", "field.required")]) }
        if d.selection != .directed, directedTo != nil { throw ValidationErrors([.invalid("directed_to", "project.directed_only")]) }
        var challengeID: UUID?
        if d.selection.isChallenge {
            guard var ch = challenge else { throw ValidationErrors([.invalid("selection_mode", "project.challenge_text_required")]) }
            ch.mode = d.selection == .saima ? .saima : .jiebang
            challengeID = try await ChallengeStore(db: db).create(ch, demandID: demandID, panel: panel, actor: actor).id
        }
        let c = ProjectCallRecord()
        c.title = d.title
        c.programme = d.programme
        c.summary = d.summary
        c.fields = d.fields.map(\.rawValue).joined(separator: ",")
        c.selectionMode = d.selection.rawValue
        c.fundingMode = d.funding.rawValue
        c.ceilingFen = d.ceiling.fen
        c.allowedKinds = d.allowedKinds.joined(separator: ",")
        c.opensOn = d.opensOn.description
        c.deadline = d.deadline.description
        c.expertsPerApplication = d.expertsPerApplication
        c.maxExpertLoad = d.maxExpertLoad
        c.criteria = d.criteria.map { "\($0.name):\($0.weight)" }.joined(separator: "\n")
        c.objectionDays = d.objectionDays
        c.demandID = demandID
        c.directedTo = directedTo
        c.challengeID = challengeID
        c.state = "open"
        c.createdByName = actor.name
        c.createdAt = now
        try await db.transaction { tx in
            try await c.create(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "project_call.create", entityType: "project_call", entityID: c.id!.uuidString,
                                        before: Optional<Snapshot>.none, after: Snapshot(c))
        }
        return c
    }

    public func find(_ id: UUID) async throws -> ProjectCallRecord? { try await ProjectCallRecord.find(id, on: db) }

    public struct Filter: Sendable {
        public var selection: SelectionMode?
        public var field: PriorityField?
        public var openOnly = false
        public init() {}
    }

    /// Newest first; `openOnly` keeps calls still taking applications on `today`.
    public func list(_ f: Filter, page: PageQuery, today: Day) async throws -> PagedList<ProjectCallRecord> {
        let q = ProjectCallRecord.query(on: db)
        if let s = f.selection { q.filter(\.$selectionMode == s.rawValue) }
        if f.openOnly { q.filter(\.$state == "open").filter(\.$deadline >= today.description) }
        var all = try await q.sort(\.$createdAt, .descending).all()
        if let field = f.field { all = all.filter { $0.fieldList.contains(field.rawValue) } }
        return PagedList(items: Array(all.dropFirst(page.offset).prefix(page.per)), request: page, total: all.count)
    }

    /// 立项公示: every reviewed application is decided; the scores and places are frozen on the applications and the
    /// objection period starts today.
    public func publish(_ id: UUID, ranking: [ReviewAggregation.Ranked], today: Day, actor: Actor) async throws -> ProjectCallRecord {
        try await db.transaction { tx in
            guard let c = try await ProjectCallRecord.find(id, on: tx) else { throw DomainError.notFound("project_call") }
            guard c.state == "review" else { throw DomainError(.conflict, code: "project.publicity_needs_review") }
            let apps = try await ProjectApplicationRecord.query(on: tx).filter(\.$callID == id).all()
            if apps.contains(where: { $0.applicationState == .underReview }) { throw DomainError(.conflict, code: "project.undecided_left") }
            guard apps.contains(where: { $0.applicationState == .approved }) else { throw DomainError(.conflict, code: "project.none_approved") }
            let before = Snapshot(c)
            for r in ranking {
                guard let a = apps.first(where: { $0.id == r.application }) else { continue }
                a.score = r.score
                a.rank = r.rank
                try await a.update(on: tx)
            }
            c.state = "decided"
            c.publicityFrom = today.description
            c.publicityUntil = today.adding(days: c.objectionDays - 1).description
            try await c.update(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "project_call.publicity", entityType: "project_call", entityID: id.uuidString,
                                        before: before, after: Snapshot(c))
            return c
        }
    }

    /// Approved applications on 公示 (every call whose period has started), newest first.
    public func publicity(page: PageQuery) async throws -> PagedList<ProjectCallRecord> {
        let all = try await ProjectCallRecord.query(on: db).filter(\.$state == "decided").sort(\.$publicityFrom, .descending).all()
        return PagedList(items: Array(all.dropFirst(page.offset).prefix(page.per)), request: page, total: all.count)
    }

    public func objections(callID: UUID) async throws -> [ProjectObjectionRecord] {
        try await ProjectObjectionRecord.query(on: db).filter(\.$callID == callID).sort(\.$filedAt).all()
    }

    /// An objection to an approved application, only within the objection period.
    public func object(_ c: ProjectCallRecord, applicationID: UUID, text: String, today: Day, now: Date = Date(), actor: Actor) async throws -> ProjectObjectionRecord {
        var v = Validator()
        let t = v.text("text", text, min: 10, max: 2000)
        try v.throwIfAny()
        guard c.inPublicity(on: today) else { throw DomainError(.conflict, code: "project.objection_period_closed") }
        guard let a = try await ProjectApplicationRecord.find(applicationID, on: db), a.callID == c.id, a.applicationState == .approved else {
            throw DomainError.notFound("project_application")
        }
        let o = ProjectObjectionRecord()
        o.callID = c.id!
        o.applicationID = a.id!
        o.userID = actor.userID ?? UUID()
        o.text = t!
        o.filedAt = now
        try await db.transaction { tx in
            try await o.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "project_call.objection", entityType: "project_application", entityID: a.id!.uuidString,
                                       detail: ["call": c.id!.uuidString])
        }
        return o
    }

    public func answer(objection id: UUID, text: String, actor: Actor) async throws {
        var v = Validator()
        let t = v.text("answer", text, max: 2000)
        try v.throwIfAny()
        try await db.transaction { tx in
            guard let o = try await ProjectObjectionRecord.find(id, on: tx) else { throw DomainError.notFound("objection") }
            guard o.answer == nil else { throw DomainError(.conflict, code: "project.objection_answered") }
            o.answer = t
            try await o.update(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "project_call.objection_answer", entityType: "project_application",
                                       entityID: o.applicationID.uuidString, detail: ["objection": id.uuidString])
        }
    }
}
