import FluentKit
import Foundation
import KechuangCore

/// 科研诚信 records (art. 26): entered by staff with evidence, closed (never deleted) with a reason, read by the person
/// or organisation concerned; the bans they carry gate applications and expert review.
public struct IntegrityStore: Sendable {
    let db: any Database
    public init(db: any Database) { self.db = db }

    public struct NewCase: Sendable {
        public var subject: IntegritySubject
        public var userID: UUID?
        public var organizationID: UUID?
        public var category: MisconductCategory
        public var severity: MisconductSeverity
        public var finding: String
        public var sanction: String
        public var decisionNo: String
        public var decidedBy: String
        public var decidedOn: Day
        public var banFrom: Day?
        public var banUntil: Day?
        public var evidence: TrackingStore.Attachment?
        public init(subject: IntegritySubject, userID: UUID?, organizationID: UUID?, category: MisconductCategory, severity: MisconductSeverity,
                    finding: String, sanction: String, decisionNo: String, decidedBy: String, decidedOn: Day, banFrom: Day?, banUntil: Day?,
                    evidence: TrackingStore.Attachment?) {
            self.subject = subject
            self.userID = userID
            self.organizationID = organizationID
            self.category = category
            self.severity = severity
            self.finding = finding
            self.sanction = sanction
            self.decisionNo = decisionNo
            self.decidedBy = decidedBy
            self.decidedOn = decidedOn
            self.banFrom = banFrom
            self.banUntil = banUntil
            self.evidence = evidence
        }
    }

    struct Snapshot: Codable {
        let subject: String, subjectName: String, category: String, severity: String, sanction: String, decisionNo: String
        let banFrom: String?, banUntil: String?, evidence: String?, closed: Bool, closeReason: String?
        init(_ r: IntegrityCaseRecord) {
            subject = r.subject; subjectName = r.subjectName; category = r.category; severity = r.severity; sanction = r.sanction
            decisionNo = r.decisionNo; banFrom = r.banFrom; banUntil = r.banUntil; evidence = r.evidenceName; closed = r.closedAt != nil
            closeReason = r.closeReason
        }
    }

    public func create(_ n: NewCase, now: Date = Date(), actor: Actor) async throws -> IntegrityCaseRecord {
        var v = Validator()
        let finding = v.text("finding", n.finding, max: 4000)
        let sanction = v.text("sanction", n.sanction, max: 1000)
        let decisionNo = v.text("decision_no", n.decisionNo, max: 100)
        let decidedBy = v.text("decided_by", n.decidedBy, max: 100)
        if let f = n.banFrom, let u = n.banUntil, u < f { v.add(.invalid("ban_until", "field.date_order")) }
        if n.banFrom == nil, n.banUntil != nil { v.add(.invalid("ban_from", "field.required")) }
        if n.evidence == nil { v.add(.invalid("evidence", "integrity.evidence_required")) }
        try v.throwIfAny()
        return try await db.transaction { tx in
            let name: String
            switch n.subject {
            case .person:
                guard let id = n.userID, let u = try await UserRecord.find(id, on: tx) else { throw ValidationErrors([.invalid("user", "integrity.subject_unknown")]) }
                name = u.displayName
            case .organization:
                guard let id = n.organizationID, let o = try await OrganizationRecord.find(id, on: tx) else {
                    throw ValidationErrors([.invalid("organization", "integrity.subject_unknown")])
                }
                name = o.name
            }
            let r = IntegrityCaseRecord()
            r.subject = n.subject.rawValue
            r.userID = n.subject == .person ? n.userID : nil
            r.organizationID = n.subject == .organization ? n.organizationID : nil
            r.subjectName = name
            r.category = n.category.rawValue
            r.severity = n.severity.rawValue
            r.finding = finding!
            r.sanction = sanction!
            r.decisionNo = decisionNo!
            r.decidedBy = decidedBy!
            r.decidedOn = n.decidedOn.description
            r.banFrom = n.banFrom?.description
            r.banUntil = n.banUntil?.description
            r.evidenceName = n.evidence?.filename
            r.evidenceType = n.evidence?.contentType
            r.evidence = n.evidence?.content
            r.createdByName = actor.name
            r.createdAt = now
            try await r.create(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "integrity.create", entityType: "integrity_record", entityID: r.id!.uuidString,
                                        before: Optional<Snapshot>.none, after: Snapshot(r))
            return r
        }
    }

