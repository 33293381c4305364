import FluentKit
import Foundation
import KechuangCore

/// The owning unit's desk for one instrument, and the facts the public instrument page shows a visitor, as use
/// cases: what to decide, what to record, who is trained, and what the booking rules say of this visitor.
extension InstrumentStore {
    public struct Desk: Sendable {
        public let pending: [BookingRecord]
        public let upcoming: [BookingRecord]
        /// Confirmed bookings that have started: sessions to record.
        public let toRecord: [BookingRecord]
        public let usage: [UsageRecord]
        public let trainings: [TrainingRecord]
        public let waitlist: [WaitlistRecord]
        /// "Name (username)" of every user on the desk.
        public let userNames: [UUID: String]
    }

    public func desk(_ i: InstrumentRecord, now: Date) async throws -> Desk {
        let id = i.id!
        let pending = try await BookingRecord.query(on: db).filter(\.$instrument.$id == id).filter(\.$status == "pending").sort(\.$startAt).limit(100).all()
        let upcoming = try await BookingRecord.query(on: db).filter(\.$instrument.$id == id).filter(\.$status == "confirmed").filter(\.$endAt > now)
            .sort(\.$startAt).limit(50).all()
        let past = try await BookingRecord.query(on: db).filter(\.$instrument.$id == id).filter(\.$status == "confirmed").filter(\.$startAt <= now)
            .sort(\.$startAt, .descending).limit(50).all()
        let usage = try await UsageRecord.query(on: db).filter(\.$instrumentID == id).sort(\.$startAt, .descending).limit(50).all()
        let trainings = try await TrainingRecord.query(on: db).filter(\.$instrumentID == id).sort(\.$createdAt, .descending).all()
        let queue = try await WaitlistRecord.query(on: db).filter(\.$instrumentID == id).filter(\.$status ~~ ["waiting", "offered"]).sort(\.$createdAt).all()
        let people = Set((pending + upcoming + past).map(\.userID) + usage.map(\.userID) + trainings.map(\.userID) + queue.map(\.userID))
        return Desk(pending: pending, upcoming: upcoming, toRecord: past, usage: usage, trainings: trainings, waitlist: queue,
                    userNames: try await userNames(people))
    }

