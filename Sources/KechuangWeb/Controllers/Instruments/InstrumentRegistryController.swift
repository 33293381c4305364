import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Registering instruments: a form for one, a CSV/XLSX import for many (all rows or none). Only members of the
/// owning unit (and admins) create and edit.
struct InstrumentRegistryController {
    struct Content: Encodable {
        let editing: String?
        let action: String
        let organizations: [RegistrationController.Option]
        let organizationID: String
        let fields: [Field]
        let form: FormState
        let importProblems: [String]
        let template: String
    }

    struct Field: Encodable {
        let name: String
        let label: String
        let hint: String
        let value: String
        let error: String?
        let long: Bool
        let options: [RegistrationController.Option]?
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "instruments", "new", access: .signedIn, use: newForm)
        r.on(.POST, "instruments", access: .signedIn, use: create)
        r.on(.GET, "instruments", ":id", "edit", access: .signedIn, use: editForm)
        r.on(.POST, "instruments", ":id", "edit", access: .signedIn, use: update)
        r.on(.POST, "instruments", "import", access: .signedIn, use: importFile)
    }

    static let longFields: Set<String> = ["specifications", "functions", "application_fields", "sample_requirements"]

    static func options(_ name: String, req: Request) -> [RegistrationController.Option]? {
        switch name {
        case "funding_source": FundingSource.allCases.map { .init(value: $0.rawValue, label: req.t("funding_\($0.rawValue)")) }
        case "status": InstrumentStatus.allCases.map { .init(value: $0.rawValue, label: req.t("ins_status_\($0.rawValue)")) }
        case "share_mode": ShareMode.allCases.map { .init(value: $0.rawValue, label: req.t("share_mode_\($0.rawValue)")) }
        case "banner": Banner.allCases.map { .init(value: $0.code, label: req.lang == .zh ? $0.nameZh : $0.nameEn) }
        case "approval_required": [.init(value: "false", label: req.t("no")), .init(value: "true", label: req.t("yes"))]
        default: nil
        }
    }

    func content(req: Request, editing: InstrumentRecord?, form: FormState, importProblems: [String] = []) async throws -> Content {
        let orgs = try await req.registeringOrganizations()
        let values = form.values.isEmpty ? (editing.map { InstrumentStore.draft(of: $0).fields } ?? Self.defaults) : form.values
        let fields = InstrumentDraft.fieldNames.map { n in
            Field(name: n, label: req.t("ins_f_\(n)"), hint: req.t("ins_h_\(n)"), value: values[n] ?? "", error: form.errors[n], long: Self.longFields.contains(n),
                  options: Self.options(n, req: req))
        }
        return Content(editing: editing?.id?.uuidString, action: editing.map { "/instruments/\($0.id!.uuidString)/edit" } ?? "/instruments",
                       organizations: orgs.map { .init(value: $0.id!.uuidString, label: $0.name) },
                       organizationID: form.values["organization_id"] ?? editing?.$organization.id.uuidString ?? orgs.first?.id?.uuidString ?? "",
                       fields: fields, form: form, importProblems: importProblems, template: InstrumentDraft.fieldNames.joined(separator: ","))
    }

    static var defaults: [String: String] {
        var d = InstrumentDraft()
        d.serviceModes = [.onSite, .sampleDelivery]
        var f = d.fields
        for k in ["original_value", "fee_internal", "fee_external", "purchase_date"] { f[k] = "" }
        return f
    }

    @Sendable func newForm(req: Request) async throws -> View {
        return try await req.page("instruments/form", titleKey: "ins_new_title", content: content(req: req, editing: nil, form: .empty), forms: true)
    }

    @Sendable func editForm(req: Request) async throws -> View {
        let i = try await req.managedInstrument()
        return try await req.page("instruments/form", titleKey: "ins_edit_title", titleArgs: ["name": i.name], content: content(req: req, editing: i, form: .empty), forms: true)
    }

    /// The organisation chosen in the form, if the user may register for it.
    func organization(_ raw: String?, req: Request) async throws -> UUID {
        let allowed = try await req.registeringOrganizations().compactMap(\.id)
        guard let id = raw.flatMap(UUID.init(uuidString:)) ?? (allowed.count == 1 ? allowed[0] : nil), allowed.contains(id) else {
            throw DomainError.invalid("organization_id", "instrument.not_your_unit")
        }
        return id
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try InputReader(req, allowed: Set(InstrumentDraft.fieldNames + ["organization_id"]))
        do {
            let org = try await organization(input["organization_id"], req: req)
            let draft = try Self.parse(input.values, today: ChinaTime.dateString(req.now))
            let i = try await InstrumentStore(db: req.db).create(draft, organizationID: org, actor: req.actor)
            req.flash("flash_instrument_saved")
            return req.redirect(to: "/instruments/\(i.id!.uuidString)", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError).map({ $0.kind == .invalidInput || $0.kind == .conflict }) == true {
            let view = try await req.page("instruments/form", titleKey: "ins_new_title",
                                          content: content(req: req, editing: nil, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    static func parse(_ values: [String: String], today: String) throws -> InstrumentDraft {
        return try Result { () throws(ValidationErrors) in try InstrumentDraft.parse(values, today: today) }.get()
    }

    @Sendable func update(req: Request) async throws -> Response {
        let i = try await req.managedInstrument()
        let input = try InputReader(req, allowed: Set(InstrumentDraft.fieldNames + ["organization_id"]))
        do {
            let draft = try Self.parse(input.values, today: ChinaTime.dateString(req.now))
            try await InstrumentStore(db: req.db).update(i, with: draft, actor: req.actor)
            req.flash("flash_instrument_saved")
            return req.redirect(to: "/instruments/\(i.id!.uuidString)", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError).map({ $0.kind == .invalidInput || $0.kind == .conflict }) == true {
            let view = try await req.page("instruments/form", titleKey: "ins_edit_title", titleArgs: ["name": i.name],
                                          content: content(req: req, editing: i, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    struct Upload: Decodable {
        let file: File?
        let organization_id: String?
        let _csrf: String?
    }

    @Sendable func importFile(req: Request) async throws -> Response {
        let upload = try? req.content.decode(Upload.self)
        let org = try await organization(upload?.organization_id, req: req)
        do {
            let rows = try UploadedTable.rows(upload?.file)
            let today = ChinaTime.dateString(req.now)
            let parsed = try Result { () throws(ImportErrors) in try InstrumentDraft.parseTable(rows, today: today) }.get()
            let n = try await InstrumentStore(db: req.db).importRows(parsed, organizationID: org, actor: req.actor)
            req.flash("flash_instruments_imported")
            return req.redirect(to: "/instruments?owner=\(org.uuidString)&imported=\(n)", redirectType: .normal)
        } catch let e as ImportErrors {
            let view = try await req.page("instruments/form", titleKey: "ins_new_title", content: content(
                req: req, editing: nil, form: FormState(values: ["organization_id": org.uuidString]), importProblems: UploadedTable.messages(e, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }
}
