import FluentKit
import Foundation
import KechuangCore

/// The 高层次人才数据库: profiles with sealed personal data, evidence files, and the access log of every view of
/// personal data by someone other than the person. Each change is audited in its transaction — without the
/// personal data itself, which never enters the audit log.
public struct TalentStore: Sendable {
    let db: any Database
    let cipher: FieldCipher
    public init(db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    /// Who is looking at personal data, and why: written to the access log unless it is the person.
    public struct Viewer: Sendable {
        public let userID: UUID?
        public let name: String
        public let role: String
        public let unit: String?
        public let purpose: String
        public init(userID: UUID?, name: String, role: String, unit: String?, purpose: String) {
            self.userID = userID
            self.name = name
            self.role = role
            self.unit = unit
            self.purpose = purpose
        }
    }

    struct Snapshot: Codable {
        let name: String
        let field: String
        let employer: String?
        let banner: String
        let employment: String
        let arrivalDate: String
        let degree: String
        let titleLevel: String
        let titles: String
        let honours: String
        let awards: Int
        let projects: Int
        let idMasked: String
        let category: String?
        let categorySince: String?

        init(_ t: TalentRecord, employer: String?) {
            name = t.name
            field = t.field
            self.employer = employer
            banner = t.banner
            employment = t.employment
            arrivalDate = t.arrivalDate
            degree = t.degree
            titleLevel = t.titleLevel
            titles = t.titles
            honours = t.honours
            awards = t.profile.awards.count
            projects = t.profile.projects.count
            idMasked = t.idMasked
            category = t.category
            categorySince = t.categorySince
        }
    }

    public func find(_ id: UUID) async throws -> TalentRecord? {
        try await TalentRecord.query(on: db).filter(\.$id == id).with(\.$employer).with(\.$user).first()
    }

    public func of(userID: UUID) async throws -> TalentRecord? {
        try await TalentRecord.query(on: db).filter(\.$user.$id == userID).with(\.$employer).with(\.$user).first()
    }

    /// Creates or updates the profile of `userID` (a user of role talent). The same ID number on two records is refused.
    @discardableResult
    public func save(_ checked: TalentProfileDraft.Checked, employer: OrganizationRecord, userID: UUID, actor: Actor) async throws -> TalentRecord {
        let digest = cipher.lookup(checked.personal.idNumber)
        return try await db.transaction { tx in
            let existing = try await TalentRecord.query(on: tx).filter(\.$user.$id == userID).with(\.$employer).first()
            if try await TalentRecord.query(on: tx).filter(\.$idDigest == digest).filter(\.$user.$id != userID).count() > 0 {
                throw ValidationErrors([.invalid("id_number", "talent.id_taken")])
            }
            let t = existing ?? TalentRecord()
            let before = existing.map { Snapshot($0, employer: $0.employer?.name) }
            let personalBefore = try existing.map { try cipher.open(json: $0.personalSealed, as: TalentPersonalData.self) }
            let p = checked.profile
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            t.$user.id = userID
            t.$employer.id = employer.id
            t.name = p.name
            t.birthYear = p.birthYear
            t.field = p.field
            t.banner = employer.bannerCode ?? ""
            t.employment = p.employment.rawValue
            t.arrivalDate = p.arrivalDate.description
            t.degree = p.degree.rawValue
            t.titleLevel = p.titleLevel.rawValue
            t.titles = p.titles
            t.honours = p.honours.map(\.rawValue).joined(separator: ",")
            t.awardsJSON = String(decoding: try encoder.encode(p.awards), as: UTF8.self)
            t.projectsJSON = String(decoding: try encoder.encode(p.projects), as: UTF8.self)
            t.personalSealed = try cipher.seal(json: checked.personal)
            t.idDigest = digest
            t.idMasked = ResidentID.masked(checked.personal.idNumber)
            try await t.save(on: tx)
            let after = Snapshot(t, employer: employer.name)
            // The audit says that personal data changed, never what it is.
            struct Change: Codable { let profile: Snapshot; let personalDataChanged: Bool }
            try await AuditTrail.record(on: tx, actor: actor, action: existing == nil ? "talent.create" : "talent.update", entityType: "talent",
                                        entityID: t.id!.uuidString, before: before.map { Change(profile: $0, personalDataChanged: false) },
                                        after: Change(profile: after, personalDataChanged: personalBefore != checked.personal))
            return t
        }
    }

    /// The person's own personal data: no log entry.
    public func ownPersonalData(_ t: TalentRecord) throws -> TalentPersonalData {
        try cipher.open(json: t.personalSealed, as: TalentPersonalData.self)
    }

    /// Personal data for someone else: the view is written to the access log (which the person reads) first.
    public func personalData(_ t: TalentRecord, for viewer: Viewer, fields: [String] = ["id_number", "phone", "family"]) async throws -> TalentPersonalData {
        let entry = TalentAccessRecord()
        entry.$talent.id = t.id!
        entry.viewerID = viewer.userID
        entry.viewerName = viewer.name
        entry.viewerRole = viewer.role
        entry.viewerUnit = viewer.unit
        entry.purpose = viewer.purpose
        entry.fields = fields.joined(separator: ",")
        entry.at = Date()
        try await entry.create(on: db)
        return try cipher.open(json: t.personalSealed, as: TalentPersonalData.self)
    }

    public func accessLog(talentID: UUID, page: PageQuery) async throws -> PagedList<TalentAccessRecord> {
        let q = TalentAccessRecord.query(on: db).filter(\.$talent.$id == talentID)
        let total = try await q.count()
        let items = try await q.sort(\.$at, .descending).range(page.offset..<(page.offset + page.per)).all()
        return PagedList(items: items, request: page, total: total)
    }

    // MARK: - Evidence

    public static let evidenceKinds = ["degree", "title", "award", "honour", "employment", "other"]

    public func addEvidence(_ t: TalentRecord, kind: String, file: TrackingStore.Attachment, actor: Actor) async throws -> TalentEvidenceRecord {
        guard Self.evidenceKinds.contains(kind) else { throw ValidationErrors([.invalid("kind", "field.not_allowed", ["value": String(kind.prefix(40))])]) }
        return try await db.transaction { tx in
            guard try await TalentEvidenceRecord.query(on: tx).filter(\.$talent.$id == t.id!).count() < 30 else {
                throw ValidationErrors([.invalid("evidence", "talent.evidence_limit", ["max": "30"])])
            }
            let e = TalentEvidenceRecord()
            e.$talent.id = t.id!
            e.kind = kind
            e.filename = file.filename
            e.contentType = file.contentType
            e.content = file.content
            try await e.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "talent.evidence_add", entityType: "talent", entityID: t.id!.uuidString,
                                       detail: ["kind": kind, "filename": file.filename, "bytes": String(file.content.count)])
            return e
        }
    }

