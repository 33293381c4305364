import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// A user's side of booking: request (single or weekly for internal users), my bookings, cancel, reschedule,
/// the waiting list, rating a finished session, and the personal calendar feed.
struct BookingController {
    struct MineContent: Encodable {
        let bookings: [Item]
        let waitlist: [Wait]
        let usage: [Used]
        let pager: Pager
        let calendarURL: String?
        let form: FormState
        let filters: [String: String]
        let statuses: [RegistrationController.Option]
    }

    struct Item: Encodable {
        let id: String
        let instrumentID: String
        let instrument: String
        let start: String
        let end: String
        let date: String
        let startTime: String
        let endTime: String
        let status: String
        let statusLabel: String
        let fee: String
        let note: String
        let decisionNote: String
        let canCancel: Bool
        let active: Bool
    }

    struct Wait: Encodable {
        let id: String
        let instrument: String
        let slot: String
        let status: String
        let statusLabel: String
        let offeredUntil: String?
    }

    struct Used: Encodable {
        let id: String
        let instrument: String
        let slot: String
        let fee: String
        let rating: Int?
    }

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
    static func slot(_ input: InputReader) throws -> TimeSlot {
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
        let input = try InputReader(req, allowed: ["date", "start", "end", "note", "repeat", "skip_conflicts"])
        do {
            let slot = try Self.slot(input)
            var v = Validator()
            let note = v.text("note", input["note"], max: 500, required: false) ?? ""
            let repeats = Int(input["repeat"] ?? "1") ?? 0
            if !(1...26).contains(repeats) { v.add(.invalid("repeat", "field.range", ["min": "1", "max": "26"])) }
            try v.throwIfAny()
            if repeats > 1 { return try await series(req: req, i, slot: slot, count: repeats, skip: input["skip_conflicts"] == "true", note: note, values: input.values) }
            switch try await BookingRequest.book(req: req, instrument: i, slot: slot, note: note, idempotencyKey: nil) {
            case .created(let b), .replayed(let b):
                req.flash(b.status == "pending" ? "flash_booking_pending" : "flash_booking_confirmed")
                return req.redirect(to: "/bookings", redirectType: .normal)
            case .conflict(let s, let e):
                return try await rerender(req, i, BookingRequest.conflict(s, e), values: input.values,
                                          waitlist: .init(date: input["date"] ?? "", start: input["start"] ?? "", end: input["end"] ?? ""))
            }
        } catch let e where e is ValidationErrors || (e as? DomainError).map({ $0.kind == .invalidInput || $0.kind == .conflict }) == true {
            return try await rerender(req, i, e, values: input.values)
        }
    }

    /// Weekly repeats: internal users only; every occurrence must obey the rules.
    func series(req: Request, _ i: InstrumentRecord, slot: TimeSlot, count: Int, skip: Bool, note: String, values: [String: String]) async throws -> Response {
        let who = try await BookingRequest.who(req: req, instrument: i)
        guard who.internalUser else { throw DomainError.invalid("repeat", "booking.series_internal_only") }
        try BookingRequest.checkOpen(i, who: who)
        var slots: [TimeSlot] = []
        for k in 0..<count {
            let shift = TimeInterval(k * 7 * 86400)
            slots.append(TimeSlot(start: slot.start.addingTimeInterval(shift), end: slot.end.addingTimeInterval(shift)))
        }
        for (k, s) in slots.enumerated() {
            do { try BookingRequest.checkRules(i, slot: s, who: who) } catch let e as ValidationErrors {
                let date = ChinaTime.dateString(s.start)
                let errors: [DomainError] = e.errors.map { err in
                    DomainError(.invalidInput, code: "booking.series_occurrence", arguments: ["n": String(k + 1), "date": date, "reason": req.t("err_" + err.code.replacingOccurrences(of: ".", with: "_"), err.arguments)], field: "repeat")
                }
                throw ValidationErrors(errors)
            }
        }
        switch try await BookingStore(db: req.db).bookSeries(instrument: i, userID: who.userID, userOrgID: who.organizationID, slots: slots, external: !who.internalUser,
                                                             note: note, skipConflicts: skip, actor: req.actor) {
        case .created(let made, let skipped):
            if made.isEmpty { return try await rerender(req, i, DomainError(.conflict, code: "booking.series_all_skipped", field: "repeat"), values: values) }
            req.flash(skipped.isEmpty ? "flash_series_booked" : "flash_series_booked_skipped")
            return req.redirect(to: "/bookings", redirectType: .normal)
        case .conflict(let s):
            return try await rerender(req, i, BookingRequest.conflict(s.start, s.end), values: values)
        }
    }

