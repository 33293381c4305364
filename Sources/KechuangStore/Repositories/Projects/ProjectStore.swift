import FluentKit
import Foundation
import KechuangCore

/// Projects under their 任务书: the lifecycle of `ProjectAction` (mid-term check, milestones, acceptance, evaluation),
/// disbursements (先立项后补助 only after acceptance) and expenses, each checked by the engine against the negative list.
public struct ProjectStore: Sendable {
    let db: any Database
    public init(db: any Database) { self.db = db }

    struct Snapshot: Codable {
        let code: String, state: String, midtermPassed: Bool, outcome: String?, grade: String?
        init(_ p: ProjectRecord) { code = p.code; state = p.state; midtermPassed = p.midtermPassed; outcome = p.outcome; grade = p.grade }
    }

    static func step(subject: String, id: UUID, action: String, from: String, to: String, note: String, actor: Actor, at: Date, on tx: any Database) async throws {
        let s = ProjectStepRecord()
        s.subjectType = subject
        s.subjectID = id
        s.action = action
        s.fromState = from
        s.toState = to
        s.actorName = actor.name
        s.note = note
        s.at = at
        try await s.create(on: tx)
    }

    static func nextCode(year: Int, on tx: any Database) async throws -> String {
        let n = try await ProjectRecord.query(on: tx).filter(\.$code >= "KC-\(year)-").filter(\.$code < "KC-\(year + 1)-").count()
        return "KC-\(year)-" + String(format: "%04d", n + 1)
    }

    static func create(from a: ProjectApplicationRecord, call: ProjectCallRecord, startsOn: Day, now: Date, actor: Actor, on tx: any Database) async throws -> ProjectRecord {
        let p = ProjectRecord()
        p.code = try await nextCode(year: startsOn.yyyymmdd / 10000, on: tx)
        p.applicationID = a.id
        p.callID = call.id!
        p.organizationID = a.organizationID
        p.leaderID = a.applicantID
        p.leaderName = a.leaderName
        p.title = a.title
        p.field = a.field
        p.state = ProjectState.executing.rawValue
        p.selectionMode = call.selectionMode
        p.fundingMode = call.fundingMode
        p.equipmentFen = a.equipmentFen
        p.businessFen = a.businessFen
        p.labourFen = a.labourFen
        p.indirectFen = a.indirectFen
        p.selfFundsFen = a.selfFundsFen
        p.team = a.team
        p.startsOn = startsOn.description
        p.endsOn = startsOn.addingMonths(a.durationMonths).description
        p.midtermPassed = false
        p.createdAt = now
        p.updatedAt = now
        try await p.create(on: tx)
        for (i, m) in a.milestonePlans.enumerated() {
            try await milestone(p, seq: i + 1, name: m.name, deliverable: m.deliverable, due: m.due, on: tx)
        }
        try await step(subject: "project", id: p.id!, action: "contract", from: "", to: p.state, note: "", actor: actor, at: now, on: tx)
        try await AuditTrail.record(on: tx, actor: actor, action: "project.create", entityType: "project", entityID: p.id!.uuidString,
                                    before: Optional<Snapshot>.none, after: Snapshot(p))
        return p
    }

    static func milestone(_ p: ProjectRecord, seq: Int, name: String, deliverable: String, due: Day, on tx: any Database) async throws {
        let m = ProjectMilestoneRecord()
        m.projectID = p.id!
        m.seq = seq
        m.name = name
        m.deliverable = deliverable
        m.due = due.description
        m.state = "open"
        try await m.create(on: tx)
    }

