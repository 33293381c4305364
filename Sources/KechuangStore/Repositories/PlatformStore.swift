import FluentKit
import Foundation
import KechuangCore

/// The registry of recognised platforms and carriers: registration, yearly performance reports (form or import,
/// all rows or none), revocation with a reason, and the awards the engine computes per level. Every change audited.
public struct PlatformStore: Sendable {
    let db: any Database
    public init(db: any Database) { self.db = db }

    struct Snapshot: Codable {
        let name: String
        let kind: String
        let level: String
        let subtype: String?
        let host: String
        let banner: String
        let field: String
        let recognizedOn: String
        let documentNumber: String
        let regionAwardFen: Int64?
        let status: String
        let revokedReason: String?

        init(_ p: PlatformRecord, host: String) {
            name = p.name
            kind = p.kind
            level = p.level
            subtype = p.subtype
            self.host = host
            banner = p.banner
            field = p.field
            recognizedOn = p.recognizedOn
            documentNumber = p.documentNumber
            regionAwardFen = p.regionAwardFen
            status = p.status
            revokedReason = p.revokedReason
        }
    }

    struct ReportSnapshot: Codable {
        let platform: String
        let year: Int
        let grade: String
        let incubatees: Int?
        let graduates: Int?
        let areaM2: Int?
        let rdSpendFen: Int64?
    }

    @discardableResult
    public func register(_ c: PlatformDraft.Checked, host: OrganizationRecord, actor: Actor) async throws -> PlatformRecord {
        try await db.transaction { tx in
            try await Self.register(c, host: host, actor: actor, on: tx)
        }
    }

    static func register(_ c: PlatformDraft.Checked, host: OrganizationRecord, actor: Actor, on tx: any Database) async throws -> PlatformRecord {
        if try await PlatformRecord.query(on: tx).filter(\.$name == c.name).filter(\.$kind == c.kind.rawValue).count() > 0 {
            throw ValidationErrors([.invalid("name", "platform.duplicate")])
        }
        let p = PlatformRecord()
        p.name = c.name
        p.kind = c.kind.rawValue
        p.level = c.level.rawValue
        p.subtype = c.subtype
        p.$host.id = host.id!
        p.banner = c.banner.rawValue
        p.field = c.field.rawValue
        p.recognizedOn = c.recognizedOn.description
        p.documentNumber = c.documentNumber
        p.issuingBody = c.issuingBody
        p.regionAwardFen = c.regionAwardFen
        p.underConstruction = c.underConstruction
        p.status = "active"
        p.createdByName = actor.name
        try await p.create(on: tx)
        try await AuditTrail.record(on: tx, actor: actor, action: "platform.create", entityType: "platform", entityID: p.id!.uuidString,
                                    before: Optional<Snapshot>.none, after: Snapshot(p, host: host.name))
        return p
    }

