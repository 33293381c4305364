import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The owning unit's desk for one instrument: approve or reject requests, see the schedule and the waiting list,
/// record usage (priced at the frozen fee, booked vs actual compared), keep training records.
struct InstrumentManageController {
    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "instruments", ":id", "manage", access: .signedIn, use: show)
        r.on(.POST, "bookings", ":id", "approve", access: .signedIn, use: approve)
        r.on(.POST, "bookings", ":id", "reject", access: .signedIn, use: reject)
        r.on(.POST, "instruments", ":id", "usage", access: .signedIn, use: recordUsage)
        r.on(.POST, "instruments", ":id", "trainings", access: .signedIn, use: addTraining)
    }

    func content(req: Request, _ i: InstrumentRecord, form: FormState = .empty) async throws -> Content {
        Content(try await req.instrumentStore.desk(i, now: req.now), instrument: i, form: form, req: req)
    }

    @Sendable func show(req: Request) async throws -> View {
        let i = try await req.managedInstrument()
        return try await req.page("instruments/manage", titleKey: "ins_manage_title", titleArgs: ["name": i.name], content: content(req: req, i), forms: true)
    }

    /// A booking of an instrument the user manages (404 otherwise).
    static func managedBooking(_ req: Request) async throws -> (BookingRecord, InstrumentRecord) {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("booking") }
        return try await req.instrumentStore.managedBooking(id) { try await req.managesInstrument($0) }
    }

    func decide(_ req: Request, approve: Bool) async throws -> Response {
        let (b, i) = try await Self.managedBooking(req)
        let input = try InputReader(req, allowed: ["note"])
        var v = Validator()
        let note = v.text("note", input["note"], max: 500, required: !approve) ?? ""
        try v.throwIfAny()
        try await BookingStore(db: req.db).decide(b, approve: approve, note: note, actor: req.actor, now: req.now)
        req.flash(approve ? "flash_booking_approved" : "flash_booking_rejected")
        return req.redirect(to: "/instruments/\(i.id!.uuidString)/manage", redirectType: .normal)
    }

    @Sendable func approve(req: Request) async throws -> Response { try await decide(req, approve: true) }
    @Sendable func reject(req: Request) async throws -> Response { try await decide(req, approve: false) }

    @Sendable func recordUsage(req: Request) async throws -> Response {
        let i = try await req.managedInstrument()
        let input = try InputReader(req, allowed: ["booking", "username", "operator", "date", "start", "end", "samples", "purpose", "notes"])
        do {
            let session = InstrumentStore.SessionInput(booking: input["booking"], username: input["username"], operatorName: input["operator"],
                                                       slot: Result { () throws(ValidationErrors) in try BookingController.slot(input) }, samples: input["samples"],
                                                       purpose: input["purpose"], notes: input["notes"])
            try await req.instrumentStore.recordSession(i, session, now: req.now, gapRule: try InstrumentData.sharingConfig(req).gaps,
                                                        base: req.services.rules.current, actor: req.actor)
            req.flash("flash_usage_recorded")
            return req.redirect(to: "/instruments/\(i.id!.uuidString)/manage", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError).map({ $0.kind == .invalidInput || $0.kind == .conflict }) == true {
            let view = try await req.page("instruments/manage", titleKey: "ins_manage_title", titleArgs: ["name": i.name],
                                          content: content(req: req, i, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    @Sendable func addTraining(req: Request) async throws -> Response {
        let i = try await req.managedInstrument()
        let input = try InputReader(req, allowed: ["trainee", "note"])
        var v = Validator()
        let name = v.text("trainee", input["trainee"], max: 50) ?? ""
        let note = v.text("note", input["note"], max: 200) ?? ""
        try v.throwIfAny()
        try await req.instrumentStore.grantTraining(i, username: name, note: note, grantedBy: try req.requireUser().id, actor: req.actor)
        req.flash("flash_training_saved")
        return req.redirect(to: "/instruments/\(i.id!.uuidString)/manage", redirectType: .normal)
    }
}
