import FluentKit
import Foundation
import KechuangCore

/// Green-channel requests: filed by a classified talent, answered by the responsible unit within the service's days
/// (the clock stops while the unit waits for documents), every step kept for the talent to see and audited.
public struct ServiceRequestStore: Sendable {
    let db: any Database
    public init(db: any Database) { self.db = db }

    struct Snapshot: Codable {
        let service: String
        let unit: String
        let state: String
        let slaDays: Int
        let files: [String]?
        init(_ r: ServiceRequestRecord, unit: String, files: [String]? = nil) {
            service = r.service
            self.unit = unit
            state = r.state
            slaDays = r.slaDays
            self.files = files
        }
    }

    public func create(talent t: TalentRecord, service: TalentServiceCatalogue.Service, details: String, now: Date = Date(),
                       actor: Actor) async throws -> ServiceRequestRecord {
        var v = Validator()
        let text = v.text("details", details, max: 2000)
        if t.confirmedCategory == nil { v.add(.invalid("service", "talent.not_classified")) }
        if let c = t.confirmedCategory, !service.categories.isEmpty, !service.categories.contains(c) {
            v.add(.invalid("service", "talent.service_not_for_class", ["category": c.rawValue]))
        }
        try v.throwIfAny()
        return try await db.transaction { tx in
            guard let unit = try await OrganizationRecord.query(on: tx).filter(\.$name == service.unit).first() else {
                throw ValidationErrors([.invalid("service", "talent.service_unit_unknown", ["unit": service.unit])])
            }
            let open = try await ServiceRequestRecord.query(on: tx).filter(\.$talent.$id == t.id!).filter(\.$service == service.code)
                .filter(\.$state ~~ ServiceRequestState.allCases.filter(\.isOpen).map(\.rawValue)).count()
            if open > 0 { throw ValidationErrors([.invalid("service", "talent.service_open")]) }
            let r = ServiceRequestRecord()
            r.$talent.id = t.id!
            r.$unit.id = unit.id!
            r.service = service.code
            r.details = text!
            r.state = ServiceRequestState.submitted.rawValue
            r.slaDays = service.days
            r.submittedAt = now
            r.pausedSeconds = 0
            r.updatedAt = now
            try await r.create(on: tx)
            try await step(r, action: "submit", from: "", to: r.state, note: text!, actor: actor, at: now, on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "service_request.submit", entityType: "service_request", entityID: r.id!.uuidString,
                                        before: Optional<Snapshot>.none, after: Snapshot(r, unit: unit.name))
            return r
        }
    }

    func step(_ r: ServiceRequestRecord, action: String, from: String, to: String, note: String, actor: Actor, at: Date, on tx: any Database) async throws {
        let s = ServiceRequestStepRecord()
        s.$request.id = r.id!
        s.action = action
        s.fromState = from
        s.toState = to
        s.actorName = actor.name
        s.note = note
        s.at = at
        try await s.create(on: tx)
    }

    /// One move. `by` says whose move it is; the caller has checked that the actor is the talent or a member of the unit.
    @discardableResult
    public func act(_ id: UUID, _ action: ServiceRequestAction, note: String, by: ServiceRequestAction.Actor, files: [TrackingStore.Attachment] = [],
                    now: Date = Date(), actor: Actor) async throws -> ServiceRequestRecord {
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        if action.needsNote && text.isEmpty { throw ValidationErrors([.invalid("note", "field.required")]) }
        guard text.count <= 2000 else { throw ValidationErrors([.invalid("note", "field.too_long", ["max": "2000"])]) }
        guard action.actor == by else { throw DomainError.forbidden }
        return try await db.transaction { tx in
            guard let r = try await ServiceRequestRecord.query(on: tx).filter(\.$id == id).with(\.$unit).first() else {
                throw DomainError.notFound("service_request")
            }
            let from = r.requestState
            guard let to = action.next(from: from, wasAccepted: r.acceptedAt != nil) else {
                throw ValidationErrors([.invalid("action", "talent.request_move", ["state": from.rawValue, "action": action.rawValue])])
            }
            let before = Snapshot(r, unit: r.unit.name)
            if from == .documentsRequested, let since = r.pausedSince {
                r.pausedSeconds += Int64(max(0, now.timeIntervalSince(since)))
                r.pausedSince = nil
            }
            if to == .documentsRequested { r.pausedSince = now }
            if to == .accepted && r.acceptedAt == nil { r.acceptedAt = now }
            if !to.isOpen { r.closedAt = now }
            r.state = to.rawValue
            r.updatedAt = now
            try await r.update(on: tx)
            try await step(r, action: action.rawValue, from: from.rawValue, to: to.rawValue, note: text, actor: actor, at: now, on: tx)
            if try await ServiceRequestFileRecord.query(on: tx).filter(\.$request.$id == id).count() + files.count > Self.maxFiles {
                throw ValidationErrors([.invalid("documents", "talent.evidence_limit", ["max": String(Self.maxFiles)])])
            }
            for f in files {
                let file = ServiceRequestFileRecord()
                file.$request.id = id
                file.filename = f.filename
                file.contentType = f.contentType
                file.content = f.content
                file.uploadedByName = actor.name
                file.uploadedAt = now
                try await file.create(on: tx)
            }
            try await AuditTrail.record(on: tx, actor: actor, action: "service_request.\(action.rawValue)", entityType: "service_request",
                                        entityID: id.uuidString, before: before, after: Snapshot(r, unit: r.unit.name, files: files.map(\.filename)))
            return r
        }
    }