    @Sendable func joinWaitlist(req: Request) async throws -> Response {
        let i = try await req.instrument()
        let input = try InputReader(req, allowed: ["date", "start", "end"])
        do {
            let slot = try Self.slot(input)
            let who = try await BookingRequest.who(req: req, instrument: i)
            try BookingRequest.checkOpen(i, who: who)
            try BookingRequest.checkRules(i, slot: slot, who: who)
            _ = try await WaitlistStore(db: req.db).join(instrument: i, userID: who.userID, slot: slot, actor: req.actor)
            req.flash("flash_waitlist_joined")
            return req.redirect(to: "/bookings", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError).map({ $0.kind == .invalidInput || $0.kind == .conflict }) == true {
            return try await rerender(req, i, e, values: input.values)
        }
    }

    @Sendable func mine(req: Request) async throws -> View {
        let me = try req.requireUser()
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20)
        var filters = ListFilters(req)
        let status = filters.oneOf("status", Self.bookingStatuses), when = filters.oneOf("when", ["upcoming", "past"])
        try filters.check()
        var q = BookingRecord.query(on: req.db).filter(\.$userID == me.id)
        if let status { q = q.filter(\.$status == status) }
        if when == "upcoming" { q = q.filter(\.$endAt > Date()) }
        if when == "past" { q = q.filter(\.$endAt <= Date()) }
        let total = try await q.count()
        // Upcoming bookings read soonest first; everything else newest first.
        let rows = try await q.sort(\.$startAt, when == "upcoming" ? .ascending : .descending).sort(\.$id).range(page.offset..<(page.offset + page.per)).all()
        let names = try await Self.instrumentNames(req.db, Set(rows.map { $0.$instrument.id }))
        let instruments = Dictionary(try await InstrumentRecord.query(on: req.db).filter(\.$id ~~ Set(rows.map { $0.$instrument.id })).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let now = Date()
        let items = rows.map { b in
            Item(id: b.id!.uuidString, instrumentID: b.$instrument.id.uuidString, instrument: names[b.$instrument.id] ?? "",
                 start: ChinaTime.display(b.startAt), end: String(ChinaTime.display(b.endAt).suffix(5)), date: ChinaTime.dateString(b.startAt),
                 startTime: String(ChinaTime.display(b.startAt).suffix(5)), endTime: String(ChinaTime.display(b.endAt).suffix(5)),
                 status: b.status, statusLabel: req.t("booking_status_\(b.status)"), fee: Money(fen: b.feeFen).display, note: b.note, decisionNote: b.decisionNote,
                 canCancel: b.active && (instruments[b.$instrument.id]?.policy.canCancel(b.slot, now: now) ?? false), active: b.active && b.startAt > now)
        }
        let waits = try await WaitlistRecord.query(on: req.db).filter(\.$userID == me.id).filter(\.$status ~~ ["waiting", "offered"]).sort(\.$startAt).all()
        let waitNames = try await Self.instrumentNames(req.db, Set(waits.map(\.instrumentID)))
        let usage = try await UsageRecord.query(on: req.db).filter(\.$userID == me.id).sort(\.$startAt, .descending).limit(20).all()
        let usageNames = try await Self.instrumentNames(req.db, Set(usage.map(\.instrumentID)))
        let feed = try await CalendarFeedRecord.query(on: req.db).filter(\.$userID == me.id).first()
        return try await req.page("instruments/bookings", titleKey: "bookings_title", content: MineContent(
            bookings: items,
            waitlist: waits.map { w in
                let offerLive = w.status == "offered" && (w.offeredUntil ?? .distantPast) > now
                return Wait(id: w.id!.uuidString, instrument: waitNames[w.instrumentID] ?? "", slot: ChinaTime.display(w.startAt) + "–" + String(ChinaTime.display(w.endAt).suffix(5)),
                            status: offerLive ? "offered" : (w.status == "offered" ? "expired" : w.status), statusLabel: req.t("waitlist_\(offerLive ? "offered" : (w.status == "offered" ? "expired" : w.status))"),
                            offeredUntil: offerLive ? w.offeredUntil.map(ChinaTime.display) : nil)
            },
            usage: usage.map { Used(id: $0.id!.uuidString, instrument: usageNames[$0.instrumentID] ?? "", slot: ChinaTime.display($0.startAt) + "–" + String(ChinaTime.display($0.endAt).suffix(5)),
                                    fee: Money(fen: $0.feeFen).display, rating: $0.rating) },
            pager: Pager(PagedList(items: items, request: page, total: total), path: "/bookings", query: filters.pagerQuery),
            calendarURL: feed.map { "/calendar/\($0.token).ics" }, form: .empty, filters: filters.kept,
            statuses: Self.bookingStatuses.map { .init(value: $0, label: req.t("booking_status_\($0)")) }), forms: true)
    }

    static let bookingStatuses = ["pending", "confirmed", "completed", "rescheduled", "cancelled", "rejected"]

    static func instrumentNames(_ db: any Database, _ ids: Set<UUID>) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await InstrumentRecord.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// The booking named by `:id` if it is the user's own (others get 404).
    static func ownBooking(_ req: Request) async throws -> BookingRecord {
        let me = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self), let b = try await BookingRecord.find(id, on: req.db), b.userID == me.id else {
            throw DomainError.notFound("booking")
        }
        return b
    }

