import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The owning unit's desk for one instrument: approve or reject requests, see the schedule and the waiting list,
/// record usage (priced at the frozen fee, booked vs actual compared), keep training records.
struct InstrumentManageController {
    struct Content: Encodable {
        let id: String
        let name: String
        let pending: [Row]
        let upcoming: [Row]
        let toRecord: [Row]
        let usage: [UsageRow]
        let trainings: [Training]
        let waitlist: [Queue]
        let purposes: [RegistrationController.Option]
        let form: FormState
        let qualification: String
    }

    struct Row: Encodable {
        let id: String
        let user: String
        let slot: String
        let status: String
        let fee: String
        let note: String
        let external: Bool
    }

    struct UsageRow: Encodable {
        let user: String
        let slot: String
        let minutes: Int
        let booked: String
        let flag: String?
        let fee: String
        let purpose: String
        let rating: String
    }

    struct Training: Encodable {
        let user: String
        let note: String
        let date: String
    }

    struct Queue: Encodable {
        let user: String
        let slot: String
        let status: String
    }

    static let purposes = ["research", "teaching", "testing_service", "legal_certification", "commercial_inspection"]

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "instruments", ":id", "manage", access: .signedIn, use: show)
        r.on(.POST, "bookings", ":id", "approve", access: .signedIn, use: approve)
        r.on(.POST, "bookings", ":id", "reject", access: .signedIn, use: reject)
        r.on(.POST, "instruments", ":id", "usage", access: .signedIn, use: recordUsage)
        r.on(.POST, "instruments", ":id", "trainings", access: .signedIn, use: addTraining)
    }

    static func userNames(_ db: any Database, _ ids: Set<UUID>) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await UserRecord.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, "\($0.displayName) (\($0.username))") }, uniquingKeysWith: { a, _ in a })
    }

    func content(req: Request, _ i: InstrumentRecord, form: FormState = .empty) async throws -> Content {
        let db = req.db
        let now = Date()
        let pending = try await BookingRecord.query(on: db).filter(\.$instrument.$id == i.id!).filter(\.$status == "pending").sort(\.$startAt).limit(100).all()
        let upcoming = try await BookingRecord.query(on: db).filter(\.$instrument.$id == i.id!).filter(\.$status == "confirmed").filter(\.$endAt > now).sort(\.$startAt).limit(50).all()
        let past = try await BookingRecord.query(on: db).filter(\.$instrument.$id == i.id!).filter(\.$status == "confirmed").filter(\.$startAt <= now).sort(\.$startAt, .descending).limit(50).all()
        let usage = try await UsageRecord.query(on: db).filter(\.$instrumentID == i.id!).sort(\.$startAt, .descending).limit(50).all()
        let trainings = try await TrainingRecord.query(on: db).filter(\.$instrumentID == i.id!).sort(\.$createdAt, .descending).all()
        let queue = try await WaitlistRecord.query(on: db).filter(\.$instrumentID == i.id!).filter(\.$status ~~ ["waiting", "offered"]).sort(\.$createdAt).all()
        let names = try await Self.userNames(db, Set((pending + upcoming + past).map(\.userID) + usage.map(\.userID) + trainings.map(\.userID) + queue.map(\.userID)))
        func row(_ b: BookingRecord) -> Row {
            Row(id: b.id!.uuidString, user: names[b.userID] ?? "", slot: ChinaTime.display(b.startAt) + "–" + String(ChinaTime.display(b.endAt).suffix(5)),
                status: req.t("booking_status_\(b.status)"), fee: Money(fen: b.feeFen).display, note: b.note, external: b.external)
        }
        return Content(
            id: i.id!.uuidString, name: i.name, pending: pending.map(row), upcoming: upcoming.map(row), toRecord: past.map(row),
            usage: usage.map { u in
                UsageRow(user: names[u.userID] ?? "", slot: ChinaTime.display(u.startAt) + "–" + String(ChinaTime.display(u.endAt).suffix(5)), minutes: u.minutes,
                         booked: u.bookedMinutes.map(String.init) ?? "—", flag: u.gapFlag.map { req.t("gap_\($0)") }, fee: Money(fen: u.feeFen).display,
                         purpose: req.t("purpose_\(u.purpose)"), rating: u.rating.map { "\($0)/5" } ?? "—")
            },
            trainings: trainings.map { Training(user: names[$0.userID] ?? "", note: $0.note, date: $0.createdAt.map(ChinaTime.dateString) ?? "") },
            waitlist: queue.map { Queue(user: names[$0.userID] ?? "", slot: ChinaTime.display($0.startAt) + "–" + String(ChinaTime.display($0.endAt).suffix(5)),
                                        status: req.t("waitlist_\($0.status)")) },
            purposes: Self.purposes.map { .init(value: $0, label: req.t("purpose_\($0)")) }, form: form, qualification: i.qualification)
    }

    @Sendable func show(req: Request) async throws -> View {
        let i = try await req.managedInstrument()
        return try await req.page("instruments/manage", titleKey: "ins_manage_title", titleArgs: ["name": i.name], content: content(req: req, i), forms: true)
    }

    /// A booking of an instrument the user manages (404 otherwise).
    static func managedBooking(_ req: Request) async throws -> (BookingRecord, InstrumentRecord) {
        guard let id = req.parameters.get("id", as: UUID.self), let b = try await BookingRecord.find(id, on: req.db),
              let i = try await InstrumentRecord.find(b.$instrument.id, on: req.db), try await req.managesInstrument(i) else { throw DomainError.notFound("booking") }
        return (b, i)
    }

    func decide(_ req: Request, approve: Bool) async throws -> Response {
        let (b, i) = try await Self.managedBooking(req)
        let input = try InputReader(req, allowed: ["note"])
        var v = Validator()
        let note = v.text("note", input["note"], max: 500, required: !approve) ?? ""
        try v.throwIfAny()
        try await BookingStore(db: req.db).decide(b, approve: approve, note: note, actor: req.actor)
        req.flash(approve ? "flash_booking_approved" : "flash_booking_rejected")
        return req.redirect(to: "/instruments/\(i.id!.uuidString)/manage", redirectType: .normal)
    }

    @Sendable func approve(req: Request) async throws -> Response { try await decide(req, approve: true) }
    @Sendable func reject(req: Request) async throws -> Response { try await decide(req, approve: false) }

    @Sendable func recordUsage(req: Request) async throws -> Response {
        let i = try await req.managedInstrument()
        let input = try InputReader(req, allowed: ["booking", "username", "operator", "date", "start", "end", "samples", "purpose", "notes"])
        do {
            var v = Validator()
            var booking: BookingRecord?
            var user: UserRecord?
            if let raw = input["booking"], !raw.isEmpty {
                booking = try await UUID(uuidString: raw).asyncMap { try await BookingRecord.find($0, on: req.db) } ?? nil
                if booking == nil || booking?.$instrument.id != i.id { v.add(.invalid("booking", "usage.unknown_booking")); booking = nil }
                else { user = try await UserRecord.find(booking!.userID, on: req.db) }
            } else if let name = input["username"], !name.isEmpty {
                user = try await req.accounts.user(username: name)
                if user == nil { v.add(.invalid("username", "usage.unknown_user")) }
            } else { v.add(.invalid("username", "field.required")) }
            let operatorName = v.text("operator", input["operator"], max: 50) ?? ""
            let samples = Int(input["samples"] ?? "")
            if samples == nil || !(0...100_000).contains(samples!) { v.add(.invalid("samples", "field.range", ["min": "0", "max": "100000"])) }
            let purpose = input["purpose"] ?? ""
            if !Self.purposes.contains(purpose) { v.add(.invalid("purpose", "field.not_allowed", ["value": String(purpose.prefix(40))])) }
            let notes = v.text("notes", input["notes"], max: 1000, required: false) ?? ""
            var slot: TimeSlot?
            switch Result(catching: { try BookingController.slot(input) }) {
            case .success(let s):
                if s.end <= s.start { v.add(.invalid("end", "booking.end_before_start")) } else if s.start > Date() { v.add(.invalid("start", "usage.in_future")) } else { slot = s }
            case .failure(let e as ValidationErrors): for x in e.errors { v.add(x) }
            case .failure(let e): throw e
            }
            try v.throwIfAny()
            let userOrg = try await req.accounts.organizations(of: user!.id!).first?.id
            let external = !(try await req.accounts.isMember(userID: user!.id!, organizationID: i.$organization.id))
            let gaps = try InstrumentData.sharingConfig(req).gaps
            _ = try await UsageStore(db: req.db).record(.init(userID: user!.id!, userOrgID: booking?.userOrgID ?? userOrg, external: booking?.external ?? external,
                                                              operatorName: operatorName, slot: slot!, samples: samples!, purpose: purpose, notes: notes),
                                                        instrument: i, booking: booking, gapRule: gaps, base: req.services.rules.current, actor: req.actor)
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
        guard let user = try await req.accounts.user(username: name) else { throw DomainError.invalid("trainee", "usage.unknown_user") }
        if try await TrainingRecord.query(on: req.db).filter(\.$instrumentID == i.id!).filter(\.$userID == user.id!).count() > 0 {
            throw DomainError(.conflict, code: "training.exists", field: "trainee")
        }
        let t = TrainingRecord()
        t.instrumentID = i.id!
        t.userID = user.id!
        t.grantedBy = try req.requireUser().id
        t.note = note
        try await req.db.transaction { tx in
            try await t.create(on: tx)
            try await AuditTrail.event(on: tx, actor: req.actor, action: "training.grant", entityType: "instrument", entityID: i.id!.uuidString,
                                       detail: ["user": user.username, "qualification": i.qualification])
        }
        req.flash("flash_training_saved")
        return req.redirect(to: "/instruments/\(i.id!.uuidString)/manage", redirectType: .normal)
    }
}

extension Optional {
    func asyncMap<T>(_ f: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let w): try await f(w)
        case .none: nil
        }
    }
}

/// Configuration files of the instrument module in `data/instruments/`.
enum InstrumentData {
    static func sharingConfig(_ req: Request) throws -> SharingEvaluationConfig {
        let config = try JSONDecoder().decode(SharingEvaluationConfig.self,
                                              from: Data(contentsOf: URL(fileURLWithPath: req.services.config.resourceDirectory + "/data/instruments/sharing-evaluation.json")))
        let problems = config.problems()
        guard problems.isEmpty else { throw DomainError(.conflict, code: "instrument.bad_evaluation_config", arguments: ["problems": problems.joined(separator: "; ")]) }
        return config
    }
}