    public func evidence(of talentID: UUID) async throws -> [TalentEvidenceRecord] {
        try await TalentEvidenceRecord.query(on: db).filter(\.$talent.$id == talentID).sort(\.$uploadedAt).all()
    }

    public func evidenceFile(_ id: UUID) async throws -> TalentEvidenceRecord? {
        try await TalentEvidenceRecord.query(on: db).filter(\.$id == id).with(\.$talent).first()
    }

    // MARK: - Staff views

    public struct Filter: Sendable {
        public var category: String?
        public var field: String?
        public var employerID: UUID?
        public var banner: String?
        public var arrivalYear: Int?
        public var unclassifiedOnly = false
        public init() {}
    }

    func query(_ f: Filter) -> QueryBuilder<TalentRecord> {
        let q = TalentRecord.query(on: db)
        if let c = f.category { q.filter(\.$category == c) }
        if f.unclassifiedOnly { q.filter(\.$category == nil) }
        if let fd = f.field, !fd.isEmpty { q.filter(\.$field, .custom("LIKE"), "%\(fd.replacingOccurrences(of: "%", with: ""))%") }
        if let e = f.employerID { q.filter(\.$employer.$id == e) }
        if let b = f.banner { q.filter(\.$banner == b) }
        if let y = f.arrivalYear { q.filter(\.$arrivalDate >= "\(y)-01-01").filter(\.$arrivalDate <= "\(y)-12-31") }
        return q
    }

    public func list(_ f: Filter, page: PageQuery) async throws -> PagedList<TalentRecord> {
        let total = try await query(f).count()
        let items = try await query(f).with(\.$employer).sort(\.$category).sort(\.$name).range(page.offset..<(page.offset + page.per)).all()
        return PagedList(items: items, request: page, total: total)
    }

    public func all(_ f: Filter) async throws -> [TalentRecord] {
        try await query(f).with(\.$employer).sort(\.$category).sort(\.$name).all()
    }

    /// Talents by arrival year and class (unclassified as "-"), for the counts over time.
    public func arrivalsByYear(_ f: Filter) async throws -> [Int: [String: Int]] {
        var out: [Int: [String: Int]] = [:]
        for t in try await query(f).all() {
            guard let y = Int(t.arrivalDate.prefix(4)) else { continue }
            out[y, default: [:]][t.category ?? "-", default: 0] += 1
        }
        return out
    }
}
