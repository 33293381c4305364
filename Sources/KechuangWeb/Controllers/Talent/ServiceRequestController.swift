import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 一码供给 / 绿色通道: a classified talent requests a service; the responsible unit's staff work it in their queue
/// (accept, ask for documents, complete, refuse with a reason); the talent follows every step and may supply
/// documents or withdraw. A unit sees the person's contact data for the one request it handles, and each view is
/// written to the person's access log.
struct ServiceRequestController {
    struct ServiceOption: Encodable {
        let code: String
        let name: String
        let unit: String
        let days: Int
        let documents: String
        let allowed: Bool
    }

    struct MineContent: Encodable {
        let classified: Bool
        let services: [ServiceOption]
        let rows: [Row]
        let form: FormState
        let note: String
        let provisional: Bool
    }

    struct Row: Content {
        let id: String
        let service: String
        let unit: String
        let talent: String
        let state: String
        let stateLabel: String
        let submittedAt: String
        let dueAt: String
        let overdue: Bool
        let waiting: Bool
    }

    struct StepRow: Encodable {
        let at: String
        let action: String
        let stateLabel: String
        let actor: String
        let note: String
    }

    struct DetailContent: Encodable {
        let row: Row
        let details: String
        let documents: String
        let steps: [StepRow]
        let actions: [RegistrationController.Option]
        let viewerIsTalent: Bool
        let contact: Contact?
        let form: FormState
        let files: [FileRow]
        /// The talent may answer a request for documents with files.
        let canSupplyFiles: Bool
    }

    struct FileRow: Encodable {
        let id: String
        let filename: String
        let by: String
        let at: String
    }

    struct Contact: Encodable {
        let name: String
        let phone: String
        let family: String
        let idMasked: String
        let category: String
    }

    struct QueueContent: Encodable {
        let rows: [Row]
        let pager: Pager
        let filters: [String: String]
        let states: [RegistrationController.Option]
        let units: [String]
        let counts: [CountRow]
        let exportQuery: String
    }