    /// 揭榜挂帅/赛马: after the market's award, each selected team's bid becomes a project of the call, its fiscal funds
    /// the team's share of the reward (as business costs), its milestones the challenge's TRL gates.
    public func fromAward(call: ProjectCallRecord, today: Day, now: Date = Date(), actor: Actor) async throws -> [ProjectRecord] {
        guard let cid = call.challengeID, let ch = try await ChallengeRecord.find(cid, on: db) else { throw DomainError.notFound("challenge") }
        let bids = try await BidRecord.query(on: db).filter(\.$challengeID == cid).filter(\.$status ~~ ["selected", "completed"]).all()
            .sorted { $0.id!.uuidString < $1.id!.uuidString }
        guard !bids.isEmpty else { throw DomainError(.conflict, code: "project.not_awarded") }
        let existing = try await ProjectRecord.query(on: db).filter(\.$callID == call.id!).all()
        let shares = ChallengeRules.split(Money(fen: ch.rewardFen), among: bids.count)
        let milestones = ChallengeStore.milestones(ch)
        return try await db.transaction { tx in
            var out: [ProjectRecord] = []
            for (i, b) in bids.enumerated() where !existing.contains(where: { $0.organizationID == b.organizationID }) {
                let leader = try await UserRecord.find(b.submittedBy, on: tx)
                let p = ProjectRecord()
                p.code = try await Self.nextCode(year: today.yyyymmdd / 10000, on: tx)
                p.callID = call.id!
                p.organizationID = b.organizationID
                p.leaderID = b.submittedBy
                p.leaderName = leader?.displayName ?? ""
                p.title = ch.title
                p.field = call.fieldList.first ?? "other"
                p.state = ProjectState.executing.rawValue
                p.selectionMode = call.selectionMode
                p.fundingMode = call.fundingMode
                p.equipmentFen = 0
                p.businessFen = shares[i].fen
                p.labourFen = 0
                p.indirectFen = 0
                p.selfFundsFen = max(0, b.budgetFen - shares[i].fen)
                p.team = ""
                p.startsOn = today.description
                p.endsOn = (milestones.last?.due ?? today.addingMonths(24)).description
                p.midtermPassed = false
                p.createdAt = now
                p.updatedAt = now
                try await p.create(on: tx)
                for (j, m) in milestones.enumerated() {
                    try await Self.milestone(p, seq: j + 1, name: m.name, deliverable: "TRL ≥ \(m.trl)", due: m.due, on: tx)
                }
                try await Self.step(subject: "project", id: p.id!, action: "award", from: "", to: p.state, note: ch.title, actor: actor, at: now, on: tx)
                try await AuditTrail.record(on: tx, actor: actor, action: "project.create", entityType: "project", entityID: p.id!.uuidString,
                                            before: Optional<Snapshot>.none, after: Snapshot(p))
                out.append(p)
            }
            return out
        }
    }

    public func find(_ id: UUID) async throws -> ProjectRecord? { try await ProjectRecord.find(id, on: db) }

    public struct Filter: Sendable {
        public var organizations: [UUID]?
        public var state: ProjectState?
        public var selection: SelectionMode?
        public var callID: UUID?
        public init() {}
    }

    public func list(_ f: Filter, page: PageQuery) async throws -> PagedList<ProjectRecord> {
        let q = ProjectRecord.query(on: db)
        if let o = f.organizations { q.filter(\.$organizationID ~~ o) }
        if let s = f.state { q.filter(\.$state == s.rawValue) }
        if let s = f.selection { q.filter(\.$selectionMode == s.rawValue) }
        if let c = f.callID { q.filter(\.$callID == c) }
        let total = try await q.count()
        let items = try await q.sort(\.$code).range(page.offset..<(page.offset + page.per)).all()
        return PagedList(items: items, request: page, total: total)
    }

    public func milestones(_ id: UUID) async throws -> [ProjectMilestoneRecord] {
        try await ProjectMilestoneRecord.query(on: db).filter(\.$projectID == id).sort(\.$seq).all()
    }

    public func steps(_ id: UUID) async throws -> [ProjectStepRecord] {
        try await ProjectStepRecord.query(on: db).filter(\.$subjectID == id).sort(\.$at).all()
    }

    public func facts(_ p: ProjectRecord) async throws -> ProjectAction.Facts {
        ProjectAction.Facts(midtermPassed: p.midtermPassed, milestonesOpen: try await ProjectMilestoneRecord.query(on: db)
            .filter(\.$projectID == p.id!).filter(\.$state == "open").count())
    }

    /// A lifecycle move by the leader's organisation or staff, as `ProjectAction` allows it.
    public func act(_ p: ProjectRecord, _ action: ProjectAction, note: String, grade: PerformanceGrade?, by: ProjectAction.Actor, now: Date = Date(),
                    actor: Actor) async throws {
        guard action.actor == by else { throw DomainError.forbidden }
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        if action.needsReason && text.isEmpty { throw ValidationErrors([.invalid("note", "field.required")]) }
        if text.count > 4000 { throw ValidationErrors([.invalid("note", "field.too_long", ["max": "4000"])]) }
        if action == .evaluate && grade == nil { throw ValidationErrors([.invalid("grade", "field.required")]) }
        let from = p.projectState
        let to = try action.next(from: from, facts: try await facts(p)).get()
        let before = Snapshot(p)
        try await db.transaction { tx in
            if action == .passMidterm { p.midtermPassed = true }
            if action == .accept || action == .rejectAcceptance || action == .terminate { p.outcome = text.isEmpty ? nil : text }
            if action == .evaluate { p.grade = grade?.rawValue }
            p.state = to.rawValue
            p.updatedAt = now
            try await p.update(on: tx)
            try await Self.step(subject: "project", id: p.id!, action: action.rawValue, from: from.rawValue, to: to.rawValue,
                                note: [text, grade.map { "grade: \($0.rawValue)" } ?? ""].filter { !$0.isEmpty }.joined(separator: " · "),
                                actor: actor, at: now, on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "project.\(action.rawValue)", entityType: "project", entityID: p.id!.uuidString,
                                        before: before, after: Snapshot(p))
        }
    }