    /// Closes a record (overturned on appeal, rectified, or the ban served): it stays on file and no longer bars.
    public func close(_ id: UUID, reason: String, now: Date = Date(), actor: Actor) async throws -> IntegrityCaseRecord {
        var v = Validator()
        let text = v.text("reason", reason, max: 1000)
        try v.throwIfAny()
        return try await db.transaction { tx in
            guard let r = try await IntegrityCaseRecord.find(id, on: tx) else { throw DomainError.notFound("integrity_record") }
            guard r.closedAt == nil else { throw DomainError(.conflict, code: "integrity.already_closed") }
            let before = Snapshot(r)
            r.closedAt = now
            r.closeReason = text
            try await r.update(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "integrity.close", entityType: "integrity_record", entityID: id.uuidString,
                                        before: before, after: Snapshot(r))
            return r
        }
    }

    public func find(_ id: UUID) async throws -> IntegrityCaseRecord? { try await IntegrityCaseRecord.find(id, on: db) }

    public struct Filter: Sendable {
        public var subject: IntegritySubject?
        public var activeOnly = false
        public var search: String?
        public init() {}
    }

    /// Records newest first, without the evidence bytes.
    public func list(_ f: Filter, page: PageQuery, today: Day) async throws -> PagedList<IntegrityCaseRecord> {
        let q = IntegrityCaseRecord.query(on: db)
        if let s = f.subject { q.filter(\.$subject == s.rawValue) }
        // Records are few (tens a year), so filtering in memory keeps the search simple.
        var all = try await q.all()
        if f.activeOnly { all = all.filter { $0.facts.active(on: today) } }
        if let s = f.search?.lowercased(), !s.isEmpty { all = all.filter { $0.subjectName.lowercased().contains(s) || $0.decisionNo.lowercased().contains(s) } }
        all.sort { $0.createdAt > $1.createdAt }
        for r in all { r.evidence = nil }
        return PagedList(items: Array(all.dropFirst(page.offset).prefix(page.per)), request: page, total: all.count)
    }

    /// Records about a person, and about each organisation given (the person's own view).
    public func about(userID: UUID?, organizationIDs: [UUID]) async throws -> [IntegrityCaseRecord] {
        var out: [IntegrityCaseRecord] = []
        if let u = userID { out += try await IntegrityCaseRecord.query(on: db).filter(\.$userID == u).all() }
        if !organizationIDs.isEmpty { out += try await IntegrityCaseRecord.query(on: db).filter(\.$organizationID ~~ organizationIDs).all() }
        return out.sorted { $0.createdAt > $1.createdAt }
    }

    /// Who among these people and organisations is barred on `day`.
    public func banned(users: [UUID], organizations: [UUID], on day: Day) async throws -> (users: Set<UUID>, organizations: Set<UUID>) {
        var bu = Set<UUID>(), bo = Set<UUID>()
        if !users.isEmpty {
            for r in try await IntegrityCaseRecord.query(on: db).filter(\.$userID ~~ users).all() where r.facts.bans(on: day) { bu.insert(r.userID!) }
        }
        if !organizations.isEmpty {
            for r in try await IntegrityCaseRecord.query(on: db).filter(\.$organizationID ~~ organizations).all() where r.facts.bans(on: day) {
                bo.insert(r.organizationID!)
            }
        }
        return (bu, bo)
    }

    public func grade(userID: UUID?, organizationID: UUID?, on day: Day) async throws -> IntegrityGrade {
        // `about` already returns exactly the records of this person and this organisation.
        IntegrityGrade.of(try await about(userID: userID, organizationIDs: organizationID.map { [$0] } ?? []).map(\.facts), on: day)
    }
}