    struct CountRow: Encodable {
        let unit: String
        let open: Int
        let overdue: Int
        let completed: Int
        let completedLate: Int
        let refused: Int
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "talent", "me", "requests", access: .roles([.talent]), use: mine)
        r.on(.POST, "talent", "me", "requests", access: .roles([.talent]), use: create)
        r.on(.GET, "api", "v1", "talent", "me", "requests", access: .roles([.talent]), use: mineAPI)
        r.on(.GET, "talent", "requests", ":id", access: .roles([.talent, .admin, .reviewer]), use: detail)
        r.on(.POST, "talent", "requests", ":id", "act", access: .roles([.talent, .admin, .reviewer]), use: act)
        r.on(.POST, "talent", "requests", ":id", "documents", access: .roles([.talent]), body: .collect(maxSize: "12mb"), use: supplyDocuments)
        r.on(.GET, "talent", "requests", ":id", "files", ":file", access: .roles([.talent, .admin, .reviewer]), use: file)
        r.on(.GET, "services", "requests", access: .staff, use: queue)
    }

    static func row(_ r: ServiceRequestRecord, catalogue: TalentServiceCatalogue, req: Request, now: Date? = nil) -> Row {
        let now = now ?? req.now
        let s = catalogue.service(r.service)
        return Row(id: r.id!.uuidString, service: s.map { req.lang == .en ? $0.nameEn : $0.name } ?? r.service, unit: r.unit.name,
                   talent: r.$talent.value?.name ?? "", state: r.state, stateLabel: req.t("service_state_" + r.state),
                   submittedAt: ChinaTime.display(r.submittedAt), dueAt: r.requestState.isOpen ? ChinaTime.display(r.deadline.due(now: now)) : "—",
                   overdue: r.deadline.overdue(state: r.requestState, now: now), waiting: r.requestState == .documentsRequested)
    }

    func mineContent(_ req: Request, _ t: TalentRecord, form: FormState = .empty) async throws -> MineContent {
        let cat = req.services.talentServices
        let c = t.confirmedCategory
        let rows = try await ServiceRequestStore(db: req.db).of(talentID: t.id!)
        return MineContent(
            classified: c != nil,
            services: cat.services.map { s in
                ServiceOption(code: s.code, name: req.lang == .en ? s.nameEn : s.name, unit: s.unit, days: s.days, documents: s.documents.joined(separator: "、"),
                              allowed: c.map { s.categories.isEmpty || s.categories.contains($0) } ?? false)
            },
            rows: rows.map { Self.row($0, catalogue: cat, req: req) }, form: form, note: req.lang == .en ? cat.noteEn : cat.note,
            provisional: cat.status == "provisional")
    }

    @Sendable func mine(req: Request) async throws -> View {
        let t = try await req.requireOwnTalent()
        var values: [String: String] = [:]
        if let s = try? req.query.get(String.self, at: "service") { values["service"] = s }
        return try await req.page("talent/requests", titleKey: "talent_requests_title", content: try await mineContent(req, t, form: FormState(values: values)), forms: true)
    }

    @Sendable func mineAPI(req: Request) async throws -> [Row] {
        let t = try await req.requireOwnTalent()
        return try await ServiceRequestStore(db: req.db).of(talentID: t.id!).map { Self.row($0, catalogue: req.services.talentServices, req: req) }
    }

    @Sendable func create(req: Request) async throws -> Response {
        let t = try await req.requireOwnTalent()
        let input = try InputReader(req, allowed: ["service", "details"])
        do {
            guard let s = req.services.talentServices.service(input["service"] ?? "") else {
                throw ValidationErrors([.invalid("service", "field.required")])
            }
            let r = try await ServiceRequestStore(db: req.db).create(talent: t, service: s, details: input["details"] ?? "", actor: req.actor)
            req.flash("flash_service_request_submitted")
            if req.headers.contentType == .json {
                return try await ["id": r.id!.uuidString, "state": r.state].encodeResponse(status: .created, for: req)
            }
            return req.redirect(to: "/talent/requests/\(r.id!.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            if req.headers.contentType == .json { throw e }
            let view = try await req.page("talent/requests", titleKey: "talent_requests_title",
                                          content: try await mineContent(req, t, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    /// Who is looking: the talent who asked, a member of the unit that answers, or the talent office; else 404.
    enum Viewer { case talent, unit(String), office }

    func viewer(_ req: Request, _ r: ServiceRequestRecord) async throws -> Viewer {
        let me = try req.requireUser()
        if me.role == .talent {
            guard r.talent.$user.id == me.id else { throw DomainError.notFound("service_request") }
            return .talent
        }
        if try await req.serviceUnits().contains(where: { $0.id == r.$unit.id }) { return .unit(r.unit.name) }
        if try await req.isTalentOffice() { return .office }
        throw DomainError.notFound("service_request")
    }

    func detailContent(_ req: Request, _ r: ServiceRequestRecord, viewer: Viewer, form: FormState = .empty) async throws -> DetailContent {
        let cat = req.services.talentServices
        let steps = try await ServiceRequestStore(db: req.db).steps(r.id!)
        var contact: Contact?
        var actor: ServiceRequestAction.Actor?
        switch viewer {
        case .talent: actor = .talent
        case .unit(let name):
            actor = .unit
            let p = try await req.talents.personalData(r.talent, for: req.talentViewer(purpose: "service_request:\(r.id!.uuidString)", unit: name),
                                                       fields: ["phone", "family"])
            contact = Contact(name: r.talent.name, phone: p.phone, family: p.family, idMasked: r.talent.idMasked, category: r.talent.category ?? "")
        case .office:
            contact = Contact(name: r.talent.name, phone: ResidentID.maskedPhone(try req.talents.ownPersonalData(r.talent).phone), family: "",
                              idMasked: r.talent.idMasked, category: r.talent.category ?? "")
        }
        let actions = actor.map { ServiceRequestAction.available(in: r.requestState, for: $0, wasAccepted: r.acceptedAt != nil) } ?? []
        let files = try await ServiceRequestStore(db: req.db).files(of: r.id!)
        return DetailContent(
            row: Self.row(r, catalogue: cat, req: req), details: r.details,
            documents: cat.service(r.service)?.documents.joined(separator: "、") ?? "",
            steps: steps.map { StepRow(at: ChinaTime.display($0.at), action: req.t("service_action_" + $0.action), stateLabel: req.t("service_state_" + $0.toState),
                                       actor: $0.actorName, note: $0.note) },
            actions: actions.map { .init(value: $0.rawValue, label: req.t("service_action_" + $0.rawValue)) },
            viewerIsTalent: actor == .talent, contact: contact, form: form,
            files: files.map { FileRow(id: $0.id!.uuidString, filename: $0.filename, by: $0.uploadedByName, at: ChinaTime.display($0.uploadedAt)) },
            canSupplyFiles: actor == .talent && r.requestState == .documentsRequested)
    }

    @Sendable func detail(req: Request) async throws -> View {
        guard let id = req.parameters.get("id", as: UUID.self), let r = try await ServiceRequestStore(db: req.db).find(id) else {
            throw DomainError.notFound("service_request")
        }
        let v = try await viewer(req, r)
        return try await req.page("talent/request", titleKey: "service_request_title", content: try await detailContent(req, r, viewer: v), forms: true)
    }

    @Sendable func act(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let r = try await ServiceRequestStore(db: req.db).find(id) else {
            throw DomainError.notFound("service_request")
        }
        let v = try await viewer(req, r)
        let input = try InputReader(req, allowed: ["action", "note"])
        do {
            var val = Validator()
            let action = val.choice("action", input["action"], as: ServiceRequestAction.self)
            try val.throwIfAny()
            let by: ServiceRequestAction.Actor
            switch v {
            case .talent: by = .talent
            case .unit: by = .unit
            case .office: throw DomainError.forbidden
            }
            try await ServiceRequestStore(db: req.db).act(id, action!, note: input["note"] ?? "", by: by, actor: req.actor)
            req.flash("flash_service_request_updated")
            return req.redirect(to: "/talent/requests/\(id.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let fresh = try await ServiceRequestStore(db: req.db).find(id) ?? r
            let view = try await req.page("talent/request", titleKey: "service_request_title",
                                          content: try await detailContent(req, fresh, viewer: v, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    struct Documents: Vapor.Content {
        var note: String?
        var documents: [File]?
    }

    static let maxFileBytes = 5 * 1024 * 1024

    /// The talent answers a request for documents with a note and files (5 MB each, several at once).
    @Sendable func supplyDocuments(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let r = try await ServiceRequestStore(db: req.db).find(id) else {
            throw DomainError.notFound("service_request")
        }
        let v = try await viewer(req, r)
        guard case .talent = v else { throw DomainError.forbidden }
        guard let d = try? req.content.decode(Documents.self) else { throw DomainError(.malformed, code: "body.malformed_form") }
        do {
            let files = (d.documents ?? []).filter { $0.data.readableBytes > 0 }
            if let big = files.first(where: { $0.data.readableBytes > Self.maxFileBytes }) {
                throw ValidationErrors([.invalid("documents", "tracking.attachment_too_large", ["max": "5 MB", "file": big.filename])])
            }
            try await ServiceRequestStore(db: req.db).act(id, .supplyDocuments, note: d.note ?? "", by: .talent,
                                                          files: files.map { .init(filename: String($0.filename.prefix(200)),
                                                                                   contentType: $0.contentType?.description ?? "application/octet-stream",
                                                                                   content: Data($0.data.readableBytesView)) },
                                                          actor: req.actor)
            req.flash("flash_service_request_updated")
            return req.redirect(to: "/talent/requests/\(id.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let view = try await req.page("talent/request", titleKey: "service_request_title",
                                          content: try await detailContent(req, r, viewer: v, form: try FormState(e, values: ["note": d.note ?? ""], req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    /// A document of a request, for the talent, the unit (logged in the person's access log) and the office (logged).
    @Sendable func file(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let fid = req.parameters.get("file", as: UUID.self),
              let r = try await ServiceRequestStore(db: req.db).find(id) else { throw DomainError.notFound("service_request") }
        let v = try await viewer(req, r)
        guard let f = try await ServiceRequestStore(db: req.db).file(fid, of: id) else { throw DomainError.notFound("file") }
        switch v {
        case .talent: break
        case .unit(let name):
            _ = try await req.talents.personalData(r.talent, for: req.talentViewer(purpose: "service_request:\(id.uuidString)", unit: name), fields: ["evidence:\(f.filename)"])
        case .office:
            _ = try await req.talents.personalData(r.talent, for: req.talentViewer(purpose: "service_request:\(id.uuidString)", unit: Request.talentOfficeUnit),
                                                   fields: ["evidence:\(f.filename)"])
        }
        return .download(f.content, filename: f.filename, contentType: f.contentType)
    }

    /// The unit's queue (every unit's for the talent office), with overdue flags and the per-unit counts; CSV/XLSX.
    @Sendable func queue(req: Request) async throws -> Response {
        let office = try await req.isTalentOffice()
        let mine = try await req.serviceUnits()
        var f = ListFilters(req)
        let state = f.choice("state", as: ServiceRequestState.self)
        let overdue = f.flag("overdue")
        try f.check()
        var filter = ServiceRequestStore.QueueFilter()
        filter.units = office ? nil : mine.map { $0.id! }
        filter.state = state?.rawValue
        filter.overdueOnly = overdue
        let store = ServiceRequestStore(db: req.db)
        let cat = req.services.talentServices
        if (try? req.query.get(String.self, at: "format")) != nil {
            let all = try await store.queue(filter, page: PageQuery(page: 1, per: PageQuery.maxPer, defaultPer: PageQuery.maxPer))
            var rows = all.items
            var p = 2
            while rows.count < all.total {
                rows += try await store.queue(filter, page: PageQuery(page: p, per: PageQuery.maxPer, defaultPer: PageQuery.maxPer)).items
                p += 1
            }
            let view = rows.map { Self.row($0, catalogue: cat, req: req) }
            if let file = try ListExport.response(req, name: "service-requests", header: ["service", "unit", "talent", "state", "submitted_at", "due_at", "overdue"],
                                                  rows: view.map { [$0.service, $0.unit, $0.talent, $0.state, $0.submittedAt, $0.dueAt, $0.overdue ? "true" : "false"] }) {
                return file
            }
        }
        let page = try await store.queue(filter, page: PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 30))
        let counts = try await store.countsByUnit().filter { office || mine.map(\.name).contains($0.unit) }
        let view = try await req.page("talent/queue", titleKey: "service_queue_title", content: QueueContent(
            rows: page.items.map { Self.row($0, catalogue: cat, req: req) }, pager: Pager(page, path: "/services/requests", query: f.pagerQuery),
            filters: f.kept, states: ServiceRequestState.allCases.map { .init(value: $0.rawValue, label: req.t("service_state_" + $0.rawValue)) },
            units: office ? [req.t("service_queue_all_units")] : mine.map(\.name),
            counts: counts.map { CountRow(unit: $0.unit, open: $0.open, overdue: $0.overdue, completed: $0.completed, completedLate: $0.completedLate, refused: $0.refused) },
            exportQuery: f.exportQuery))
        return try await view.encodeResponse(for: req)
    }
}