    /// "Name (username)" by user id.
    public func userNames(_ ids: Set<UUID>) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await UserRecord.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, "\($0.displayName) (\($0.username))") },
                          uniquingKeysWith: { a, _ in a })
    }

    /// A booking of an instrument the caller manages (`manages` answers for the instrument found); 404 otherwise.
    public func managedBooking(_ id: UUID, manages: (InstrumentRecord) async throws -> Bool) async throws -> (BookingRecord, InstrumentRecord) {
        guard let b = try await BookingRecord.find(id, on: db), let i = try await InstrumentRecord.find(b.$instrument.id, on: db),
              try await manages(i) else { throw DomainError.notFound("booking") }
        return (b, i)
    }

    /// A session as typed at the desk: against a booking of this instrument, or for a user named by username.
    public struct SessionInput: Sendable {
        public var booking: String?
        public var username: String?
        public var operatorName: String?
        /// The times as parsed from the form (their own errors name the fields).
        public var slot: Result<TimeSlot, ValidationErrors>
        public var samples: String?
        public var purpose: String?
        public var notes: String?
        public init(booking: String?, username: String?, operatorName: String?, slot: Result<TimeSlot, ValidationErrors>, samples: String?, purpose: String?,
                    notes: String?) {
            self.booking = booking
            self.username = username
            self.operatorName = operatorName
            self.slot = slot
            self.samples = samples
            self.purpose = purpose
            self.notes = notes
        }
    }

    public static let usagePurposes = ["research", "teaching", "testing_service", "legal_certification", "commercial_inspection"]

    /// Records a session: every field checked (all errors at once), the user's unit and internal/external status
    /// looked up, priced at the booking's frozen fee, compared with the booking by the gap rule.
    @discardableResult
    public func recordSession(_ i: InstrumentRecord, _ input: SessionInput, now: Date, gapRule: SharingEvaluationConfig.GapRule, base: RuleBase?,
                              actor: Actor) async throws -> UsageRecord {
        var v = Validator()
        var booking: BookingRecord?
        var user: UserRecord?
        if let raw = input.booking, !raw.isEmpty {
            if let id = UUID(uuidString: raw) { booking = try await BookingRecord.find(id, on: db) }
            if booking == nil || booking?.$instrument.id != i.id { v.add(.invalid("booking", "usage.unknown_booking")); booking = nil }
            else { user = try await UserRecord.find(booking!.userID, on: db) }
        } else if let name = input.username, !name.isEmpty {
            user = try await UserRecord.query(on: db).filter(\.$username == name.lowercased()).first()
            if user == nil { v.add(.invalid("username", "usage.unknown_user")) }
        } else { v.add(.invalid("username", "field.required")) }
        let operatorName = v.text("operator", input.operatorName, max: 50) ?? ""
        let samples = Int(input.samples ?? "")
        if samples == nil || !(0...100_000).contains(samples!) { v.add(.invalid("samples", "field.range", ["min": "0", "max": "100000"])) }
        let purpose = input.purpose ?? ""
        if !Self.usagePurposes.contains(purpose) { v.add(.invalid("purpose", "field.not_allowed", ["value": String(purpose.prefix(40))])) }
        let notes = v.text("notes", input.notes, max: 1000, required: false) ?? ""
        var slot: TimeSlot?
        switch input.slot {
        case .success(let s):
            if s.end <= s.start { v.add(.invalid("end", "booking.end_before_start")) } else if s.start > now { v.add(.invalid("start", "usage.in_future")) } else { slot = s }
        case .failure(let e): for x in e.errors { v.add(x) }
        }
        try v.throwIfAny()
        let who = try await booker(userID: user!.id!, instrument: i)
        return try await UsageStore(db: db).record(.init(userID: user!.id!, userOrgID: booking?.userOrgID ?? who.organizationID,
                                                         external: booking?.external ?? !who.internalUser, operatorName: operatorName, slot: slot!,
                                                         samples: samples!, purpose: purpose, notes: notes),
                                                   instrument: i, booking: booking, gapRule: gapRule, base: base, actor: actor)
    }

    /// Grants the instrument's qualification to a user named by username (once).
    @discardableResult
    public func grantTraining(_ i: InstrumentRecord, username: String, note: String, grantedBy: UUID, actor: Actor) async throws -> TrainingRecord {
        guard let user = try await UserRecord.query(on: db).filter(\.$username == username.lowercased()).first() else {
            throw DomainError.invalid("trainee", "usage.unknown_user")
        }
        if try await TrainingRecord.query(on: db).filter(\.$instrumentID == i.id!).filter(\.$userID == user.id!).count() > 0 {
            throw DomainError(.conflict, code: "training.exists", field: "trainee")
        }
        let t = TrainingRecord()
        t.instrumentID = i.id!
        t.userID = user.id!
        t.grantedBy = grantedBy
        t.note = note
        try await db.transaction { tx in
            try await t.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "training.grant", entityType: "instrument", entityID: i.id!.uuidString,
                                       detail: ["user": user.username, "qualification": i.qualification])
        }
        return t
    }

    /// What the instrument page needs besides the instrument: its owner, what the rules say of the visitor (inside
    /// the unit, qualification missing) and the booked times of the week shown.
    public struct PageFacts: Sendable {
        public let owner: OrganizationRecord?
        public let visitor: Booker?
        public let qualificationMissing: String?
        public let busy: [TimeSlot]
    }

    public func pageFacts(_ i: InstrumentRecord, visitorID: UUID?, from: Date, to: Date) async throws -> PageFacts {
        let owner = try await OrganizationRecord.find(i.$organization.id, on: db)
        let visitor = try await visitorID.asyncMap { try await booker(userID: $0, instrument: i) }
        let missing = visitor.flatMap { v in !i.qualification.isEmpty && !v.qualifications.contains(i.qualification) ? i.qualification : nil }
        return PageFacts(owner: owner, visitor: visitor, qualificationMissing: missing, busy: try await busySlots(i.id!, from: from, to: to))
    }
}