    /// Staff review a milestone (passed or failed, with a note) while the project is executing.
    public func reviewMilestone(_ p: ProjectRecord, milestoneID: UUID, passed: Bool, note: String, now: Date = Date(), actor: Actor) async throws {
        var v = Validator()
        let text = v.text("note", note, max: 2000)
        try v.throwIfAny()
        guard p.projectState == .executing else { throw DomainError(.conflict, code: "project.not_executing") }
        try await db.transaction { tx in
            guard let m = try await ProjectMilestoneRecord.find(milestoneID, on: tx), m.projectID == p.id else { throw DomainError.notFound("milestone") }
            guard m.state == "open" else { throw DomainError(.conflict, code: "project.milestone_reviewed") }
            m.state = passed ? "passed" : "failed"
            m.reviewNote = text
            m.reviewedByName = actor.name
            m.reviewedAt = now
            try await m.update(on: tx)
            try await Self.step(subject: "project", id: p.id!, action: passed ? "milestone_pass" : "milestone_fail", from: p.state, to: p.state,
                                note: "\(m.seq). \(m.name): \(text!)", actor: actor, at: now, on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "project.milestone_review", entityType: "project", entityID: p.id!.uuidString,
                                       detail: ["milestone": String(m.seq), "passed": String(passed)])
        }
    }

    // MARK: funds

    public struct Totals: Sendable {
        public let approved: Money
        public let paid: Money
        public let spent: Money
        public let flagged: Money
        public let byCategory: [BudgetCategory: Money]
        public var balance: Money { paid - spent }
    }

    public func disbursements(_ id: UUID) async throws -> [DisbursementRecord] {
        try await DisbursementRecord.query(on: db).filter(\.$projectID == id).sort(\.$paidOn).all()
    }

    public func expenses(_ id: UUID) async throws -> [ExpenseRecord] {
        try await ExpenseRecord.query(on: db).filter(\.$projectID == id).sort(\.$spentOn).sort(\.$createdAt).all()
    }

    public func totals(_ p: ProjectRecord) async throws -> Totals {
        let paid = try await disbursements(p.id!).reduce(Int64(0)) { $0 + $1.amountFen }
        let ex = try await expenses(p.id!)
        var by: [BudgetCategory: Money] = [:]
        for e in ex where e.counts { by[BudgetCategory(rawValue: e.category) ?? .business, default: .zero] = by[BudgetCategory(rawValue: e.category) ?? .business, default: .zero] + Money(fen: e.amountFen) }
        return Totals(approved: p.budget.total, paid: Money(fen: paid), spent: Money(fen: ex.filter(\.counts).reduce(0) { $0 + $1.amountFen }),
                      flagged: Money(fen: ex.filter { $0.expenseState == .flagged }.reduce(0) { $0 + $1.amountFen }), byCategory: by)
    }