    public static let maxFiles = 20

    /// The documents sent with a request (without their content).
    public func files(of id: UUID) async throws -> [ServiceRequestFileRecord] {
        try await ServiceRequestFileRecord.query(on: db).filter(\.$request.$id == id).field(\.$id).field(\.$filename).field(\.$contentType)
            .field(\.$uploadedByName).field(\.$uploadedAt).field(\.$request.$id).sort(\.$uploadedAt).all()
    }

    public func file(_ id: UUID, of requestID: UUID) async throws -> ServiceRequestFileRecord? {
        try await ServiceRequestFileRecord.query(on: db).filter(\.$id == id).filter(\.$request.$id == requestID).first()
    }

    public func find(_ id: UUID) async throws -> ServiceRequestRecord? {
        try await ServiceRequestRecord.query(on: db).filter(\.$id == id).with(\.$unit).with(\.$talent).first()
    }

    public func steps(_ id: UUID) async throws -> [ServiceRequestStepRecord] {
        try await ServiceRequestStepRecord.query(on: db).filter(\.$request.$id == id).sort(\.$at).all()
    }

    public func of(talentID: UUID) async throws -> [ServiceRequestRecord] {
        try await ServiceRequestRecord.query(on: db).filter(\.$talent.$id == talentID).with(\.$unit).sort(\.$submittedAt, .descending).all()
    }

    public struct QueueFilter: Sendable {
        public var units: [UUID]?
        public var state: String?
        public var overdueOnly = false
        public init() {}
    }

    /// A unit's queue (all units for the talent office): open first, oldest first; overdue worked out on read.
    public func queue(_ f: QueueFilter, page: PageQuery, now: Date = Date()) async throws -> PagedList<ServiceRequestRecord> {
        let q = ServiceRequestRecord.query(on: db)
        if let u = f.units { q.filter(\.$unit.$id ~~ u) }
        if let s = f.state { q.filter(\.$state == s) }
        var all = try await q.with(\.$unit).with(\.$talent).sort(\.$submittedAt).all()
        if f.overdueOnly { all = all.filter { $0.deadline.overdue(state: $0.requestState, now: now) } }
        all.sort { ($0.requestState.isOpen ? 0 : 1, $0.submittedAt) < ($1.requestState.isOpen ? 0 : 1, $1.submittedAt) }
        let slice = all.dropFirst(page.offset).prefix(page.per)
        return PagedList(items: Array(slice), request: page, total: all.count)
    }

    /// Per unit: open, overdue now, completed, completed late, refused — for the tracking page.
    public struct UnitCounts: Sendable {
        public let unit: String
        public var open = 0
        public var overdue = 0
        public var completed = 0
        public var completedLate = 0
        public var refused = 0
    }

    public func countsByUnit(now: Date = Date()) async throws -> [UnitCounts] {
        var out: [String: UnitCounts] = [:]
        for r in try await ServiceRequestRecord.query(on: db).with(\.$unit).all() {
            var c = out[r.unit.name] ?? UnitCounts(unit: r.unit.name)
            let s = r.requestState
            if s.isOpen { c.open += 1 }
            if r.deadline.overdue(state: s, now: now) { c.overdue += 1 }
            if s == .completed {
                c.completed += 1
                if let closed = r.closedAt, closed > r.deadline.due(now: closed) { c.completedLate += 1 }
            }
            if s == .refused { c.refused += 1 }
            out[r.unit.name] = c
        }
        return out.values.sorted { ($0.overdue, $0.open, $0.unit) > ($1.overdue, $1.open, $1.unit) }
    }
}
