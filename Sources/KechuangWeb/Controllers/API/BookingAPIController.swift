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
        r.on(.POST, "api", "v1", "bookings", ":id", "cancel", access: .signedIn, use: BookingController().cancel)
        r.on(.GET, "api", "v1", "instruments", access: .everyone, use: search)
        r.on(.GET, "api", "v1", "instruments", ":id", "availability", access: .everyone, use: availability)
    }

    struct SearchJSON: Content {
        struct Item: Content {
            let id: String
            let name: String
            let model: String
            let owner: String
            let banner: String
            let classCode: String
            /// External price per charging unit, yuan with two decimals.
            let externalFee: String
            let feeUnitMinutes: Int
            let bookable: Bool
            let matchedTerms: [String]
        }

        let total: Int
        let page: Int
        let per: Int
        let items: [Item]
    }

    @Sendable func search(req: Request) async throws -> SearchJSON {
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: try? req.query.get(Int.self, at: "per"))
        let (total, hits, _) = try await InstrumentController.search(req: req, limit: page.offset + page.per)
        let items = hits.dropFirst(page.offset).prefix(page.per).map { h in
            SearchJSON.Item(id: h.entry.id.uuidString, name: h.entry.name, model: h.entry.model, owner: h.entry.organizationName, banner: h.entry.banner,
                            classCode: h.entry.classCode, externalFee: Money(fen: h.entry.feeExternalFen).plainYuan, feeUnitMinutes: h.entry.feeUnitMinutes,
                            bookable: h.entry.bookable, matchedTerms: h.matched)
        }
        return SearchJSON(total: total, page: page.page, per: page.per, items: Array(items))
    }

    struct AvailabilityJSON: Content {
        struct Day: Content {
            let date: String
            let free: [[String]]
            let busy: [[String]]
        }

        let instrumentId: String
        let days: [Day]
    }

    /// Free and busy intervals (ISO 8601) per Beijing day for up to 31 days from `from` (default today).
    @Sendable func availability(req: Request) async throws -> AvailabilityJSON {
        let i = try await req.instrumentToRead()
        let fromRaw = (try? req.query.get(String.self, at: "from")) ?? ChinaTime.dateString(req.now)
        let days = (try? req.query.get(Int.self, at: "days")) ?? 7
        guard (1...31).contains(days) else { throw DomainError.invalid("days", "field.range", ["min": "1", "max": "31"]) }
        let start = try Result { () throws(ValidationErrors) in try Request.beijing(date: fromRaw, time: "00:00", dateField: "from", timeField: "from") }.get()
        let end = start.addingTimeInterval(TimeInterval(days * 86400))
        let busy = try await req.instrumentStore.busySlots(i.id!, from: start, to: end)
        let out = i.policy.availability(from: start, days: days, busy: busy).map { d in
            AvailabilityJSON.Day(date: d.date, free: d.segments.filter { !$0.busy }.map { [ChinaTime.iso($0.slot.start), ChinaTime.iso($0.slot.end)] },
                                 busy: d.segments.filter(\.busy).map { [ChinaTime.iso($0.slot.start), ChinaTime.iso($0.slot.end)] })
        }
        return AvailabilityJSON(instrumentId: i.id!.uuidString, days: out)
    }

    static func date(_ raw: String?, field: String) throws -> Date {
        guard let raw, !raw.isEmpty else { throw DomainError.invalid(field, "field.required") }
        guard let d = ChinaTime.parseISO(raw) else { throw DomainError.invalid(field, "booking.bad_datetime") }
        return d
    }

    static func json(_ b: BookingRecord) -> BookingJSON {
        BookingJSON(id: b.id!.uuidString, instrumentId: b.$instrument.id.uuidString, start: ChinaTime.iso(b.startAt), end: ChinaTime.iso(b.endAt),
                    status: b.status, fee: Money(fen: b.feeFen).plainYuan)
    }

    @Sendable func book(req: Request) async throws -> Response {
        let me = try req.requireUser()
        let instrument = try await req.instrumentToRead()
        let input = try InputReader(req, allowed: ["start", "end", "note"])
        let start = try Self.date(input["start"], field: "start")
        let end = try Self.date(input["end"], field: "end")
        var v = Validator()
        let note = v.text("note", input["note"], max: 500, required: false) ?? ""
        try v.throwIfAny()
        let key = req.headers.first(name: "Idempotency-Key").map { String($0.prefix(100)) }
        switch try await req.instrumentStore.requestBooking(instrument, userID: me.id, slot: TimeSlot(start: start, end: end), note: note, idempotencyKey: key,
                                                            now: req.now, actor: req.actor) {
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
            throw BookingController.conflict(s, e)
        }
    }
}
