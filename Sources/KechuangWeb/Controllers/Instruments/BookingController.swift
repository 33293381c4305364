import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// A user's side of booking: request (single or weekly for internal users), my bookings, cancel, reschedule,
/// the waiting list, rating a finished session, and the personal calendar feed.
struct BookingController {
    func register(_ r: any RoutesBuilder) {
        r.on(.POST, "instruments", ":id", "book", access: .signedIn, use: book)
        r.on(.POST, "instruments", ":id", "waitlist", access: .signedIn, use: joinWaitlist)
        r.on(.GET, "bookings", access: .signedIn, use: mine)
        r.on(.POST, "bookings", ":id", "cancel", access: .signedIn, use: cancel)
        r.on(.POST, "bookings", ":id", "reschedule", access: .signedIn, use: reschedule)
        r.on(.POST, "waitlist", ":id", "accept", access: .signedIn, use: accept)
        r.on(.POST, "waitlist", ":id", "withdraw", access: .signedIn, use: withdraw)
        r.on(.POST, "usage", ":id", "rate", access: .signedIn, use: rate)
        r.on(.POST, "bookings", "calendar", access: .signedIn, use: resetCalendar)
    }

    /// Date and clock times from a form as a slot.
    static func slot(_ input: InputReader) throws(ValidationErrors) -> TimeSlot {
        var errors: [DomainError] = []
        var start: Date?, end: Date?
        switch Result(catching: { () throws(ValidationErrors) in try Request.beijing(date: input["date"], time: input["start"], dateField: "date", timeField: "start") }) {
        case .success(let d): start = d
        case .failure(let e): errors += e.errors
        }
        switch Result(catching: { () throws(ValidationErrors) in try Request.beijing(date: input["date"], time: input["end"], dateField: "date", timeField: "end") }) {
        case .success(let d): end = d
        case .failure(let e): errors += e.errors.filter { $0.field != "date" }
        }
        guard let start, let end, errors.isEmpty else { throw ValidationErrors(errors) }
        return TimeSlot(start: start, end: end)
    }

    func rerender(_ req: Request, _ i: InstrumentRecord, _ error: any Error, values: [String: String], waitlist: InstrumentPage.WaitSlot? = nil) async throws -> Response {
        let form = try FormState(error, values: values, req: req)
        let view = try await req.page("instruments/show", titleKey: "ins_show_title", titleArgs: ["name": i.name],
                                      content: InstrumentPage.content(req: req, instrument: i, form: form, waitlist: waitlist), forms: true)
        let clash = waitlist != nil || (error as? DomainError)?.kind == .conflict
        return try await .rerender(view, for: req, status: clash ? .conflict : .unprocessableEntity)
    }

    @Sendable func book(req: Request) async throws -> Response {
        let i = try await req.instrument()
        let me = try req.requireUser()
        let input = try InputReader(req, allowed: ["date", "start", "end", "note", "repeat", "skip_conflicts"])
        do {
            let slot = try Self.slot(input)
            var v = Validator()
            let note = v.text("note", input["note"], max: 500, required: false) ?? ""
            try v.throwIfAny()
            let repeats = Int(input["repeat"] ?? "1") ?? 0
            if repeats != 1 {
                switch try await req.instrumentStore.requestSeries(i, userID: me.id, first: slot, count: repeats, skipConflicts: input["skip_conflicts"] == "true",
                                                                   note: note, now: req.now, actor: req.actor) {
                case .created(let made, let skipped):
                    if made.isEmpty { return try await rerender(req, i, DomainError(.conflict, code: "booking.series_all_skipped", field: "repeat"), values: input.values) }
                    req.flash(skipped.isEmpty ? "flash_series_booked" : "flash_series_booked_skipped")
                    return req.redirect(to: "/bookings", redirectType: .normal)
                case .conflict(let s):
                    return try await rerender(req, i, Self.conflict(s.start, s.end), values: input.values)
                }
            }
            switch try await req.instrumentStore.requestBooking(i, userID: me.id, slot: slot, note: note, idempotencyKey: nil, now: req.now, actor: req.actor) {
            case .created(let b), .replayed(let b):
                req.flash(b.status == "pending" ? "flash_booking_pending" : "flash_booking_confirmed")
                return req.redirect(to: "/bookings", redirectType: .normal)
            case .conflict(let s, let e):
                return try await rerender(req, i, Self.conflict(s, e), values: input.values,
                                          waitlist: .init(date: input["date"] ?? "", start: input["start"] ?? "", end: input["end"] ?? ""))
            }
        } catch let e where Self.answeredOnThePage(e) {
            return try await rerender(req, i, e, values: input.values)
        }
    }

