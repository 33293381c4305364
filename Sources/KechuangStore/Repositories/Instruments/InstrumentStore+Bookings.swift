import FluentKit
import Foundation
import KechuangCore

/// A user's side of booking as use cases: each one reads what it needs, asks the booking rules in Core
/// (`BookingAccess`, `BookingPolicy`), writes through `BookingStore` / `WaitlistStore` with the real actor and
/// answers the page and the API alike. Controllers decode the request, call one of these and render.
extension InstrumentStore {
    /// The person asking, as the rules see them: inside the owning unit or not, the unit billed, the training held.
    public func booker(userID: UUID, instrument i: InstrumentRecord) async throws -> Booker {
        // One query for both questions: is the user inside the owning unit, and which unit is billed.
        let units = try await AccountStore.organizationIDs(of: userID, on: db)
        var quals: Set<String> = []
        if !i.qualification.isEmpty, try await TrainingRecord.query(on: db).filter(\.$instrumentID == i.id!).filter(\.$userID == userID).count() > 0 {
            quals.insert(i.qualification)
        }
        return Booker(userID: userID, organizationID: units.first, internalUser: units.contains(i.$organization.id), qualifications: quals)
    }

    /// The checks every single booking passes (open to this person, the slot obeys the rules), then the booking.
    public func requestBooking(_ i: InstrumentRecord, userID: UUID, slot: TimeSlot, note: String, idempotencyKey: String?,
                               now: Date, actor: Actor) async throws -> BookingStore.Outcome {
        let who = try await booker(userID: userID, instrument: i)
        try BookingAccess.checkOpen(status: i.status, shareMode: i.shareMode, booker: who)
        try i.policy.check(slot, now: now, qualifications: who.qualifications)
        return try await BookingStore(db: db).book(instrument: i, userID: userID, userOrgID: who.organizationID, slot: slot, external: !who.internalUser,
                                                   note: note, idempotencyKey: idempotencyKey, actor: actor)
    }

    /// `count` weekly occurrences of `first` (members of the owning unit only); every occurrence obeys the rules,
    /// and without `skipConflicts` one clash refuses the whole series.
    public func requestSeries(_ i: InstrumentRecord, userID: UUID, first: TimeSlot, count: Int, skipConflicts: Bool, note: String,
                              now: Date, actor: Actor) async throws -> BookingStore.SeriesOutcome {
        let who = try await booker(userID: userID, instrument: i)
        try BookingAccess.checkSeries(count: count, booker: who)
        try BookingAccess.checkOpen(status: i.status, shareMode: i.shareMode, booker: who)
        let policy = i.policy
        for (k, s) in policy.weekly(first, count: count, existing: [], skipConflicts: false).accepted.enumerated() {
            do { try policy.check(s, now: now, qualifications: who.qualifications) } catch {
                throw BookingAccess.seriesOccurrenceErrors(error, occurrence: k + 1, start: s.start)
            }
        }
        return try await BookingStore(db: db).bookSeries(instrument: i, userID: userID, userOrgID: who.organizationID, first: first, count: count,
                                                         external: false, note: note, skipConflicts: skipConflicts, actor: actor)
    }

    /// Queues for a taken slot; the same checks as a booking, so an offer can be accepted as it stands.
    public func joinWaitlist(_ i: InstrumentRecord, userID: UUID, slot: TimeSlot, now: Date, actor: Actor) async throws -> WaitlistRecord {
        let who = try await booker(userID: userID, instrument: i)
        try BookingAccess.checkOpen(status: i.status, shareMode: i.shareMode, booker: who)
        try i.policy.check(slot, now: now, qualifications: who.qualifications)
        return try await WaitlistStore(db: db).join(instrument: i, userID: userID, slot: slot, actor: actor)
    }

    /// A booking with its instrument, if the user may change it: the holder, or a manager of the instrument
    /// (`manages` answers that for the instrument found). Others get 404, so ids cannot be probed.
    public func changeableBooking(_ id: UUID, userID: UUID, manages: (InstrumentRecord) async throws -> Bool) async throws
        -> (booking: BookingRecord, instrument: InstrumentRecord, byManager: Bool) {
        guard let b = try await BookingRecord.find(id, on: db), let i = try await InstrumentRecord.find(b.$instrument.id, on: db) else {
            throw DomainError.notFound("booking")
        }
        let manager = try await manages(i)
        guard b.userID == userID || manager else { throw DomainError.notFound("booking") }
        return (b, i, manager)
    }

    /// Cancels: the holder before the instrument's deadline, a manager at any time; the slot goes to the waiting list.
    public func cancelBooking(_ b: BookingRecord, instrument i: InstrumentRecord, byManager: Bool, now: Date, actor: Actor) async throws {
        try BookingAccess.checkChange(b.slot, policy: i.policy, now: now, byManager: byManager)
        try await BookingStore(db: db).cancel(b, actor: actor, now: now)
    }

