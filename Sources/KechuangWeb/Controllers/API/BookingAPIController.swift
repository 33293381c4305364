import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// `POST /api/v1/instruments/{id}/bookings` with `{"start","end"}` (ISO 8601 with offset): 201 with the booking,
/// 409 naming the conflicting slot, never two overlapping bookings. An `Idempotency-Key` header makes retries safe.
struct BookingAPIController {
    struct BookingJSON: Content {
        let id: String
        let instrumentId: String
        let start: String
        let end: String
        let status: String
        /// Frozen at booking time, yuan with two decimals.
        let fee: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.POST, "api", "v1", "instruments", ":id", "bookings", access: .signedIn, use: book)
    }

    static func date(_ raw: String?, field: String) throws -> Date {
        guard let raw, !raw.isEmpty else { throw DomainError.invalid(field, "field.required") }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        let g = ISO8601DateFormatter()
        g.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let d = f.date(from: raw) ?? g.date(from: raw) else { throw DomainError.invalid(field, "booking.bad_datetime") }
        return d
    }

    static func json(_ b: BookingRecord) -> BookingJSON {
        BookingJSON(id: b.id!.uuidString, instrumentId: b.$instrument.id.uuidString, start: ChinaTime.iso(b.startAt), end: ChinaTime.iso(b.endAt),
                    status: b.status, fee: Money(fen: b.feeFen).plainYuan)
    }

    @Sendable func book(req: Request) async throws -> Response {
        let me = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self), let instrument = try await InstrumentRecord.find(id, on: req.db),
              instrument.status == "active" else { throw DomainError.notFound("instrument") }
        let input = try InputReader(req, allowed: ["start", "end"])
        let start = try Self.date(input["start"], field: "start")
        let end = try Self.date(input["end"], field: "end")
        let slot = TimeSlot(start: start, end: end)
        try instrument.policy.check(slot, now: Date(), qualifications: [])
        let key = req.headers.first(name: "Idempotency-Key").map { String($0.prefix(100)) }
        let internalUser = try await req.accounts.isMember(userID: me.id, organizationID: instrument.$organization.id)
        switch try await BookingStore(db: req.db).book(instrument: instrument, userID: me.id, slot: slot, external: !internalUser, idempotencyKey: key) {
        case .created(let b):
            let res = Response(status: .created)
            try res.content.encode(Self.json(b))
            return res
        case .replayed(let b):
            let res = Response(status: .ok)
            res.headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true")
            try res.content.encode(Self.json(b))
            return res
        case .conflict(let s, let e):
            throw DomainError(.conflict, code: "booking.conflict", arguments: ["start": ChinaTime.display(s), "end": ChinaTime.display(e)], field: "start")
        }
    }
}
