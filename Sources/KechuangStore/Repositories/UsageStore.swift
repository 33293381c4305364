import FluentKit
import Foundation
import KechuangCore

/// Usage records: written by the owning unit after a session, priced from the fee frozen in the booking (or the
/// current fee standard for walk-in use), compared with the booked time, rated by the user.
public struct UsageStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public struct Entry: Sendable {
        public let userID: UUID
        public let userOrgID: UUID?
        public let external: Bool
        public let operatorName: String
        public let slot: TimeSlot
        public let samples: Int
        public let purpose: String
        public let notes: String

        public init(userID: UUID, userOrgID: UUID?, external: Bool, operatorName: String, slot: TimeSlot, samples: Int, purpose: String, notes: String) {
            self.userID = userID
            self.userOrgID = userOrgID
            self.external = external
            self.operatorName = operatorName
            self.slot = slot
            self.samples = samples
            self.purpose = purpose
            self.notes = notes
        }
    }

    /// With a rule base, an external session earns the owning unit its platform points (art. 13) in the same transaction.
    public func record(_ e: Entry, instrument: InstrumentRecord, booking: BookingRecord?, gapRule: SharingEvaluationConfig.GapRule, base: RuleBase? = nil,
                       actor: Actor) async throws -> UsageRecord {
        if let b = booking, try await UsageRecord.query(on: db).filter(\.$bookingID == b.id!).count() > 0 {
            throw DomainError(.conflict, code: "usage.already_recorded", field: "booking")
        }
        let u = UsageRecord()
        u.instrumentID = instrument.id!
        u.bookingID = booking?.id
        u.userID = e.userID
        u.userOrgID = e.userOrgID
        u.external = e.external
        u.operatorName = e.operatorName
        u.startAt = e.slot.start
        u.endAt = e.slot.end
        u.minutes = e.slot.minutes
        u.samples = e.samples
        u.purpose = e.purpose
        u.notes = e.notes
        if let b = booking {
            u.feeFen = FeeStandard(unitMinutes: b.unitMinutes, internalFen: b.unitFen, externalFen: b.unitFen).fee(minutes: u.minutes, external: false).fen
            u.bookedMinutes = b.slot.minutes
            u.gapFlag = SharingEvaluation.gapFlag(bookedMinutes: b.slot.minutes, actualMinutes: u.minutes, rule: gapRule)
        } else {
            u.feeFen = instrument.fees.fee(minutes: u.minutes, external: e.external).fen
        }
        u.recordedBy = actor.userID ?? e.userID
        try await db.transaction { tx in
            try await u.create(on: tx)
            if let b = booking {
                b.status = "completed"
                try await b.update(on: tx)
            }
            try await AuditTrail.event(on: tx, actor: actor, action: "usage.record", entityType: "usage", entityID: u.id!.uuidString,
                                       detail: ["instrument": instrument.id!.uuidString, "minutes": String(u.minutes), "fee": Money(fen: u.feeFen).plainYuan])
            if let base, u.external {
                try await PointsStore.award(.instrumentShared, to: instrument.$organization.id, refType: "usage", refID: u.id!.uuidString,
                                            reason: instrument.name, base: base, on: tx, actor: actor)
            }
        }
        return u
    }

    public func rate(_ u: UsageRecord, rating: Int, comment: String, actor: Actor) async throws {
        try await db.transaction { tx in
            u.rating = rating
            u.ratingComment = comment
            try await u.update(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "usage.rate", entityType: "usage", entityID: u.id!.uuidString,
                                       detail: ["rating": String(rating)])
        }
    }

    /// Usage in [from, to) for the evaluation and statements.
    public func usage(from: Date, to: Date, instrumentIDs: [UUID]? = nil) async throws -> [UsageRecord] {
        var q = UsageRecord.query(on: db).filter(\.$startAt >= from).filter(\.$startAt < to)
        if let ids = instrumentIDs { q = q.filter(\.$instrumentID ~~ ids) }
        return try await q.sort(\.$startAt).all()
    }
}