    /// Broken rules and clashes are shown on the instrument's page with the form as typed; the rest (403, 404) is not.
    static func answeredOnThePage(_ e: any Error) -> Bool {
        e is ValidationErrors || (e as? DomainError).map { $0.kind == .invalidInput || $0.kind == .conflict } == true
    }

    static func conflict(_ start: Date, _ end: Date) -> DomainError {
        DomainError(.conflict, code: "booking.conflict", arguments: ["start": ChinaTime.display(start), "end": ChinaTime.display(end)], field: "start")
    }

    @Sendable func joinWaitlist(req: Request) async throws -> Response {
        let i = try await req.instrument()
        let me = try req.requireUser()
        let input = try InputReader(req, allowed: ["date", "start", "end"])
        do {
            _ = try await req.instrumentStore.joinWaitlist(i, userID: me.id, slot: try Self.slot(input), now: req.now, actor: req.actor)
            req.flash("flash_waitlist_joined")
            return req.redirect(to: "/bookings", redirectType: .normal)
        } catch let e where Self.answeredOnThePage(e) {
            return try await rerender(req, i, e, values: input.values)
        }
    }

    @Sendable func mine(req: Request) async throws -> View {
        let me = try req.requireUser()
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20)
        var filters = ListFilters(req)
        let status = filters.oneOf("status", InstrumentStore.BookingFilter.statuses), when = filters.oneOf("when", ["upcoming", "past"])
        try filters.check()
        let mine = try await req.instrumentStore.myBookings(userID: me.id, filter: .init(status: status, when: when.flatMap(InstrumentStore.BookingFilter.When.init)),
                                                            page: page, now: req.now)
        return try await req.page("instruments/bookings", titleKey: "bookings_title", content: MineContent(mine, filters: filters, req: req), forms: true)
    }

    @Sendable func cancel(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("booking") }
        _ = try InputReader(req, allowed: [])
        let me = try req.requireUser()
        let (b, i, byManager) = try await req.instrumentStore.changeableBooking(id, userID: me.id) { try await req.managesInstrument($0) }
        try await req.instrumentStore.cancelBooking(b, instrument: i, byManager: byManager, now: req.now, actor: req.actor)
        if req.isAPI { return try await BookingAPIController.json(b).encodeResponse(for: req) }
        req.flash("flash_booking_cancelled")
        return req.redirect(to: byManager && b.userID != me.id ? "/instruments/\(i.id!.uuidString)/manage" : "/bookings", redirectType: .normal)
    }

    @Sendable func reschedule(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("booking") }
        let me = try req.requireUser()
        let input = try InputReader(req, allowed: ["date", "start", "end"])
        switch try await req.instrumentStore.rescheduleBooking(id, userID: me.id, to: try Self.slot(input), now: req.now, actor: req.actor) {
        case .created, .replayed:
            req.flash("flash_booking_rescheduled")
            return req.redirect(to: "/bookings", redirectType: .normal)
        case .conflict(let s, let e): throw Self.conflict(s, e)
        }
    }

    @Sendable func accept(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("waitlist") }
        let me = try req.requireUser()
        _ = try InputReader(req, allowed: [])
        switch try await req.instrumentStore.acceptOffer(id, userID: me.id, now: req.now, actor: req.actor) {
        case .created, .replayed:
            req.flash("flash_booking_confirmed")
            return req.redirect(to: "/bookings", redirectType: .normal)
        case .conflict(let s, let e): throw Self.conflict(s, e)
        }
    }

    @Sendable func withdraw(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("waitlist") }
        let me = try req.requireUser()
        _ = try InputReader(req, allowed: [])
        try await req.instrumentStore.withdrawWait(id, userID: me.id, now: req.now, actor: req.actor)
        req.flash("flash_waitlist_withdrawn")
        return req.redirect(to: "/bookings", redirectType: .normal)
    }

    @Sendable func rate(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("usage") }
        let me = try req.requireUser()
        let input = try InputReader(req, allowed: ["rating", "comment"])
        try await req.instrumentStore.rateUsage(id, userID: me.id, rating: Int(input["rating"] ?? ""), comment: input["comment"], actor: req.actor)
        req.flash("flash_rating_saved")
        return req.redirect(to: "/bookings", redirectType: .normal)
    }

    /// Creates or replaces the secret of the personal calendar feed (the old URL stops working).
    @Sendable func resetCalendar(req: Request) async throws -> Response {
        let me = try req.requireUser()
        _ = try InputReader(req, allowed: [])
        try await req.instrumentStore.resetCalendarFeed(userID: me.id, actor: req.actor)
        req.flash("flash_calendar_reset")
        return req.redirect(to: "/bookings", redirectType: .normal)
    }
}
