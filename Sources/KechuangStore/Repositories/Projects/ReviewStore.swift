import FluentKit
import Foundation
import KechuangCore

/// The expert pool and the review of a call: experts with fields and declared conflicts; assignment after the
/// deadline by `ExpertAssignment` (conflicts and integrity bans kept out, load balanced); score sheets by assigned
/// experts only; the ranking by `ReviewAggregation`.
public struct ReviewStore: Sendable {
    let db: any Database
    public init(db: any Database) { self.db = db }

    // MARK: expert pool

    public func expert(userID: UUID) async throws -> ExpertProfileRecord? {
        try await ExpertProfileRecord.query(on: db).filter(\.$userID == userID).first()
    }

    public func experts() async throws -> [ExpertProfileRecord] {
        try await ExpertProfileRecord.query(on: db).sort(\.$createdAt).all()
    }

    /// Adds a user to the pool or changes their fields (staff).
    public func saveExpert(userID: UUID, fields: [PriorityField], title: String, active: Bool, now: Date = Date(), actor: Actor) async throws -> ExpertProfileRecord {
        var v = Validator()
        let t = v.text("title", title, max: 100)
        if fields.isEmpty { v.add(.invalid("fields", "field.required")) }
        try v.throwIfAny()
        guard let u = try await UserRecord.find(userID, on: db) else { throw ValidationErrors([.invalid("username", "project.expert_user_unknown")]) }
        guard !u.role.isStaff else { throw ValidationErrors([.invalid("username", "project.expert_not_staff")]) }
        return try await db.transaction { tx in
            let e = try await ExpertProfileRecord.query(on: tx).filter(\.$userID == userID).first() ?? ExpertProfileRecord()
            let before = e.id == nil ? nil : ["fields": e.fields, "title": e.title, "active": String(e.active)]
            if e.id == nil { e.userID = userID; e.createdAt = now }
            e.fields = fields.map(\.rawValue).joined(separator: ",")
            e.title = t!
            e.active = active
            try await e.save(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "expert.save", entityType: "expert", entityID: userID.uuidString,
                                        before: before, after: ["fields": e.fields, "title": e.title, "active": String(e.active)])
            return e
        }
    }

    public func conflicts(of expertUserID: UUID) async throws -> [ExpertConflictRecord] {
        try await ExpertConflictRecord.query(on: db).filter(\.$expertUserID == expertUserID).sort(\.$declaredAt).all()
    }

