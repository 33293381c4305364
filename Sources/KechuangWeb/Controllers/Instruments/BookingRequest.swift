import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The checks every booking passes, whether it comes from the page or the API: the instrument takes bookings and
/// is open to this user, the slot obeys the instrument's rules (qualification included); then the store books it.
enum BookingRequest {
    struct Who {
        let userID: UUID
        let organizationID: UUID?
        let internalUser: Bool
        let qualifications: Set<String>
    }

    static func who(req: Request, instrument i: InstrumentRecord) async throws -> Who {
        let me = try req.requireUser()
        // One query for both questions: is the user inside the owning unit, and which unit is billed.
        let units = try await req.accounts.organizationIDs(of: me.id)
        let internalUser = units.contains(i.$organization.id)
        var quals: Set<String> = []
        if !i.qualification.isEmpty, try await TrainingRecord.query(on: req.db).filter(\.$instrumentID == i.id!).filter(\.$userID == me.id).count() > 0 {
            quals.insert(i.qualification)
        }
        return Who(userID: me.id, organizationID: units.first, internalUser: internalUser, qualifications: quals)
    }

    static func checkOpen(_ i: InstrumentRecord, who: Who) throws {
        guard i.status == InstrumentStatus.active.rawValue else { throw DomainError(.conflict, code: "booking.instrument_unavailable", field: "start") }
        guard i.shareMode == ShareMode.external.rawValue || (i.shareMode == ShareMode.internal.rawValue && who.internalUser) else {
            throw DomainError(.forbidden, code: "booking.not_open_to_you")
        }
    }

    static func checkRules(_ i: InstrumentRecord, slot: TimeSlot, who: Who) throws {
        try Result { () throws(ValidationErrors) in try i.policy.check(slot, now: Date(), qualifications: who.qualifications) }.get()
    }

    static func book(req: Request, instrument i: InstrumentRecord, slot: TimeSlot, note: String, idempotencyKey: String?) async throws -> BookingStore.Outcome {
        let who = try await who(req: req, instrument: i)
        try checkOpen(i, who: who)
        try checkRules(i, slot: slot, who: who)
        return try await BookingStore(db: req.db).book(instrument: i, userID: who.userID, userOrgID: who.organizationID, slot: slot,
                                                       external: !who.internalUser, note: note, idempotencyKey: idempotencyKey, actor: req.actor)
    }

    static func conflict(_ start: Date, _ end: Date) -> DomainError {
        DomainError(.conflict, code: "booking.conflict", arguments: ["start": ChinaTime.display(start), "end": ChinaTime.display(end)], field: "start")
    }
}
