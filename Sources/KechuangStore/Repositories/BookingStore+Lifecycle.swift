import FluentKit
import Foundation
import KechuangCore

/// Everything after a booking request: weekly series, approval, cancellation, rescheduling. Each step runs in one
/// transaction with its audit entry; freeing a slot offers it to the waiting list.
extension BookingStore {
    public enum SeriesOutcome: Sendable {
        case created([BookingRecord], skipped: [TimeSlot])
        case conflict(TimeSlot)
    }

    /// Writes on SQLite go through the process-wide gate so a check and its insert cannot interleave with another.
    func serialised<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await StoreSQL.writeTransaction(db, body)
    }

    static func isOverlapViolation(_ error: any Error) -> Bool {
        let text = String(reflecting: error)
        return text.contains("23P01") || text.contains("bookings_no_overlap")
    }

    /// `count` weekly occurrences of `first`, expanded by `BookingPolicy.weekly` against the active bookings read
    /// inside the write. Without `skipConflicts` one clash refuses the whole series (nothing is written).
    public func bookSeries(instrument: InstrumentRecord, userID: UUID, userOrgID: UUID?, first: TimeSlot, count: Int, external: Bool, note: String,
                           skipConflicts: Bool, actor: Actor) async throws -> SeriesOutcome {
        let series = UUID()
        let policy = instrument.policy
        let span = policy.weekly(first, count: count, existing: [], skipConflicts: false).accepted
        guard let last = span.last else { return .created([], skipped: []) }
        do {
            return try await serialised { tx in
                let existing = try await Self.activeSlots(on: tx, instrumentID: instrument.id!,
                                                          from: first.start.addingTimeInterval(-TimeInterval(policy.bufferMinutes * 60)),
                                                          to: last.end.addingTimeInterval(TimeInterval(policy.bufferMinutes * 60)))
                let plan = policy.weekly(first, count: count, existing: existing, skipConflicts: skipConflicts)
                if plan.accepted.isEmpty && !skipConflicts, let refused = plan.skipped.first {
                    return .conflict(policy.conflict(refused, with: existing) ?? refused)
                }
                var made: [BookingRecord] = []
                for slot in plan.accepted {
                    let b = Self.make(instrument: instrument, userID: userID, userOrgID: userOrgID, slot: slot, external: external, note: note)
                    b.seriesID = series
                    try await b.create(on: tx)
                    made.append(b)
                }
                try await AuditTrail.event(on: tx, actor: actor, action: "booking.series", entityType: "instrument", entityID: instrument.id!.uuidString,
                                           detail: ["series": series.uuidString, "created": String(made.count), "skipped": String(plan.skipped.count)])
                return .created(made, skipped: plan.skipped)
            }
        } catch where Self.isOverlapViolation(error) {
            return .conflict(first)
        }
    }

    /// Active bookings' booked times that meet [from, to), for planning a series inside its write.
    static func activeSlots(on db: any Database, instrumentID: UUID, from: Date, to: Date) async throws -> [TimeSlot] {
        try await BookingRecord.query(on: db).filter(\.$instrument.$id == instrumentID).filter(\.$status ~~ ["pending", "confirmed"])
            .filter(\.$startAt < to).filter(\.$blockedUntil > from).all().map(\.slot)
    }

    /// The holder (before the deadline) or the owning unit cancels; the slot goes to the waiting list.
    public func cancel(_ booking: BookingRecord, actor: Actor, now: Date = Date()) async throws {
        guard booking.active else { throw DomainError(.conflict, code: "booking.not_active") }
        try await serialised { tx in
            booking.status = "cancelled"
            booking.cancelledBy = actor.userID
            booking.cancelledAt = now
            try await booking.update(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "booking.cancel", entityType: "booking", entityID: booking.id!.uuidString)
            try await WaitlistStore.offerFreed(instrumentID: booking.$instrument.id, on: tx, now: now)
        }
    }

    /// Approves or rejects a pending request.
    public func decide(_ booking: BookingRecord, approve: Bool, note: String, actor: Actor, now: Date = Date()) async throws {
        guard booking.status == "pending" else { throw DomainError(.conflict, code: "booking.not_pending") }
        try await serialised { tx in
            booking.status = approve ? "confirmed" : "rejected"
            booking.decisionNote = note
            booking.decidedBy = actor.userID
            booking.decidedAt = now
            try await booking.update(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: approve ? "booking.approve" : "booking.reject", entityType: "booking",
                                       entityID: booking.id!.uuidString, detail: ["note": note])
            if !approve { try await WaitlistStore.offerFreed(instrumentID: booking.$instrument.id, on: tx, now: now) }
        }
    }

    /// Moves a booking: the old one is marked rescheduled and a new one, linked to it, takes the new slot at the
    /// price frozen in the old one. A clash leaves everything as it was.
    public func reschedule(_ old: BookingRecord, instrument: InstrumentRecord, to slot: TimeSlot, actor: Actor, now: Date = Date()) async throws -> Outcome {
        guard old.active else { throw DomainError(.conflict, code: "booking.not_active") }
        let previous = (status: old.status, at: old.cancelledAt, by: old.cancelledBy)
        do {
            return try await serialised { tx in
                old.status = "rescheduled"
                old.cancelledAt = now
                old.cancelledBy = actor.userID
                try await old.update(on: tx)
                if let clash = try await Self.clash(on: tx, instrument: instrument, slot: slot) {
                    throw SlotTaken(slot: clash.slot)
                }
                let b = Self.make(instrument: instrument, userID: old.userID, userOrgID: old.userOrgID, slot: slot, external: old.external, note: old.note)
                b.unitMinutes = old.unitMinutes
                b.unitFen = old.unitFen
                b.feeFen = FeeStandard(unitMinutes: old.unitMinutes, internalFen: old.unitFen, externalFen: old.unitFen).fee(minutes: slot.minutes, external: false).fen
                b.replacesID = old.id
                b.seriesID = old.seriesID
                try await b.create(on: tx)
                try await AuditTrail.event(on: tx, actor: actor, action: "booking.reschedule", entityType: "booking", entityID: b.id!.uuidString,
                                           detail: ["replaces": old.id!.uuidString, "start": ChinaTime.iso(slot.start), "end": ChinaTime.iso(slot.end)])
                try await WaitlistStore.offerFreed(instrumentID: instrument.id!, on: tx, now: now)
                return .created(b)
            }
        } catch let clash as SlotTaken {
            (old.status, old.cancelledAt, old.cancelledBy) = previous
            return .conflict(start: clash.slot.start, end: clash.slot.end)
        } catch where Self.isOverlapViolation(error) {
            (old.status, old.cancelledAt, old.cancelledBy) = previous
            return .conflict(start: slot.start, end: slot.end)
        }
    }

    /// Thrown inside a transaction to roll it back when a slot is taken.
    struct SlotTaken: Error { let slot: TimeSlot }
}