    public func disburse(_ p: ProjectRecord, amount: Money, purpose: String, paidOn: Day, now: Date = Date(), actor: Actor) async throws -> DisbursementRecord {
        var v = Validator()
        let text = v.text("purpose", purpose, max: 200)
        try v.throwIfAny()
        return try await db.transaction { tx in
            // Read inside the transaction, so two payments at once cannot both pass the ceiling.
            let paid = try await DisbursementRecord.query(on: tx).filter(\.$projectID == p.id!).all().reduce(Int64(0)) { $0 + $1.amountFen }
            try DisbursementRule.check(mode: p.selection, state: p.projectState, paidSoFar: Money(fen: paid), amount: amount, approved: p.budget.total)
            let d = DisbursementRecord()
            d.projectID = p.id!
            d.amountFen = amount.fen
            d.purpose = text!
            d.paidOn = paidOn.description
            d.recordedByName = actor.name
            d.createdAt = now
            try await d.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "project.disburse", entityType: "project", entityID: p.id!.uuidString,
                                       detail: ["amount": amount.plainYuan, "purpose": text!])
            return d
        }
    }

    public struct NewExpense: Sendable {
        public var kind: String
        public var category: BudgetCategory
        public var amount: Money
        public var payee: String
        public var relatedParty: Bool
        public var invoiceNo: String
        public var procurementFollowed: Bool
        public var spentOn: Day
        public var description: String
        public init(kind: String, category: BudgetCategory, amount: Money, payee: String, relatedParty: Bool, invoiceNo: String, procurementFollowed: Bool,
                    spentOn: Day, description: String) {
            self.kind = kind
            self.category = category
            self.amount = amount
            self.payee = payee
            self.relatedParty = relatedParty
            self.invoiceNo = invoiceNo
            self.procurementFollowed = procurementFollowed
            self.spentOn = spentOn
            self.description = description
        }
    }

    /// Records an expense and runs the negative list on it; every rule that fires is kept as a flag for staff.
    public func addExpense(_ p: ProjectRecord, _ n: NewExpense, base: RuleBase, now: Date = Date(), actor: Actor) async throws -> (ExpenseRecord, ExpenseCheck) {
        guard p.projectState.isOpen || p.projectState == .accepted else { throw DomainError(.conflict, code: "project.closed_for_expenses") }
        var v = Validator()
        let payee = v.text("payee", n.payee, max: 100)
        let desc = v.text("description", n.description, max: 1000)
        let invoice = n.invoiceNo.trimmingCharacters(in: .whitespaces)
        if invoice.count > 50 { v.add(.invalid("invoice_no", "field.too_long", ["max": "50"])) }
        if n.amount.fen <= 0 { v.add(.invalid("amount", "money.not_positive")) }
        try v.throwIfAny()
        return try await db.transaction { tx in
            let mine = try await ExpenseRecord.query(on: tx).filter(\.$projectID == p.id!).all().filter(\.counts)
            let duplicate = invoice.isEmpty ? false : try await ExpenseRecord.query(on: tx).filter(\.$invoiceNo == invoice).count() > 0
            let onTeam = p.teamMembers.contains { $0.name == payee! } || p.leaderName == payee!
            let related = mine.filter(\.relatedParty).reduce(Int64(0)) { $0 + $1.amountFen } + (n.relatedParty ? n.amount.fen : 0)
            let inCategory = mine.filter { $0.category == n.category.rawValue }.reduce(Int64(0)) { $0 + $1.amountFen } + n.amount.fen
            let direct = mine.filter { BudgetCategory(rawValue: $0.category)?.isDirect ?? true }.reduce(Int64(0)) { $0 + $1.amountFen }
                + (n.category.isDirect ? n.amount.fen : 0)
            let facts = ExpenseCheck.Facts(kind: n.kind, category: n.category, amount: n.amount, payeeOnTeam: onTeam, invoiceDuplicate: duplicate,
                                           procurementFollowed: n.procurementFollowed, relatedParty: n.relatedParty,
                                           relatedPartyTotalAfter: Money(fen: related), projectFiscalTotal: p.budget.total, funding: p.funding,
                                           categoryBudget: p.budget.amount(n.category), categorySpentAfter: Money(fen: inCategory),
                                           directBudget: p.budget.direct, directSpentAfter: Money(fen: direct))
            let check = ExpenseCheck.run(base: base, date: n.spentOn, facts: facts)
            let e = ExpenseRecord()
            e.projectID = p.id!
            e.kind = n.kind
            e.category = n.category.rawValue
            e.amountFen = n.amount.fen
            e.payee = payee!
            e.payeeOnTeam = onTeam
            e.relatedParty = n.relatedParty
            e.invoiceNo = invoice
            e.procurementFollowed = n.procurementFollowed
            e.spentOn = n.spentOn.description
            e.description = desc!
            e.flags = check.flags.map(\.rule.id).joined(separator: "\n")
            e.ruleVersion = check.ruleBaseVersion
            e.state = check.flags.isEmpty ? ExpenseState.clear.rawValue : ExpenseState.flagged.rawValue
            e.recordedByName = actor.name
            e.createdAt = now
            try await e.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "project.expense", entityType: "project", entityID: p.id!.uuidString,
                                       detail: ["expense": e.id!.uuidString, "amount": n.amount.plainYuan, "kind": n.kind, "flags": e.flagIDs.joined(separator: ",")])
            return (e, check)
        }
    }

    /// Staff resolve a flagged expense: accepted with an explanation, or disallowed (to be paid back).
    public func resolveExpense(_ p: ProjectRecord, expenseID: UUID, accept: Bool, note: String, now: Date = Date(), actor: Actor) async throws {
        var v = Validator()
        let text = v.text("note", note, max: 2000)
        try v.throwIfAny()
        try await db.transaction { tx in
            guard let e = try await ExpenseRecord.find(expenseID, on: tx), e.projectID == p.id else { throw DomainError.notFound("expense") }
            guard e.expenseState == .flagged else { throw DomainError(.conflict, code: "project.expense_not_flagged") }
            e.state = accept ? ExpenseState.accepted.rawValue : ExpenseState.disallowed.rawValue
            e.resolutionNote = text
            e.resolvedByName = actor.name
            e.resolvedAt = now
            try await e.update(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "project.expense_resolve", entityType: "project", entityID: p.id!.uuidString,
                                        before: ["expense": e.id!.uuidString, "state": "flagged"], after: ["expense": e.id!.uuidString, "state": e.state])
        }
    }
}
