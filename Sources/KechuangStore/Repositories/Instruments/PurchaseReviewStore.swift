import FluentKit
import Foundation
import KechuangCore

/// 查重评议 (art. 22): a unit proposes a purchase; the store finds comparable instruments with their last 12 months
/// of use, asks the review rules of the policy engine, keeps the findings with the rule-base version, and records a
/// reviewer's decision. Every write is one transaction with its audit entry.
public struct PurchaseReviewStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    /// What the reviewer reads, frozen when the proposal was submitted (stored as JSON with the proposal).
    public struct Findings: Codable, Sendable {
        public struct Comparable: Codable, Sendable {
            public let id: String
            public let name: String
            public let model: String
            public let owner: String
            public let classCode: String
            public let likeness: String
            public let effectiveHours: String
            public let sharingRate: String
            public let underused: Bool
        }

        public struct Finding: Codable, Sendable {
            public let rule: String
            public let title: String
            public let titleEn: String
            public let status: String
            public let conditions: [String]
        }

        public let comparables: [Comparable]
        public let findings: [Finding]
        public let saturationHours: String
        public let recentSameClassTotal: String
    }

    /// Proposals newest first: every one for staff, the user's units' otherwise, with the units' names.
    public func list(userID: UUID, staff: Bool, page: PageQuery) async throws -> (page: PagedList<PurchaseReviewRecord>, units: [UUID: String], proposes: Bool) {
        let mine = try await MembershipRecord.query(on: db).filter(\.$user.$id == userID).all().map { $0.$organization.id }
        var q = PurchaseReviewRecord.query(on: db)
        if !staff { q = q.filter(\.$organizationID ~~ mine) }
        let total = try await q.count()
        let rows = try await q.sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        let names = try await InstrumentStore(db: db).organizationNames(Set(rows.map(\.organizationID)))
        return (PagedList(items: rows, request: page, total: total), names, !mine.isEmpty)
    }

    /// A proposal the user may read: staff, or a member of the proposing unit (others get 404).
    public func review(_ id: UUID, userID: UUID, staff: Bool) async throws -> PurchaseReviewRecord {
        guard let r = try await PurchaseReviewRecord.find(id, on: db) else { throw DomainError.notFound("purchase_review") }
        if !staff, try await MembershipRecord.query(on: db).filter(\.$user.$id == userID).filter(\.$organization.$id == r.organizationID).count() == 0 {
            throw DomainError.notFound("purchase_review")
        }
        return r
    }

    public func unitName(of r: PurchaseReviewRecord) async throws -> String? { try await OrganizationRecord.find(r.organizationID, on: db)?.name }

    public func findings(of r: PurchaseReviewRecord) throws -> Findings { try JSONDecoder().decode(Findings.self, from: Data(r.findingsJSON.utf8)) }

    public func submit(_ p: PurchaseProposal, submittedBy: UUID, base: RuleBase, now: Date, actor: Actor) async throws -> PurchaseReviewRecord {
        let record = PurchaseReviewRecord()
        record.organizationID = p.organizationID
        record.submittedBy = submittedBy
        record.name = p.name; record.model = p.model; record.classCode = p.classCode; record.keySpecs = p.keySpecs; record.budgetFen = p.budget.fen
        record.fundingSource = p.fundingSource.rawValue; record.fiscalShare = p.fiscalShare; record.justification = p.justification; record.status = "submitted"
        let (findings, version) = try await self.findings(for: record, base: base, now: now)
        record.findingsJSON = String(decoding: try JSONEncoder().encode(findings), as: UTF8.self)
        record.ruleBaseVersion = version
        try await db.transaction { tx in
            try await record.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "purchase_review.submit", entityType: "purchase_review", entityID: record.id!.uuidString,
                                       detail: ["name": p.name, "budget": p.budget.plainYuan, "class": p.classCode])
        }
        return record
    }

    /// Comparable instruments (same class group, not retired) with their last-12-month use, and the review rules' verdicts.
    func findings(for p: PurchaseReviewRecord, base: RuleBase, now: Date) async throws -> (Findings, String) {
        let today = Day(ChinaTime.dateString(now))!
        let (saturation, windowDays) = PurchaseReview.parameters(base, on: today)
        let group = String(p.classCode.prefix(4))
        let candidates = try await InstrumentRecord.query(on: db).filter(\.$classCode >= group).filter(\.$classCode < group + "99~")
            .filter(\.$status != InstrumentStatus.retired.rawValue).all()
        let usage = candidates.isEmpty ? [] : try await UsageStore(db: db).usage(from: now.addingTimeInterval(-365 * 86400), to: now,
                                                                                 instrumentIDs: candidates.map { $0.id! })
        let byInstrument = Dictionary(grouping: usage, by: \.instrumentID)
        let owners = try await InstrumentStore(db: db).organizationNames(Set(candidates.map { $0.$organization.id }))
        let existing = candidates.map { i in
            let u = byInstrument[i.id!] ?? []
            return PurchaseReview.Existing(id: i.id!.uuidString, name: i.name, model: i.model, classCode: i.classCode, owner: owners[i.$organization.id] ?? "",
                                           effectiveMinutes: u.reduce(0) { $0 + $1.minutes }, externalMinutes: u.filter(\.external).reduce(0) { $0 + $1.minutes })
        }
        let comparables = PurchaseReview.comparables(name: p.name, classCode: p.classCode, in: existing)
        let earlier = try await PurchaseReviewRecord.query(on: db).filter(\.$organizationID == p.organizationID).filter(\.$classCode == p.classCode)
            .filter(\.$createdAt >= now.addingTimeInterval(-Double(windowDays) * 86400)).all().reduce(Int64(0)) { $0 + $1.budgetFen }
        let recent = Money(fen: earlier + p.budgetFen)
        let inputs = PurchaseReview.inputs(budget: Money(fen: p.budgetFen), fiscalShare: Fixed(parsing: p.fiscalShare) ?? Fixed(1), comparables: comparables.map(\.0),
                                           saturationHours: saturation, recentSameClassTotal: recent)
        let report = MatchReport.run(base: base, entity: .purchase, date: today, inputs: inputs)
        let limit = (try? saturation * Fixed(60)) ?? Fixed(72_000)
        let findings = Findings(
            comparables: comparables.map { e, like in
                .init(id: e.id, name: e.name, model: e.model, owner: e.owner, classCode: e.classCode, likeness: like.rawValue,
                      effectiveHours: SharingEvaluation.display(e.effectiveHours), sharingRate: SharingEvaluation.percentDisplay(e.sharingRate),
                      underused: Fixed(Int64(e.effectiveMinutes)) < limit)
            },
            findings: report.items.map { item in
                .init(rule: item.rule.id, title: item.rule.title, titleEn: item.rule.titleEn, status: item.outcome.status.rawValue,
                      conditions: item.trace.conditions.map { "\($0.substituted) \($0.result == .bool(true) ? "✓" : ($0.result == .bool(false) ? "✗" : "?"))" })
            },
            saturationHours: saturation.description, recentSameClassTotal: recent.display)
        return (findings, report.ruleBaseVersion)
    }

    /// A reviewer decides a submitted proposal once.
    public func decide(_ r: PurchaseReviewRecord, decision: String, opinion: String, decidedBy: UUID, now: Date, actor: Actor) async throws {
        guard r.status == "submitted" else { throw DomainError(.conflict, code: "review.already_decided") }
        try await db.transaction { tx in
            r.status = "decided"
            r.decision = decision
            r.opinion = opinion
            r.decidedBy = decidedBy
            r.decidedAt = now
            try await r.update(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "purchase_review.decide", entityType: "purchase_review", entityID: r.id!.uuidString,
                                       detail: ["decision": decision])
        }
    }
}