    /// An expert declares a conflict with an organisation (by name) or a person (by username).
    public func declare(expertUserID: UUID, organizationName: String?, username: String?, reason: String, now: Date = Date(), actor: Actor) async throws {
        var v = Validator()
        let r = v.text("reason", reason, max: 500)
        let org = organizationName?.trimmingCharacters(in: .whitespaces) ?? ""
        let user = username?.trimmingCharacters(in: .whitespaces) ?? ""
        if org.isEmpty && user.isEmpty { v.add(.invalid("organization", "project.conflict_subject_required")) }
        try v.throwIfAny()
        let c = ExpertConflictRecord()
        c.expertUserID = expertUserID
        if !org.isEmpty {
            guard let o = try await OrganizationRecord.query(on: db).filter(\.$name == org).first() else {
                throw ValidationErrors([.invalid("organization", "organization.unknown", ["name": org])])
            }
            c.organizationID = o.id
            c.label = o.name
        } else {
            guard let u = try await UserRecord.query(on: db).filter(\.$username == user).first() else {
                throw ValidationErrors([.invalid("username", "project.expert_user_unknown")])
            }
            c.personUserID = u.id
            c.label = u.displayName
        }
        c.reason = r!
        c.declaredAt = now
        try await db.transaction { tx in
            try await c.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "expert.declare_conflict", entityType: "expert", entityID: expertUserID.uuidString,
                                       detail: ["with": c.label])
        }
    }

    // MARK: assignment

    public struct AssignmentSummary: Sendable {
        public let applications: Int
        public let assignments: Int
        public let shortfalls: [UUID: Int]
        public let excluded: [ExpertAssignment.Conflict: Int]
    }

    /// After the deadline: assign experts to every submitted application and start the review.
    public func startReview(_ call: ProjectCallRecord, today: Day, now: Date = Date(), actor: Actor) async throws -> AssignmentSummary {
        guard call.state == "open", !call.selection.isChallenge else { throw DomainError(.conflict, code: "project.review_started") }
        guard call.pastDeadline(on: today) else { throw DomainError(.conflict, code: "project.before_deadline", arguments: ["deadline": call.deadline]) }
        let apps = try await ProjectApplicationRecord.query(on: db).filter(\.$callID == call.id!).filter(\.$state == ApplicationState.submitted.rawValue).all()
        guard !apps.isEmpty else { throw DomainError(.conflict, code: "project.nothing_to_review") }
        let plan = try await plan(call, apps: apps, today: today)
        if plan.assignments.values.allSatisfy(\.isEmpty) { throw DomainError(.conflict, code: "project.no_eligible_experts") }
        try await db.transaction { tx in
            for a in apps {
                for e in plan.assignments[a.id!] ?? [] {
                    let r = ReviewAssignmentRecord()
                    r.callID = call.id!
                    r.applicationID = a.id!
                    r.expertUserID = e
                    r.assignedAt = now
                    try await r.create(on: tx)
                }
                try await ProjectApplicationStore.move(a, .startReview, note: "", now: now, actor: actor, on: tx)
            }
            call.state = "review"
            try await call.update(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "project_call.start_review", entityType: "project_call", entityID: call.id!.uuidString,
                                       detail: ["applications": String(apps.count), "assignments": String(plan.assignments.values.reduce(0) { $0 + $1.count }),
                                                "shortfalls": String(plan.shortfalls.count),
                                                "excluded": plan.excluded.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: ",")])
        }
        return AssignmentSummary(applications: apps.count, assignments: plan.assignments.values.reduce(0) { $0 + $1.count },
                                 shortfalls: plan.shortfalls, excluded: plan.excluded)
    }

    /// The platform's facts as `ExpertAssignment` reads them: each expert's organisation, fields, declared conflicts,
    /// integrity ban and open reviews; each application's organisations (applicant and partners named on the team)
    /// and team accounts.
    func plan(_ call: ProjectCallRecord, apps: [ProjectApplicationRecord], today: Day) async throws -> ExpertAssignment.Plan {
        let profiles = try await ExpertProfileRecord.query(on: db).filter(\.$active == true).all()
        let ids = profiles.map(\.userID)
        let members = ids.isEmpty ? [] : try await MembershipRecord.query(on: db).filter(\.$user.$id ~~ ids).all()
        let declared = ids.isEmpty ? [] : try await ExpertConflictRecord.query(on: db).filter(\.$expertUserID ~~ ids).all()
        let banned = try await IntegrityStore(db: db).banned(users: ids, organizations: [], on: today).users
        let open = ids.isEmpty ? [] : try await ReviewAssignmentRecord.query(on: db).filter(\.$expertUserID ~~ ids).all()
        let sheets = Set(ids.isEmpty ? [] : try await ReviewSheetRecord.query(on: db).filter(\.$expertUserID ~~ ids).all().map(\.assignmentID))
        let experts = profiles.map { p in
            ExpertAssignment.Expert(id: p.userID, organizationID: members.first { $0.$user.id == p.userID }?.$organization.id, fields: p.fieldSet,
                                    declaredConflicts: Set(declared.filter { $0.expertUserID == p.userID }.compactMap { $0.organizationID ?? $0.personUserID }),
                                    sanctioned: banned.contains(p.userID),
                                    existingLoad: open.filter { $0.expertUserID == p.userID && !sheets.contains($0.id!) }.count)
        }
        let orgNames = Set(apps.flatMap { $0.teamMembers.map(\.unit) })
        let orgs = orgNames.isEmpty ? [] : try await OrganizationRecord.query(on: db).filter(\.$name ~~ Array(orgNames)).all()
        let usernames = Set(apps.flatMap { $0.teamMembers.compactMap(\.username) })
        let users = usernames.isEmpty ? [] : try await UserRecord.query(on: db).filter(\.$username ~~ Array(usernames)).all()
        let applications = apps.map { a in
            let team = a.teamMembers
            return ExpertAssignment.Application(
                id: a.id!, field: a.field,
                organizations: Set([a.organizationID] + team.compactMap { m in orgs.first { $0.name == m.unit }?.id }),
                team: Set([a.applicantID] + team.compactMap { m in m.username.flatMap { n in users.first { $0.username == n }?.id } }))
        }
        return ExpertAssignment.plan(applications: applications, experts: experts, perApplication: call.expertsPerApplication, maxLoad: call.maxExpertLoad)
    }

    public func assignments(expertUserID: UUID) async throws -> [ReviewAssignmentRecord] {
        try await ReviewAssignmentRecord.query(on: db).filter(\.$expertUserID == expertUserID).sort(\.$assignedAt, .descending).all()
    }

    public func assignments(applicationID: UUID) async throws -> [ReviewAssignmentRecord] {
        try await ReviewAssignmentRecord.query(on: db).filter(\.$applicationID == applicationID).all()
    }

    public func assignment(_ id: UUID) async throws -> ReviewAssignmentRecord? { try await ReviewAssignmentRecord.find(id, on: db) }

    public func sheet(assignmentID: UUID) async throws -> ReviewSheetRecord? {
        try await ReviewSheetRecord.query(on: db).filter(\.$assignmentID == assignmentID).first()
    }

    public func sheets(callID: UUID) async throws -> [ReviewSheetRecord] {
        let apps = try await ProjectApplicationRecord.query(on: db).filter(\.$callID == callID).all().map { $0.id! }
        return apps.isEmpty ? [] : try await ReviewSheetRecord.query(on: db).filter(\.$applicationID ~~ apps).all()
    }

    /// An assigned expert's sheet: only while the application is under review, once, every criterion 0–100.
    public func submitSheet(_ a: ReviewAssignmentRecord, expertUserID: UUID, scores: [String: Int], comment: String, now: Date = Date(),
                            actor: Actor) async throws -> ReviewSheetRecord {
        guard a.expertUserID == expertUserID else { throw DomainError.notFound("review_assignment") }
        guard let app = try await ProjectApplicationRecord.find(a.applicationID, on: db), let call = try await ProjectCallRecord.find(a.callID, on: db) else {
            throw DomainError.notFound("review_assignment")
        }
        guard app.applicationState == .underReview else { throw DomainError(.conflict, code: "project.not_under_review") }
        if try await sheet(assignmentID: a.id!) != nil { throw DomainError(.conflict, code: "project.already_scored") }
        var v = Validator()
        let text = v.text("comment", comment, min: 10, max: 2000)
        try v.throwIfAny()
        let criteria = call.criteriaList
        try Result { () throws(ValidationErrors) in try ChallengeRules.checkSheet(scores, criteria: criteria) }.get()
        let s = ReviewSheetRecord()
        s.assignmentID = a.id!
        s.applicationID = a.applicationID
        s.expertUserID = expertUserID
        s.scoresJSON = String(decoding: try JSONEncoder().encode(scores), as: UTF8.self)
        s.total = ReviewAggregation.total(scores, criteria: criteria)
        s.comment = text!
        s.submittedAt = now
        try await db.transaction { tx in
            try await s.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "project_review.score", entityType: "project_application",
                                       entityID: a.applicationID.uuidString, detail: ["total": ReviewAggregation.text(s.total)])
        }
        return s
    }

    public struct Ranking: Sendable {
        public let rows: [ReviewAggregation.Ranked]
        /// Sheets still missing per application.
        public let missing: [UUID: Int]
    }

    /// The call's ranking over the applications that went to review, and how many sheets each still lacks.
    public func ranking(_ call: ProjectCallRecord) async throws -> Ranking {
        let apps = try await ProjectApplicationRecord.query(on: db).filter(\.$callID == call.id!).all()
        let assigned = try await ReviewAssignmentRecord.query(on: db).filter(\.$callID == call.id!).all()
        let reviewed = apps.filter { a in assigned.contains { $0.applicationID == a.id } }
        let sheets = try await sheets(callID: call.id!)
        let rows = ReviewAggregation.rank(applications: reviewed.map { ($0.id!, $0.submittedAt ?? $0.createdAt) },
                                          sheets: sheets.map { .init(application: $0.applicationID, expert: $0.expertUserID, scores: $0.scores) },
                                          criteria: call.criteriaList)
        var missing: [UUID: Int] = [:]
        for a in reviewed {
            let n = assigned.filter { $0.applicationID == a.id }.count - sheets.filter { $0.applicationID == a.id }.count
            if n > 0 { missing[a.id!] = n }
        }
        return Ranking(rows: rows, missing: missing)
    }
}
