import FluentKit
import Foundation
import KechuangCore

/// Applications: submit what the engine computed, list them for review, record decisions. All audited.
public struct ApplicationStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    /// What the engine said about one rule for one organisation, ready to store.
    public struct Computation: Sendable {
        public let ruleID: String
        public let ruleTitle: String
        public let article: Int
        public let dataYear: Int
        public let evaluationDate: String
        public let status: RuleOutcome.Status
        public let amountFen: Int64?
        public let provisional: Bool
        public let ruleBaseVersion: String
        public let inputsJSON: String
        public let traceJSON: String

        public init(ruleID: String, ruleTitle: String, article: Int, dataYear: Int, evaluationDate: String, status: RuleOutcome.Status,
                    amountFen: Int64?, provisional: Bool, ruleBaseVersion: String, inputsJSON: String, traceJSON: String) {
            self.ruleID = ruleID
            self.ruleTitle = ruleTitle
            self.article = article
            self.dataYear = dataYear
            self.evaluationDate = evaluationDate
            self.status = status
            self.amountFen = amountFen
            self.provisional = provisional
            self.ruleBaseVersion = ruleBaseVersion
            self.inputsJSON = inputsJSON
            self.traceJSON = traceJSON
        }
    }

    struct Snapshot: Codable {
        let id: UUID?
        let ruleID: String
        let dataYear: Int
        let status: String
        let computedAmountFen: Int64?
        let decidedAmountFen: Int64?
        let ruleBaseVersion: String
        let decisionReason: String?

        init(_ a: ApplicationRecord) {
            id = a.id
            ruleID = a.ruleID
            dataYear = a.dataYear
            status = a.statusRaw
            computedAmountFen = a.computedAmountFen
            decidedAmountFen = a.decidedAmountFen
            ruleBaseVersion = a.ruleBaseVersion
            decisionReason = a.decisionReason
        }
    }

    /// One open or approved application per organisation, rule and data year.
    public func submit(organizationID: UUID, computation c: Computation, actor: Actor) async throws -> ApplicationRecord {
        guard c.status == .eligible else { throw DomainError(.conflict, code: "application.not_eligible", field: "rule") }
        let open = try await ApplicationRecord.query(on: db).filter(\.$organization.$id == organizationID).filter(\.$ruleID == c.ruleID)
            .filter(\.$dataYear == c.dataYear).filter(\.$statusRaw ~~ [ApplicationRecord.Status.submitted.rawValue, ApplicationRecord.Status.approved.rawValue]).count()
        if open > 0 { throw DomainError(.conflict, code: "application.duplicate", field: "rule") }
        let a = ApplicationRecord()
        a.$organization.id = organizationID
        a.ruleID = c.ruleID
        a.ruleTitle = c.ruleTitle
        a.article = c.article
        a.dataYear = c.dataYear
        a.evaluationDate = c.evaluationDate
        a.statusRaw = ApplicationRecord.Status.submitted.rawValue
        a.computedAmountFen = c.amountFen
        a.provisional = c.provisional
        a.ruleBaseVersion = c.ruleBaseVersion
        a.inputsJSON = c.inputsJSON
        a.traceJSON = c.traceJSON
        a.submittedByName = actor.name
        a.submittedAt = Date()
        try await db.transaction { tx in
            try await a.create(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "application.submit", entityType: "application", entityID: a.id!.uuidString,
                                        before: Optional<Snapshot>.none, after: Snapshot(a))
        }
        return a
    }

    public func find(_ id: UUID) async throws -> ApplicationRecord? {
        try await ApplicationRecord.query(on: db).filter(\.$id == id).with(\.$organization).first()
    }

    public func list(status: ApplicationRecord.Status?, organizationID: UUID?, page: PageQuery) async throws -> PagedList<ApplicationRecord> {
        let q = ApplicationRecord.query(on: db).with(\.$organization)
        if let status { q.filter(\.$statusRaw == status.rawValue) }
        if let organizationID { q.filter(\.$organization.$id == organizationID) }
        let total = try await q.count()
        let items = try await q.sort(\.$submittedAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        return PagedList(items: items, request: page, total: total)
    }

    /// Approves with the amount and version computed now, or rejects with a reason. Only submitted applications.
    public func decide(_ a: ApplicationRecord, approve: Bool, reason: String?, now c: Computation?, actor: Actor) async throws {
        guard a.status == .submitted else { throw DomainError(.conflict, code: "application.already_decided") }
        if !approve, (reason ?? "").isEmpty { throw DomainError.invalid("reason", "field.required") }
        if approve, c?.status != .eligible { throw DomainError(.conflict, code: "application.no_longer_eligible") }
        let before = Snapshot(a)
        a.statusRaw = (approve ? ApplicationRecord.Status.approved : .rejected).rawValue
        a.decidedByName = actor.name
        a.decidedAt = Date()
        a.decisionReason = reason
        if approve, let c {
            a.decidedAmountFen = c.amountFen
            a.decisionRuleBaseVersion = c.ruleBaseVersion
            a.decisionInputsJSON = c.inputsJSON
        }
        try await db.transaction { tx in
            try await a.update(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: approve ? "application.approve" : "application.reject",
                                        entityType: "application", entityID: a.id!.uuidString, before: before, after: Snapshot(a))
        }
    }
}