    /// Moves the holder's own booking to a new slot that obeys the rules, before the deadline.
    public func rescheduleBooking(_ id: UUID, userID: UUID, to slot: TimeSlot, now: Date, actor: Actor) async throws -> BookingStore.Outcome {
        guard let b = try await BookingRecord.find(id, on: db), b.userID == userID, let i = try await InstrumentRecord.find(b.$instrument.id, on: db) else {
            throw DomainError.notFound("booking")
        }
        try BookingAccess.checkChange(b.slot, policy: i.policy, now: now, byManager: false)
        let who = try await booker(userID: userID, instrument: i)
        try i.policy.check(slot, now: now, qualifications: who.qualifications)
        return try await BookingStore(db: db).reschedule(b, instrument: i, to: slot, actor: actor, now: now)
    }

    /// The user's own waiting-list entry (others get 404).
    func ownWait(_ id: UUID, userID: UUID) async throws -> WaitlistRecord {
        guard let w = try await WaitlistRecord.find(id, on: db), w.userID == userID else { throw DomainError.notFound("waitlist") }
        return w
    }

    /// Takes a live offer: the slot is booked under the same rules (retrying is safe: the offer is the key).
    public func acceptOffer(_ waitID: UUID, userID: UUID, now: Date, actor: Actor) async throws -> BookingStore.Outcome {
        let w = try await ownWait(waitID, userID: userID)
        guard w.status == "offered", (w.offeredUntil ?? .distantPast) > now, let i = try await InstrumentRecord.find(w.instrumentID, on: db) else {
            throw DomainError(.conflict, code: "waitlist.offer_lapsed")
        }
        let outcome = try await requestBooking(i, userID: userID, slot: TimeSlot(start: w.startAt, end: w.endAt), note: "",
                                               idempotencyKey: "waitlist-" + w.id!.uuidString, now: now, actor: actor)
        switch outcome {
        case .created(let b), .replayed(let b): try await WaitlistStore(db: db).markBooked(w, bookingID: b.id!, actor: actor)
        case .conflict: break
        }
        return outcome
    }

    public func withdrawWait(_ waitID: UUID, userID: UUID, now: Date, actor: Actor) async throws {
        try await WaitlistStore(db: db).withdraw(try await ownWait(waitID, userID: userID), actor: actor, now: now)
    }

    /// The user rates a finished session of their own, 1–5 with an optional comment.
    public func rateUsage(_ id: UUID, userID: UUID, rating: Int?, comment: String?, actor: Actor) async throws {
        guard let u = try await UsageRecord.find(id, on: db), u.userID == userID else { throw DomainError.notFound("usage") }
        var v = Validator()
        if rating == nil || !(1...5).contains(rating!) { v.add(.invalid("rating", "field.range", ["min": "1", "max": "5"])) }
        let text = v.text("comment", comment, max: 500, required: false) ?? ""
        try v.throwIfAny()
        try await UsageStore(db: db).rate(u, rating: rating!, comment: text, actor: actor)
    }

    /// Creates or replaces the secret of the user's calendar feed (the old URL stops working); returns the new secret.
    @discardableResult
    public func resetCalendarFeed(userID: UUID, actor: Actor) async throws -> String {
        var bytes = [UInt8](repeating: 0, count: 24)
        for k in bytes.indices { bytes[k] = UInt8.random(in: 0...255) }
        let token = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        try await db.transaction { tx in
            try await CalendarFeedRecord.query(on: tx).filter(\.$userID == userID).delete()
            let feed = CalendarFeedRecord()
            feed.userID = userID
            feed.token = token
            try await feed.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "calendar.reset", entityType: "user", entityID: userID.uuidString)
        }
        return token
    }

    /// Busy (blocked) intervals of an instrument that meet [from, to): the availability grid and API read these.
    public func busySlots(_ instrumentID: UUID, from: Date, to: Date) async throws -> [TimeSlot] {
        try await BookingRecord.query(on: db).filter(\.$instrument.$id == instrumentID).filter(\.$status ~~ ["pending", "confirmed"])
            .filter(\.$startAt < to).filter(\.$blockedUntil > from).all().map { TimeSlot(start: $0.startAt, end: $0.blockedUntil) }
    }

    /// Names of instruments by id, for lists that show bookings of many instruments.
    public func instrumentNames(_ ids: Set<UUID>) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await InstrumentRecord.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// Booked minutes per instrument inside [from, to) (buffers included), for the search's availability filter.
    /// Plain SQL on three columns: it reads every booking of the range across the registry.
    public func busyMinutes(from: Date, to: Date) async throws -> [UUID: Int] {
        struct Row: Decodable { let instrument_id: UUID; let start_at: Date; let blocked_until: Date }
        let rows = try await StoreSQL.sql(db).select().columns("instrument_id", "start_at", "blocked_until").from("bookings")
            .where("status", .in, ["pending", "confirmed"]).where("start_at", .lessThan, to).where("blocked_until", .greaterThan, from).all(decoding: Row.self)
        var out: [UUID: Int] = [:]
        for r in rows { out[r.instrument_id, default: 0] += Int(min(r.blocked_until, to).timeIntervalSince(max(r.start_at, from)) / 60) }
        return out
    }
}