    @Sendable func cancel(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let b = try await BookingRecord.find(id, on: req.db),
              let i = try await InstrumentRecord.find(b.$instrument.id, on: req.db) else { throw DomainError.notFound("booking") }
        _ = try InputReader(req, allowed: [])
        let me = try req.requireUser()
        let manages = try await req.managesInstrument(i)
        guard b.userID == me.id || manages else { throw DomainError.notFound("booking") }
        if !manages && !i.policy.canCancel(b.slot, now: Date()) {
            throw DomainError(.conflict, code: "booking.cancel_deadline_passed", arguments: ["hours": String(i.cancelHours)])
        }
        try await BookingStore(db: req.db).cancel(b, actor: req.actor)
        if req.isAPI { return try await BookingAPIController.json(b).encodeResponse(for: req) }
        req.flash("flash_booking_cancelled")
        return req.redirect(to: manages && b.userID != me.id ? "/instruments/\(i.id!.uuidString)/manage" : "/bookings", redirectType: .normal)
    }

    @Sendable func reschedule(req: Request) async throws -> Response {
        let b = try await Self.ownBooking(req)
        guard let i = try await InstrumentRecord.find(b.$instrument.id, on: req.db) else { throw DomainError.notFound("booking") }
        let input = try InputReader(req, allowed: ["date", "start", "end"])
        guard i.policy.canCancel(b.slot, now: Date()) else { throw DomainError(.conflict, code: "booking.cancel_deadline_passed", arguments: ["hours": String(i.cancelHours)]) }
        let slot = try Self.slot(input)
        let who = try await BookingRequest.who(req: req, instrument: i)
        try BookingRequest.checkRules(i, slot: slot, who: who)
        switch try await BookingStore(db: req.db).reschedule(b, instrument: i, to: slot, actor: req.actor) {
        case .created, .replayed:
            req.flash("flash_booking_rescheduled")
            return req.redirect(to: "/bookings", redirectType: .normal)
        case .conflict(let s, let e): throw BookingRequest.conflict(s, e)
        }
    }

    static func ownWait(_ req: Request) async throws -> WaitlistRecord {
        let me = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self), let w = try await WaitlistRecord.find(id, on: req.db), w.userID == me.id else {
            throw DomainError.notFound("waitlist")
        }
        return w
    }

    @Sendable func accept(req: Request) async throws -> Response {
        let w = try await Self.ownWait(req)
        _ = try InputReader(req, allowed: [])
        guard w.status == "offered", (w.offeredUntil ?? .distantPast) > Date(), let i = try await InstrumentRecord.find(w.instrumentID, on: req.db) else {
            throw DomainError(.conflict, code: "waitlist.offer_lapsed")
        }
        switch try await BookingRequest.book(req: req, instrument: i, slot: TimeSlot(start: w.startAt, end: w.endAt), note: "", idempotencyKey: "waitlist-" + w.id!.uuidString) {
        case .created(let b), .replayed(let b):
            try await WaitlistStore(db: req.db).markBooked(w, bookingID: b.id!, actor: req.actor)
            req.flash("flash_booking_confirmed")
            return req.redirect(to: "/bookings", redirectType: .normal)
        case .conflict(let s, let e): throw BookingRequest.conflict(s, e)
        }
    }

    @Sendable func withdraw(req: Request) async throws -> Response {
        let w = try await Self.ownWait(req)
        _ = try InputReader(req, allowed: [])
        try await WaitlistStore(db: req.db).withdraw(w, actor: req.actor)
        req.flash("flash_waitlist_withdrawn")
        return req.redirect(to: "/bookings", redirectType: .normal)
    }

    @Sendable func rate(req: Request) async throws -> Response {
        let me = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self), let u = try await UsageRecord.find(id, on: req.db), u.userID == me.id else {
            throw DomainError.notFound("usage")
        }
        let input = try InputReader(req, allowed: ["rating", "comment"])
        var v = Validator()
        let rating = Int(input["rating"] ?? "")
        if rating == nil || !(1...5).contains(rating!) { v.add(.invalid("rating", "field.range", ["min": "1", "max": "5"])) }
        let comment = v.text("comment", input["comment"], max: 500, required: false) ?? ""
        try v.throwIfAny()
        try await UsageStore(db: req.db).rate(u, rating: rating!, comment: comment, actor: req.actor)
        req.flash("flash_rating_saved")
        return req.redirect(to: "/bookings", redirectType: .normal)
    }

    /// Creates or replaces the secret of the personal calendar feed (the old URL stops working).
    @Sendable func resetCalendar(req: Request) async throws -> Response {
        let me = try req.requireUser()
        _ = try InputReader(req, allowed: [])
        var bytes = [UInt8](repeating: 0, count: 24)
        for k in bytes.indices { bytes[k] = UInt8.random(in: 0...255) }
        let token = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        try await req.db.transaction { tx in
            try await CalendarFeedRecord.query(on: tx).filter(\.$userID == me.id).delete()
            let feed = CalendarFeedRecord()
            feed.userID = me.id
            feed.token = token
            try await feed.create(on: tx)
            try await AuditTrail.event(on: tx, actor: req.actor, action: "calendar.reset", entityType: "user", entityID: me.id.uuidString)
        }
        req.flash("flash_calendar_reset")
        return req.redirect(to: "/bookings", redirectType: .normal)
    }
}
