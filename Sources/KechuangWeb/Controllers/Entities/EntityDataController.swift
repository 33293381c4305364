import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// An organisation's yearly data: view by year, enter a year, import a CSV/XLSX table (all rows or none).
struct EntityDataController {
    struct Content: Encodable {
        let organizationID: String
        let name: String
        let years: [Int]
        let rows: [Row]
        let fields: [Field]
        let formYear: Int
        let staff: Bool
        let defaultSource: String
        let errors: [String: String]
        let general: String?
        let importProblems: [String]
        let template: String
    }

    struct Row: Encodable {
        let variable: String
        let label: String
        let cells: [Cell]
    }

    struct Cell: Encodable {
        let value: String
        let source: String
        let verified: Bool
    }

    struct Field: Encodable {
        let name: String
        let label: String
        let value: String
        let options: [RegistrationController.Option]?
        let hint: String
        let error: String?
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "organizations", ":id", "data", access: .signedIn, use: show)
        r.on(.POST, "organizations", ":id", "data", access: .signedIn, use: save)
        r.on(.POST, "organizations", ":id", "data", "import", access: .signedIn, use: importFile)
    }

    func content(req: Request, org: OrganizationRecord, kind: EntityKind, staff: Bool, year: Int?, values: [String: String] = [:],
                 errors: [String: String] = [:], general: String? = nil, importProblems: [String] = []) async throws -> Content {
        let base = try req.services.rules.require()
        let facts = try await EntityDataStore(db: req.db).facts(organizationID: org.id!)
        let years = Array(Set(facts.map(\.year))).sorted(by: >)
        let byKey = Dictionary(facts.map { ("\($0.year)/\($0.variable)", $0) }, uniquingKeysWith: { a, _ in a })
        let en = req.lang == .en
        let variables = EntityData.variables(for: kind, in: base)
        let formYear = year ?? (Int(ChinaTime.dateString(req.now).prefix(4))! - 1)
        let rows = variables.map { v in
            Row(variable: v.name, label: en ? v.labelEn : v.label, cells: years.map { y in
                let f = byKey["\(y)/\(v.name)"]
                return Cell(value: f.map { display($0.value, v, req) } ?? "", source: f.map { req.sourceLabel($0.source) } ?? "", verified: f?.verified ?? false)
            })
        }
        let fields = variables.map { v in
            Field(name: v.name, label: en ? v.labelEn : v.label, value: values[v.name] ?? byKey["\(formYear)/\(v.name)"]?.value ?? "",
                  options: v.type == .bool ? [.init(value: "true", label: req.t("yes")), .init(value: "false", label: req.t("no"))]
                         : v.allowed?.map { .init(value: $0, label: req.t("value_\($0)")) },
                  hint: v.source, error: errors[v.name])
        }
        let myOrg = try await req.accounts.organizations(of: try req.requireUser().id).first?.name
        return Content(organizationID: org.id!.uuidString, name: org.name, years: years, rows: rows.filter { r in r.cells.contains { !$0.value.isEmpty } },
                       fields: fields, formYear: formYear, staff: staff, defaultSource: staff ? (myOrg ?? "") : req.sourceLabel(EntityFact.selfDeclared),
                       errors: errors, general: general, importProblems: importProblems,
                       template: "year," + variables.map(\.name).joined(separator: ","))
    }

    func display(_ value: String, _ v: VariableDef, _ req: Request) -> String {
        switch v.type {
        case .money: Money(yuanString: value)?.display ?? value
        case .bool: req.t(value == "true" ? "yes" : "no")
        case .text: v.allowed != nil ? req.t("value_\(value)") : value
        case .number: value
        }
    }

    @Sendable func show(req: Request) async throws -> View {
        let (org, kind, staff) = try await req.organizationForData()
        let year = try? req.query.get(Int.self, at: "year")
        return try await req.page("entities/data", titleKey: "data_title", titleArgs: ["name": org.name],
                                  content: content(req: req, org: org, kind: kind, staff: staff, year: year), forms: true)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let (org, kind, staff) = try await req.organizationForData()
        let base = try req.services.rules.require()
        let names = Set(EntityData.variables(for: kind, in: base).map(\.name))
        let input = try InputReader(req, allowed: names.union(["year", "source", "verified"]))
        var raw: [String: String] = [:]
        for n in names { if let v = input[n] { raw[n] = v } }
        let year = Int(input["year"] ?? "")
        do {
            let (y, values) = try EntityData.check(raw, year: year, base: base, entity: kind)
            var v = Validator()
            let source = staff ? (v.text("source", input["source"], max: 100) ?? "") : EntityFact.selfDeclared
            try v.throwIfAny()
            try await EntityDataStore(db: req.db).save(organizationID: org.id!, year: y, values: values, source: source,
                                                       verified: staff && input["verified"] == "true", actor: req.actor)
            req.flash("flash_data_saved")
            return req.redirect(to: "/organizations/\(org.id!.uuidString)/data?year=\(y)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let form = try FormState(e, values: input.values, req: req)
            let view = try await req.page("entities/data", titleKey: "data_title", titleArgs: ["name": org.name], content: content(
                req: req, org: org, kind: kind, staff: staff, year: year, values: input.values, errors: form.errors, general: form.general), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    struct Upload: Decodable {
        let file: File
        let source: String?
        let verified: String?
        let _csrf: String?
    }

    @Sendable func importFile(req: Request) async throws -> Response {
        let (org, kind, staff) = try await req.organizationForData()
        let base = try req.services.rules.require()
        let upload = try? req.content.decode(Upload.self)
        let rows = try UploadedTable.rows(upload?.file)
        do {
            let parsed = try EntityData.parseTable(rows, base: base, entity: kind)
            let source = staff ? (upload?.source?.trimmingCharacters(in: .whitespaces)).flatMap { $0.isEmpty ? nil : $0 } ?? "import" : EntityFact.selfDeclared
            try await EntityDataStore(db: req.db).importRows(parsed.map { .init(line: $0.line, year: $0.year, values: $0.values) },
                                                             organizationID: org.id!, source: source, verified: staff && upload?.verified == "true", actor: req.actor)
            req.flash("flash_data_imported")
            return req.redirect(to: "/organizations/\(org.id!.uuidString)/data", redirectType: .normal)
        } catch let e as ImportErrors {
            let problems = UploadedTable.messages(e, req: req)
            let view = try await req.page("entities/data", titleKey: "data_title", titleArgs: ["name": org.name], content: content(
                req: req, org: org, kind: kind, staff: staff, year: nil, importProblems: problems), forms: true)
            return try await .rerender(view, for: req)
        }
    }
}