    public func revoke(_ id: UUID, reason: String, actor: Actor) async throws {
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ValidationErrors([.invalid("reason", "field.required")]) }
        guard text.count <= 500 else { throw ValidationErrors([.invalid("reason", "field.too_long", ["max": "500"])]) }
        try await db.transaction { tx in
            guard let p = try await PlatformRecord.query(on: tx).filter(\.$id == id).with(\.$host).first() else { throw DomainError.notFound("platform") }
            if p.status == "revoked" { throw ValidationErrors([.invalid("reason", "recognition.already_revoked")]) }
            let before = Snapshot(p, host: p.host.name)
            p.status = "revoked"
            p.revokedReason = text
            try await p.update(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "platform.revoke", entityType: "platform", entityID: id.uuidString,
                                        before: before, after: Snapshot(p, host: p.host.name))
        }
    }

    /// Files reports; a second report for the same platform and year replaces the first (audited with both).
    public func file(_ reports: [(UUID, PlatformReportInput)], actor: Actor) async throws {
        try await db.transaction { tx in
            for (id, r) in reports { try await Self.file(r, platformID: id, actor: actor, on: tx) }
        }
    }

    static func file(_ r: PlatformReportInput, platformID: UUID, actor: Actor, on tx: any Database) async throws {
        guard let p = try await PlatformRecord.find(platformID, on: tx) else { throw DomainError.notFound("platform") }
        let old = try await PlatformReportRecord.query(on: tx).filter(\.$platform.$id == platformID).filter(\.$year == r.year).first()
        let rec = old ?? PlatformReportRecord()
        let before = old.map { ReportSnapshot(platform: p.name, year: $0.year, grade: $0.grade, incubatees: $0.incubatees, graduates: $0.graduates,
                                              areaM2: $0.areaM2, rdSpendFen: $0.rdSpendFen) }
        rec.$platform.id = platformID
        rec.year = r.year
        rec.grade = r.grade.rawValue
        rec.incubatees = r.incubatees
        rec.graduates = r.graduates
        rec.areaM2 = r.areaM2
        rec.rdSpendFen = r.rdSpendFen
        rec.summary = r.summary
        rec.createdByName = actor.name
        try await rec.save(on: tx)
        try await AuditTrail.record(on: tx, actor: actor, action: "platform.report", entityType: "platform", entityID: platformID.uuidString,
                                    before: before, after: ReportSnapshot(platform: p.name, year: r.year, grade: r.grade.rawValue, incubatees: r.incubatees,
                                                                          graduates: r.graduates, areaM2: r.areaM2, rdSpendFen: r.rdSpendFen))
    }

    public struct Filter: Sendable {
        public var kind: PlatformKind?
        public var level: Recognition.Level?
        public var banner: Banner?
        public var field: PriorityField?
        public var search: String?
        public var includeRevoked: Bool
        public init(kind: PlatformKind? = nil, level: Recognition.Level? = nil, banner: Banner? = nil, field: PriorityField? = nil, search: String? = nil,
                    includeRevoked: Bool = false) {
            self.kind = kind
            self.level = level
            self.banner = banner
            self.field = field
            self.search = search
            self.includeRevoked = includeRevoked
        }
    }

    public func list(_ f: Filter, page: PageQuery) async throws -> PagedList<PlatformRecord> {
        let q = query(f)
        let total = try await q.count()
        let items = try await q.sort(\.$kind).sort(\.$name).range(page.offset..<(page.offset + page.per)).with(\.$host).with(\.$reports).all()
        return PagedList(items: items, request: page, total: total)
    }

    /// Every platform the filter selects, for exports and the awards due (the registry holds hundreds, not millions).
    public func all(_ f: Filter) async throws -> [PlatformRecord] {
        try await query(f).sort(\.$kind).sort(\.$name).with(\.$host).with(\.$reports).all()
    }

    func query(_ f: Filter) -> QueryBuilder<PlatformRecord> {
        let q = PlatformRecord.query(on: db)
        if let k = f.kind { q.filter(\.$kind == k.rawValue) }
        if let l = f.level { q.filter(\.$level == l.rawValue) }
        if let b = f.banner { q.filter(\.$banner == b.rawValue) }
        if let field = f.field { q.filter(\.$field == field.rawValue) }
        if let s = f.search?.trimmingCharacters(in: .whitespaces), !s.isEmpty { q.filter(\.$name ~~ s) }
        if !f.includeRevoked { q.filter(\.$status == "active") }
        return q
    }

    public func find(_ id: UUID) async throws -> PlatformRecord? {
        try await PlatformRecord.query(on: db).filter(\.$id == id).with(\.$host).with(\.$reports).first()
    }

    /// The awards of `year` for every active platform, eligible ones only, largest first: the staff's "due this year".
    public func awardsDue(year: Int, base: RuleBase) async throws -> [(PlatformRecord, PlatformAwards.Award)] {
        var out: [(PlatformRecord, PlatformAwards.Award)] = []
        for p in try await all(Filter()) {
            guard let facts = p.facts() else { continue }
            for a in PlatformAwards.evaluate(facts, year: year, base: base) where a.trace.outcome.status == .eligible { out.append((p, a)) }
        }
        return out.sorted { ($0.1.trace.outcome.amount ?? .zero) > ($1.1.trace.outcome.amount ?? .zero) }
    }

    /// Enterprises and institutions that may host a platform, by name.
    public func hostCandidates() async throws -> [OrganizationRecord] {
        try await OrganizationRecord.query(on: db).filter(\.$kindRaw != OrganizationKind.department.rawValue).sort(\.$name).all()
    }
}
