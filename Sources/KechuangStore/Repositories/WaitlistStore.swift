import FluentKit
import Foundation
import KechuangCore

/// The waiting list: someone who found a slot taken queues for it; when it frees, the first in line whose slot
/// is now clear gets an offer for 24 hours (or until the slot starts), then the next one does.
public struct WaitlistStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public static let offerHours = 24

    public func join(instrument: InstrumentRecord, userID: UUID, slot: TimeSlot, actor: Actor) async throws -> WaitlistRecord {
        if try await WaitlistRecord.query(on: db).filter(\.$instrumentID == instrument.id!).filter(\.$userID == userID)
            .filter(\.$startAt == slot.start).filter(\.$status ~~ ["waiting", "offered"]).count() > 0 {
            throw DomainError(.conflict, code: "waitlist.already_queued", field: "start")
        }
        let entry = WaitlistRecord()
        entry.instrumentID = instrument.id!
        entry.userID = userID
        entry.startAt = slot.start
        entry.endAt = slot.end
        entry.status = "waiting"
        try await db.transaction { tx in
            try await entry.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "waitlist.join", entityType: "instrument", entityID: instrument.id!.uuidString,
                                       detail: ["start": ChinaTime.iso(slot.start), "end": ChinaTime.iso(slot.end)])
        }
        return entry
    }

    /// Expires lapsed offers and offers each freed slot to the first in line. Runs inside the caller's transaction.
    public static func offerFreed(instrumentID: UUID, on tx: any Database, now: Date) async throws {
        let open = try await WaitlistRecord.query(on: tx).filter(\.$instrumentID == instrumentID).filter(\.$status ~~ ["waiting", "offered"])
            .sort(\.$createdAt).sort(\.$id).all()
        guard !open.isEmpty, let instrument = try await InstrumentRecord.find(instrumentID, on: tx) else { return }
        var offered: [TimeSlot] = []
        for e in open {
            let slot = TimeSlot(start: e.startAt, end: e.endAt)
            if e.status == "offered" {
                if let until = e.offeredUntil, until > now { offered.append(slot); continue }
                e.status = "expired"
                try await e.update(on: tx)
                continue
            }
            if e.startAt <= now { e.status = "expired"; try await e.update(on: tx); continue }
            if offered.contains(where: { $0.overlaps(slot) }) { continue }
            if try await BookingStore.clash(on: tx, instrument: instrument, slot: slot) != nil { continue }
            e.status = "offered"
            e.offeredUntil = min(now.addingTimeInterval(TimeInterval(offerHours * 3600)), e.startAt)
            try await e.update(on: tx)
            try await AuditTrail.event(on: tx, actor: Actor(userID: nil, name: "system", address: "system"), action: "waitlist.offer",
                                       entityType: "waitlist", entityID: e.id!.uuidString, detail: ["user": e.userID.uuidString])
            offered.append(slot)
        }
    }

    /// Runs the offer pass for every instrument with open entries (lapsed offers move on to the next in line).
    public func sweep(now: Date = Date()) async throws {
        let ids = Set(try await WaitlistRecord.query(on: db).filter(\.$status ~~ ["waiting", "offered"]).all().map(\.instrumentID))
        for id in ids { try await db.transaction { tx in try await Self.offerFreed(instrumentID: id, on: tx, now: now) } }
    }

    public func withdraw(_ e: WaitlistRecord, actor: Actor, now: Date = Date()) async throws {
        guard e.status == "waiting" || e.status == "offered" else { throw DomainError(.conflict, code: "waitlist.closed") }
        try await db.transaction { tx in
            e.status = "withdrawn"
            try await e.update(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "waitlist.withdraw", entityType: "waitlist", entityID: e.id!.uuidString)
            try await Self.offerFreed(instrumentID: e.instrumentID, on: tx, now: now)
        }
    }

    /// Marks an accepted offer as booked (the booking itself is made by `BookingStore.book`).
    public func markBooked(_ e: WaitlistRecord, bookingID: UUID, actor: Actor) async throws {
        try await db.transaction { tx in
            e.status = "booked"
            e.bookingID = bookingID
            try await e.update(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "waitlist.booked", entityType: "waitlist", entityID: e.id!.uuidString,
                                       detail: ["booking": bookingID.uuidString])
        }
    }
}
