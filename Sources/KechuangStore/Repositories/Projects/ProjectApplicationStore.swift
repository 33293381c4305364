import FluentKit
import Foundation
import KechuangCore

/// Applications to a call: drafted by a member of the organisation, checked by the engine (形式审查), signed and
/// submitted (then frozen, the submitted copy kept), decided by staff after the review, and turned into a project
/// by the 任务书 once the 公示 objection period is over.
public struct ProjectApplicationStore: Sendable {
    let db: any Database
    public init(db: any Database) { self.db = db }

    public struct Draft: Sendable, Codable, Equatable {
        public var title: String
        public var field: String
        public var objectives: String
        public var leaderName: String
        public var team: String
        public var milestones: String
        public var durationMonths: Int
        public var budget: ProjectBudget

        public init(title: String, field: String, objectives: String, leaderName: String, team: String, milestones: String, durationMonths: Int,
                    budget: ProjectBudget) {
            self.title = title
            self.field = field
            self.objectives = objectives
            self.leaderName = leaderName
            self.team = team
            self.milestones = milestones
            self.durationMonths = durationMonths
            self.budget = budget
        }

        /// The form's fields, each checked and named when wrong.
        public static func parse(_ f: [String: String]) throws(ValidationErrors) -> Draft {
            var v = Validator()
            let title = v.text("title", f["title"], min: 4, max: 100)
            let field = v.choice("field", f["field"], as: PriorityField.self)
            let objectives = v.text("objectives", f["objectives"], min: 20, max: 4000)
            let leader = v.text("leader_name", f["leader_name"], max: 50)
            let months = v.integer("duration_months", f["duration_months"], 1...120)
            var lines: [BudgetCategory: Money] = [:]
            for c in BudgetCategory.allCases { lines[c] = v.money("budget_\(c.rawValue)", f["budget_\(c.rawValue)"] ?? "0") ?? .zero }
            let own = v.money("self_funds", f["self_funds"] ?? "0") ?? .zero
            var team = "", milestones = ""
            do { team = try ApplicationContent.team(f["team"] ?? "").map(\.line).joined(separator: "\n") } catch { for e in error.errors { v.add(e) } }
            do {
                let m = try ApplicationContent.milestones(f["milestones"] ?? "")
                if m.isEmpty { v.add(.invalid("milestones", "field.required")) }
                milestones = m.map(\.line).joined(separator: "\n")
            } catch { for e in error.errors { v.add(e) } }
            try v.throwIfAny()
            return Draft(title: title!, field: field!.rawValue, objectives: objectives!, leaderName: leader!, team: team, milestones: milestones,
                         durationMonths: months!, budget: ProjectBudget(lines: lines, selfFunds: own))
        }
    }

    struct Snapshot: Codable {
        let call: String, organization: String, title: String, state: String, budgetTotal: String, selfFunds: String, reason: String?
        init(_ a: ProjectApplicationRecord) {
            call = a.callID.uuidString; organization = a.organizationID.uuidString; title = a.title; state = a.state
            budgetTotal = a.budget.total.plainYuan; selfFunds = a.budget.selfFunds.plainYuan; reason = a.stateReason
        }
    }

    func apply(_ d: Draft, to a: ProjectApplicationRecord) {
        a.title = d.title
        a.field = d.field
        a.objectives = d.objectives
        a.leaderName = d.leaderName
        a.team = d.team
        a.milestones = d.milestones
        a.durationMonths = d.durationMonths
        a.equipmentFen = d.budget.amount(.equipment).fen
        a.businessFen = d.budget.amount(.business).fen
        a.labourFen = d.budget.amount(.labour).fen
        a.indirectFen = d.budget.amount(.indirect).fen
        a.selfFundsFen = d.budget.selfFunds.fen
    }

    /// A new draft for `organizationID` (the applicant is a member; the caller checked).
    public func create(call: ProjectCallRecord, organizationID: UUID, applicantID: UUID, draft: Draft, today: Day, now: Date = Date(),
                       actor: Actor) async throws -> ProjectApplicationRecord {
        guard call.accepting(on: today) else { throw DomainError(.conflict, code: "project.call_closed") }
        let a = ProjectApplicationRecord()
        a.callID = call.id!
        a.organizationID = organizationID
        a.applicantID = applicantID
        apply(draft, to: a)
        a.state = ApplicationState.draft.rawValue
        a.createdAt = now
        a.updatedAt = now
        try await db.transaction { tx in
            try await a.create(on: tx)
            try await Self.step(a, action: "create", from: "", to: a.state, note: "", actor: actor, at: now, on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "project_application.create", entityType: "project_application",
                                        entityID: a.id!.uuidString, before: Optional<Snapshot>.none, after: Snapshot(a))
        }
        return a
    }

