import FluentKit
import Foundation
import KechuangCore

/// Recognitions on the cultivation ladder: recorded by staff with evidence, flagged before expiry, revoked with a
/// reason (never deleted), each change audited in the same transaction. The art. 7 award is asked of the engine.
public struct RecognitionStore: Sendable {
    let db: any Database
    public init(db: any Database) { self.db = db }

    /// An evidence file: the same shape as a progress report's attachment.
    public typealias Evidence = TrackingStore.Attachment

    struct Snapshot: Codable {
        let organization: String
        let rung: String
        let level: String
        let certificateNumber: String
        let recognizedOn: String
        let expiresOn: String
        let issuingBody: String
        let firstTime: Bool
        let revoked: Bool
        let revokedReason: String?
        let evidence: String?

        init(_ r: RecognitionRecord, organization: String) {
            self.organization = organization
            rung = r.rung
            level = r.level
            certificateNumber = r.certificateNumber
            recognizedOn = r.recognizedOn
            expiresOn = r.expiresOn
            issuingBody = r.issuingBody
            firstTime = r.firstTime
            revoked = r.revoked
            revokedReason = r.revokedReason
            evidence = r.evidenceFilename
        }
    }

    /// Records a recognition; the same certificate number twice for one enterprise and title is refused.
    @discardableResult
    public func record(_ r: Recognition, organization: OrganizationRecord, evidence: Evidence?, actor: Actor) async throws -> RecognitionRecord {
        try await db.transaction { tx in
            let clash = try await RecognitionRecord.query(on: tx).filter(\.$organization.$id == organization.id!)
                .filter(\.$rung == r.rung.rawValue).filter(\.$certificateNumber == r.certificateNumber).count()
            if clash > 0 { throw ValidationErrors([.invalid("certificate_number", "recognition.duplicate")]) }
            let rec = RecognitionRecord()
            rec.$organization.id = organization.id!
            rec.rung = r.rung.rawValue
            rec.level = r.level.rawValue
            rec.certificateNumber = r.certificateNumber
            rec.recognizedOn = r.recognizedOn.description
            rec.expiresOn = r.expiresOn.description
            rec.issuingBody = r.issuingBody
            rec.firstTime = r.firstTime
            rec.revoked = false
            rec.evidenceFilename = evidence?.filename
            rec.evidenceContentType = evidence?.contentType
            rec.evidence = evidence?.content
            rec.createdByName = actor.name
            try await rec.create(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "recognition.create", entityType: "recognition", entityID: rec.id!.uuidString,
                                        before: Optional<Snapshot>.none, after: Snapshot(rec, organization: organization.name))
            return rec
        }
    }

    /// Revokes with a reason; the record stays, marked, and the change is audited.
    public func revoke(_ id: UUID, reason: String, on day: Day, actor: Actor) async throws -> RecognitionRecord {
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ValidationErrors([.invalid("reason", "field.required")]) }
        guard text.count <= 500 else { throw ValidationErrors([.invalid("reason", "field.too_long", ["max": "500"])]) }
        return try await db.transaction { tx in
            guard let rec = try await RecognitionRecord.query(on: tx).filter(\.$id == id).with(\.$organization).first() else {
                throw DomainError.notFound("recognition")
            }
            if rec.revoked { throw ValidationErrors([.invalid("reason", "recognition.already_revoked")]) }
            let before = Snapshot(rec, organization: rec.organization.name)
            rec.revoked = true
            rec.revokedReason = text
            rec.revokedOn = day.description
            rec.revokedByName = actor.name
            try await rec.update(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "recognition.revoke", entityType: "recognition", entityID: id.uuidString,
                                        before: before, after: Snapshot(rec, organization: rec.organization.name))
            return rec
        }
    }

    public func of(organizationID: UUID) async throws -> [RecognitionRecord] {
        try await RecognitionRecord.query(on: db).filter(\.$organization.$id == organizationID)
            .sort(\.$recognizedOn, .descending).all()
    }

    public func find(_ id: UUID) async throws -> RecognitionRecord? {
        try await RecognitionRecord.query(on: db).filter(\.$id == id).with(\.$organization).first()
    }

    public struct Filter: Sendable {
        public var rung: LadderRung?
        /// Only those in force whose expiry falls within the warning window from `today`.
        public var expiringOnly: Bool
        public var includeRevoked: Bool
        public init(rung: LadderRung? = nil, expiringOnly: Bool = false, includeRevoked: Bool = false) {
            self.rung = rung
            self.expiringOnly = expiringOnly
            self.includeRevoked = includeRevoked
        }
    }

    /// The staff list: soonest expiry first; the expiring filter is a date range on the stored calendar dates.
    public func list(_ f: Filter, today: Day, page: PageQuery) async throws -> PagedList<RecognitionRecord> {
        let q = query(f, today: today)
        let total = try await q.count()
        let items = try await q.sort(\.$expiresOn).range(page.offset..<(page.offset + page.per)).all()
        return PagedList(items: items, request: page, total: total)
    }

    /// Every recognition the filter selects, for exports.
    public func all(_ f: Filter, today: Day) async throws -> [RecognitionRecord] {
        try await query(f, today: today).sort(\.$expiresOn).all()
    }

    func query(_ f: Filter, today: Day) -> QueryBuilder<RecognitionRecord> {
        let q = RecognitionRecord.query(on: db).with(\.$organization)
        if let r = f.rung { q.filter(\.$rung == r.rawValue) }
        if !f.includeRevoked { q.filter(\.$revoked == false) }
        if f.expiringOnly {
            q.filter(\.$expiresOn >= today.description).filter(\.$expiresOn <= today.adding(days: Recognition.expiryWarningDays).description)
        }
        return q
    }

    /// The art. 7 award the engine computes from a first 高企 recognition (inputs from the record, never typed).
    public static func award(_ r: Recognition, base: RuleBase) -> RuleTrace? {
        guard r.rung == .hnte, let rule = base.rule("hte_first_recognition_award") else { return nil }
        let day = Day("\(r.recognizedOn.year)-12-31")!
        return base.explain(entity: .enterprise, date: day, inputs: Recognition.inputs([r], on: day, dataYear: r.recognizedOn.year))
            .first { $0.rule.id == rule.id }
    }
}
