import FluentKit
import Foundation
import KechuangCore
import SQLKit

/// Creates bookings so that no two active bookings of one instrument ever overlap (buffers included).
///
/// PostgreSQL: the exclusion constraint `bookings_no_overlap` decides; a losing insert fails with 23P01 and is
/// reported as a conflict. SQLite (one server process): check and insert run inside one write transaction, and the
/// process-wide write gate (`StoreSQL.writeTransaction`) serialises them, so the check cannot race.
public struct BookingStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public enum Outcome: Sendable {
        case created(BookingRecord)
        /// The same Idempotency-Key was used before by this user: the earlier booking.
        case replayed(BookingRecord)
        case conflict(start: Date, end: Date)
    }

    /// A new booking with the instrument's current price frozen into it.
    static func make(instrument: InstrumentRecord, userID: UUID, userOrgID: UUID?, slot: TimeSlot, external: Bool, note: String) -> BookingRecord {
        let booking = BookingRecord()
        booking.$instrument.id = instrument.id!
        booking.userID = userID
        booking.userOrgID = userOrgID
        booking.startAt = slot.start
        booking.endAt = slot.end
        booking.blockedUntil = slot.end.addingTimeInterval(TimeInterval(instrument.bufferMinutes * 60))
        booking.status = instrument.approvalRequired ? "pending" : "confirmed"
        booking.external = external
        booking.unitMinutes = instrument.feeUnitMinutes
        booking.unitFen = external ? instrument.feeExternalFen : instrument.feeInternalFen
        booking.feeFen = instrument.fees.fee(minutes: slot.minutes, external: external).fen
        booking.note = note
        booking.decisionNote = ""
        return booking
    }

    /// `actor` is who asked: the signed-in user with their address, page or API alike (the audit log names them).
    public func book(instrument: InstrumentRecord, userID: UUID, userOrgID: UUID? = nil, slot: TimeSlot, external: Bool, note: String = "",
                     idempotencyKey: String?, actor: Actor) async throws -> Outcome {
        let booking = Self.make(instrument: instrument, userID: userID, userOrgID: userOrgID, slot: slot, external: external, note: note)
        booking.idempotencyKey = idempotencyKey
        // A slot already taken is answered without taking the write lock or opening a transaction; the check inside
        // the write (below) still decides every case this read lets through.
        if idempotencyKey == nil, let clash = try await Self.clash(on: db, instrument: instrument, slot: slot) {
            return .conflict(start: clash.startAt, end: clash.endAt)
        }
        if StoreSQL.isPostgres(db) {
            return try await insertPostgres(booking, instrument: instrument, userID: userID, slot: slot, actor: actor)
        }
        return try await StoreSQL.writeTransaction(db) { tx in
            if let key = idempotencyKey, let earlier = try await Self.replay(on: tx, userID: userID, key: key) { return .replayed(earlier) }
            if let clash = try await Self.clash(on: tx, instrument: instrument, slot: slot) { return .conflict(start: clash.startAt, end: clash.endAt) }
            try await booking.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "booking.create",
                                       entityType: "booking", entityID: booking.id!.uuidString,
                                       detail: ["instrument": instrument.id!.uuidString, "start": ChinaTime.iso(slot.start), "end": ChinaTime.iso(slot.end)])
            return .created(booking)
        }
    }

    func insertPostgres(_ booking: BookingRecord, instrument: InstrumentRecord, userID: UUID, slot: TimeSlot, actor: Actor) async throws -> Outcome {
        if let key = booking.idempotencyKey, let earlier = try await Self.replay(on: db, userID: userID, key: key) { return .replayed(earlier) }
        do {
            try await Self.retryingDeadlocks {
                try await db.transaction { tx in
                    try await booking.create(on: tx)
                    try await AuditTrail.event(on: tx, actor: actor, action: "booking.create",
                                               entityType: "booking", entityID: booking.id!.uuidString,
                                               detail: ["instrument": instrument.id!.uuidString, "start": ChinaTime.iso(slot.start), "end": ChinaTime.iso(slot.end)])
                }
            }
            return .created(booking)
        } catch {
            let text = String(reflecting: error)
            if text.contains("23P01") || text.contains("bookings_no_overlap") {
                let clash = try await Self.clash(on: db, instrument: instrument, slot: slot)
                return .conflict(start: clash?.startAt ?? slot.start, end: clash?.endAt ?? slot.end)
            }
            if text.contains("23505"), let key = booking.idempotencyKey, let earlier = try await Self.replay(on: db, userID: userID, key: key) {
                return .replayed(earlier)
            }
            throw error
        }
    }

    /// Two inserts of overlapping bookings that check the exclusion constraint against each other's uncommitted row
    /// wait for each other, and PostgreSQL aborts one as a deadlock victim (40P01) with nothing written. The victim
    /// tries again after a short random pause; by then the other has committed, and the retry meets 23P01 (a clean
    /// 409) or goes through.
    static func retryingDeadlocks(attempts: Int = 6, _ body: () async throws -> Void) async throws {
        for attempt in 1...attempts {
            do { return try await body() } catch where attempt < attempts && String(reflecting: error).contains("40P01") {
                try await Task.sleep(nanoseconds: UInt64.random(in: 2_000_000...(20_000_000 * UInt64(attempt))))
            }
        }
    }

    static func replay(on db: any Database, userID: UUID, key: String) async throws -> BookingRecord? {
        try await BookingRecord.query(on: db).filter(\.$userID == userID).filter(\.$idempotencyKey == key).first()
    }

    /// The booked interval that stands in the way of a request.
    public struct Clash: Decodable, Sendable {
        public let startAt: Date
        public let endAt: Date
        enum CodingKeys: String, CodingKey { case startAt = "start_at", endAt = "end_at" }
        public var slot: TimeSlot { TimeSlot(start: startAt, end: endAt) }
    }

    /// An active booking whose blocked interval meets the request's (the request's own buffer included).
    /// Plain SQL with two columns: every booking request asks this once or twice, and decoding a whole Fluent model
    /// (reflection over each of its fields) cost more than the indexed lookup itself when profiled with perf.
    static func clash(on db: any Database, instrument: InstrumentRecord, slot: TimeSlot) async throws -> Clash? {
        let blockedUntil = slot.end.addingTimeInterval(TimeInterval(instrument.bufferMinutes * 60))
        return try await StoreSQL.sql(db).raw("""
            SELECT start_at, end_at FROM bookings
            WHERE instrument_id = \(bind: instrument.id!) AND status IN ('pending', 'confirmed')
              AND start_at < \(bind: blockedUntil) AND blocked_until > \(bind: slot.start)
            LIMIT 1
            """).first(decoding: Clash.self)
    }
}

/// A first-come, first-served lock for async code (an actor alone would interleave at every await).
public final class AsyncMutex: @unchecked Sendable {
    private let lock = NSLock()
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if locked { waiters.append(c); lock.unlock() } else { locked = true; lock.unlock(); c.resume() }
        }
    }

    private func release() {
        lock.lock()
        if waiters.isEmpty { locked = false; lock.unlock() } else { let next = waiters.removeFirst(); lock.unlock(); next.resume() }
    }
}