    /// Changes a draft or a returned application; a submitted one is frozen.
    public func update(_ a: ProjectApplicationRecord, draft: Draft, now: Date = Date(), actor: Actor) async throws {
        guard a.applicationState.isEditable else { throw DomainError(.conflict, code: "project.application_frozen") }
        let before = Snapshot(a)
        apply(draft, to: a)
        // A change voids the signature: the applicant signs what is submitted.
        a.commitmentSignedAt = nil
        a.updatedAt = now
        try await db.transaction { tx in
            try await a.update(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "project_application.update", entityType: "project_application",
                                        entityID: a.id!.uuidString, before: before, after: Snapshot(a))
        }
    }

    public func find(_ id: UUID) async throws -> ProjectApplicationRecord? { try await ProjectApplicationRecord.find(id, on: db) }

    public func of(organizations: [UUID]) async throws -> [ProjectApplicationRecord] {
        organizations.isEmpty ? [] : try await ProjectApplicationRecord.query(on: db).filter(\.$organizationID ~~ organizations)
            .sort(\.$updatedAt, .descending).all()
    }

    public func of(callID: UUID) async throws -> [ProjectApplicationRecord] {
        try await ProjectApplicationRecord.query(on: db).filter(\.$callID == callID).sort(\.$createdAt).all()
    }

    public func steps(_ id: UUID) async throws -> [ProjectStepRecord] {
        try await ProjectStepRecord.query(on: db).filter(\.$subjectID == id).sort(\.$at).all()
    }

    /// What the platform knows about the application for the engine's formal check.
    public func facts(_ a: ProjectApplicationRecord, call: ProjectCallRecord, today: Day, signed: Bool? = nil) async throws -> FormalCheck.Facts {
        guard let org = try await OrganizationRecord.find(a.organizationID, on: db) else { throw DomainError.notFound("organization") }
        let team = a.teamMembers
        let usernames = team.compactMap(\.username)
        let teamUsers = usernames.isEmpty ? [] : try await UserRecord.query(on: db).filter(\.$username ~~ usernames).all().map { $0.id! }
        let bans = try await IntegrityStore(db: db).banned(users: [a.applicantID] + teamUsers, organizations: [org.id!], on: today)
        let openLed = try await ProjectRecord.query(on: db).filter(\.$leaderID == a.applicantID)
            .filter(\.$state ~~ ProjectState.allCases.filter(\.isOpen).map(\.rawValue)).count()
        let overdue = try await ProjectRecord.query(on: db).filter(\.$organizationID == org.id!)
            .filter(\.$state ~~ ProjectState.allCases.filter(\.isOpen).map(\.rawValue)).filter(\.$endsOn < today.description).count()
        let milestones = a.milestonePlans
        let kind = org.kindRaw == "enterprise" ? "enterprise" : "institution"
        // Under 定向委托 only the commissioned organisation may apply: the applicant condition of the formal check.
        let allowed = call.kinds.contains(kind) && (call.directedTo.map { $0 == org.id } ?? true)
        return FormalCheck.Facts(kindAllowed: allowed, inOrdos: org.bannerCode != nil, unitBanned: bans.organizations.contains(org.id!),
                                 bannedTeamMembers: bans.users.count, leaderOpenProjects: openLed, unitOverdueProjects: overdue,
                                 durationMonths: a.durationMonths, commitmentSigned: signed ?? (a.commitmentSignedAt != nil),
                                 milestones: milestones.count, milestonesMeasurable: !milestones.isEmpty && milestones.allSatisfy(\.isMeasurable),
                                 isEnterprise: kind == "enterprise", budget: a.budget, funding: call.funding, ceiling: call.ceiling)
    }

    /// The applicant signs the 科研诚信承诺 and submits; refused with every failing condition when the engine's check
    /// does not pass. The application is frozen from here, and its submitted copy kept.
    public func submit(_ a: ProjectApplicationRecord, call: ProjectCallRecord, base: RuleBase, commitment: Bool, today: Day, now: Date = Date(),
                       actor: Actor) async throws -> FormalCheck {
        guard call.accepting(on: today) else { throw DomainError(.conflict, code: "project.call_closed") }
        guard ApplicationAction.submit.next(from: a.applicationState) != nil else {
            throw DomainError(.conflict, code: "project.application_move", arguments: ["state": a.state, "action": "submit"])
        }
        let check = FormalCheck.run(base: base, date: today, facts: try await facts(a, call: call, today: today, signed: commitment))
        guard check.passed else { return check }
        try await db.transaction { tx in
            a.commitmentSignedAt = now
            a.submittedAt = now
            a.checkVersion = check.ruleBaseVersion
            a.stateReason = nil
            a.submittedCopy = String(decoding: try JSONEncoder().encode(Draft(title: a.title, field: a.field, objectives: a.objectives, leaderName: a.leaderName,
                                                                                team: a.team, milestones: a.milestones, durationMonths: a.durationMonths,
                                                                                budget: a.budget)), as: UTF8.self)
            try await Self.move(a, .submit, note: "", now: now, actor: actor, on: tx)
        }
        return check
    }

    /// A move by the applicant (withdraw) or staff (return, reject, approve). Approval needs every sheet in.
    public func act(_ a: ProjectApplicationRecord, _ action: ApplicationAction, note: String, by: ApplicationAction.Actor, now: Date = Date(),
                    actor: Actor) async throws {
        guard action.actor == by, action != .submit, action != .contract, action != .startReview else { throw DomainError.forbidden }
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        if action.needsReason && text.isEmpty { throw ValidationErrors([.invalid("note", "field.required")]) }
        if text.count > 2000 { throw ValidationErrors([.invalid("note", "field.too_long", ["max": "2000"])]) }
        if action == .approve || (action == .reject && a.applicationState == .underReview) {
            guard let call = try await ProjectCallRecord.find(a.callID, on: db) else { throw DomainError.notFound("project_call") }
            if let n = try await ReviewStore(db: db).ranking(call).missing[a.id!] {
                throw DomainError(.conflict, code: "project.review_incomplete", arguments: ["n": String(n)])
            }
        }
        try await db.transaction { tx in
            a.stateReason = text.isEmpty ? nil : text
            try await Self.move(a, action, note: text, now: now, actor: actor, on: tx)
        }
    }

    /// Moves the state, writes the step and the audit entry, in the caller's transaction.
    static func move(_ a: ProjectApplicationRecord, _ action: ApplicationAction, note: String, now: Date, actor: Actor, on tx: any Database) async throws {
        let from = a.applicationState
        guard let to = action.next(from: from) else {
            throw DomainError(.conflict, code: "project.application_move", arguments: ["state": from.rawValue, "action": action.rawValue])
        }
        let before = Snapshot(a)
        a.state = to.rawValue
        a.updatedAt = now
        try await a.update(on: tx)
        try await step(a, action: action.rawValue, from: from.rawValue, to: to.rawValue, note: note, actor: actor, at: now, on: tx)
        try await AuditTrail.record(on: tx, actor: actor, action: "project_application.\(action.rawValue)", entityType: "project_application",
                                    entityID: a.id!.uuidString, before: before, after: Snapshot(a))
    }

    static func step(_ a: ProjectApplicationRecord, action: String, from: String, to: String, note: String, actor: Actor, at: Date, on tx: any Database) async throws {
        try await ProjectStore.step(subject: "application", id: a.id!, action: action, from: from, to: to, note: note, actor: actor, at: at, on: tx)
    }

    /// 任务书: once the objection period is over with every objection answered, an approved application becomes a
    /// project with its budget, team and milestones.
    public func contract(_ a: ProjectApplicationRecord, today: Day, now: Date = Date(), actor: Actor) async throws -> ProjectRecord {
        guard let call = try await ProjectCallRecord.find(a.callID, on: db) else { throw DomainError.notFound("project_call") }
        guard a.applicationState == .approved else {
            throw DomainError(.conflict, code: "project.application_move", arguments: ["state": a.state, "action": "contract"])
        }
        guard call.publicityOver(on: today) else {
            throw DomainError(.conflict, code: "project.publicity_running", arguments: ["until": call.publicityUntil ?? "—"])
        }
        let open = try await ProjectObjectionRecord.query(on: db).filter(\.$applicationID == a.id!).all().filter { $0.answer == nil }
        if !open.isEmpty { throw DomainError(.conflict, code: "project.objections_open", arguments: ["n": String(open.count)]) }
        return try await db.transaction { tx in
            let p = try await ProjectStore.create(from: a, call: call, startsOn: today, now: now, actor: actor, on: tx)
            try await Self.move(a, .contract, note: p.code, now: now, actor: actor, on: tx)
            return p
        }
    }
}
