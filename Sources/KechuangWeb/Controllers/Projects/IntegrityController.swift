import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 科研诚信 (art. 26): staff enter misconduct records with their evidence and close them (never delete); the person or
/// organisation concerned reads its own records and grade at `/integrity/me`.
struct IntegrityController {
    struct Row: Content {
        let id: String
        let subject: String
        let subjectLabel: String
        let name: String
        let category: String
        let severity: String
        let sanction: String
        let decisionNo: String
        let decidedBy: String
        let decidedOn: String
        let ban: String
        let banning: Bool
        let closed: Bool
        let closeReason: String
        let finding: String
        let evidence: String
    }

    struct ListContent: Encodable {
        let rows: [Row]
        let pager: Pager
        let filters: [String: String]
        let categories: [RegistrationController.Option]
        let severities: [RegistrationController.Option]
        let form: FormState
    }

    struct MineContent: Encodable {
        let rows: [Row]
        let personGrade: String
        let organizations: [OrgGrade]
    }

    struct OrgGrade: Encodable {
        let name: String
        let grade: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "integrity", access: .staff, use: list)
        r.on(.POST, "integrity", access: .staff, body: .collect(maxSize: "8mb"), use: create)
        r.on(.GET, "integrity", "me", access: .signedIn, use: mine)
        r.on(.GET, "api", "v1", "integrity", "me", access: .signedIn, use: mineAPI)
        r.on(.POST, "integrity", ":id", "close", access: .staff, use: close)
        r.on(.GET, "integrity", ":id", "evidence", access: .staff, use: evidence)
    }

    static func row(_ r: IntegrityCaseRecord, req: Request, today: Day) -> Row {
        let ban = r.banFrom.map { "\($0) — \(r.banUntil ?? req.t("integrity_ban_lifetime"))" } ?? req.t("integrity_no_ban")
        return Row(id: r.id!.uuidString, subject: r.subject, subjectLabel: req.t("integrity_subject_" + r.subject), name: r.subjectName,
                   category: req.t("misconduct_" + r.category), severity: req.t("severity_" + r.severity), sanction: r.sanction, decisionNo: r.decisionNo,
                   decidedBy: r.decidedBy, decidedOn: r.decidedOn, ban: ban, banning: r.facts.bans(on: today), closed: r.closedAt != nil,
                   closeReason: r.closeReason ?? "", finding: r.finding, evidence: r.evidenceName ?? "")
    }

    func listContent(_ req: Request, form: FormState = .empty) async throws -> ListContent {
        var f = ListFilters(req)
        var filter = IntegrityStore.Filter()
        filter.subject = f.choice("subject", as: IntegritySubject.self)
        filter.activeOnly = f.flag("active")
        filter.search = f.text("q")
        try f.check()
        let today = req.projectToday
        let page = try await IntegrityStore(db: req.db).list(filter, page: PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 30), today: today)
        return ListContent(rows: page.items.map { Self.row($0, req: req, today: today) }, pager: Pager(page, path: "/integrity", query: f.pagerQuery),
                           filters: f.kept, categories: MisconductCategory.allCases.map { .init(value: $0.rawValue, label: req.t("misconduct_" + $0.rawValue)) },
                           severities: MisconductSeverity.allCases.map { .init(value: $0.rawValue, label: req.t("severity_" + $0.rawValue)) }, form: form)
    }

    @Sendable func list(req: Request) async throws -> View {
        try await req.page("projects/integrity", titleKey: "integrity_title", content: try await listContent(req, form: FormState(values: ["decided_on": ChinaTime.dateString(req.now)])),
                           forms: true)
    }

    struct NewRecord: Vapor.Content {
        var subject: String?
        var username: String?
        var organization: String?
        var category: String?
        var severity: String?
        var finding: String?
        var sanction: String?
        var decision_no: String?
        var decided_by: String?
        var decided_on: String?
        var ban_from: String?
        var ban_until: String?
        var evidence: File?
    }

    @Sendable func create(req: Request) async throws -> Response {
        guard let n = try? req.content.decode(NewRecord.self) else { throw DomainError(.malformed, code: "body.malformed_form") }
        let values = ["subject": n.subject ?? "", "username": n.username ?? "", "organization": n.organization ?? "", "category": n.category ?? "",
                      "severity": n.severity ?? "", "finding": n.finding ?? "", "sanction": n.sanction ?? "", "decision_no": n.decision_no ?? "",
                      "decided_by": n.decided_by ?? "", "decided_on": n.decided_on ?? "", "ban_from": n.ban_from ?? "", "ban_until": n.ban_until ?? ""]
        do {
            var v = Validator()
            let subject = v.choice("subject", n.subject, as: IntegritySubject.self)
            let category = v.choice("category", n.category, as: MisconductCategory.self)
            let severity = v.choice("severity", n.severity, as: MisconductSeverity.self)
            let decided = v.day("decided_on", n.decided_on)
            let from = (n.ban_from ?? "").isEmpty ? nil : v.day("ban_from", n.ban_from)
            let until = (n.ban_until ?? "").isEmpty ? nil : v.day("ban_until", n.ban_until)
            var userID: UUID?, orgID: UUID?
            if subject == .person {
                if let u = try await UserRecord.query(on: req.db).filter(\.$username == (n.username ?? "").trimmingCharacters(in: .whitespaces)).first() { userID = u.id }
                else { v.add(.invalid("username", "integrity.subject_unknown")) }
            } else if subject == .organization {
                if let o = try await OrganizationRecord.query(on: req.db).filter(\.$name == (n.organization ?? "").trimmingCharacters(in: .whitespaces)).first() { orgID = o.id }
                else { v.add(.invalid("organization", "integrity.subject_unknown")) }
            }
            var file: TrackingStore.Attachment?
            if let f = n.evidence, f.data.readableBytes > 0 {
                if f.data.readableBytes > 5 * 1024 * 1024 { v.add(.invalid("evidence", "tracking.attachment_too_large", ["max": "5 MB", "file": f.filename])) }
                file = .init(filename: String(f.filename.prefix(200)), contentType: f.contentType?.description ?? "application/octet-stream",
                             content: Data(f.data.readableBytesView))
            }
            try v.throwIfAny()
            _ = try await IntegrityStore(db: req.db).create(.init(subject: subject!, userID: userID, organizationID: orgID, category: category!, severity: severity!,
                                                                  finding: n.finding ?? "", sanction: n.sanction ?? "", decisionNo: n.decision_no ?? "",
                                                                  decidedBy: n.decided_by ?? "", decidedOn: decided!, banFrom: from, banUntil: until, evidence: file),
                                                            actor: req.actor)
            req.flash("flash_integrity_created")
            return req.redirect(to: "/integrity", redirectType: .normal)
        } catch let e as ValidationErrors {
            let view = try await req.page("projects/integrity", titleKey: "integrity_title",
                                          content: try await listContent(req, form: try FormState(e, values: values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    @Sendable func close(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("integrity_record") }
        let input = try InputReader(req, allowed: ["reason"])
        do {
            _ = try await IntegrityStore(db: req.db).close(id, reason: input["reason"] ?? "", actor: req.actor)
            req.flash("flash_integrity_closed")
            return req.redirect(to: "/integrity", redirectType: .normal)
        } catch let e where e is ValidationErrors || (e as? DomainError)?.kind == .conflict {
            let view = try await req.page("projects/integrity", titleKey: "integrity_title",
                                          content: try await listContent(req, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req, status: (e as? DomainError)?.kind == .conflict ? .conflict : .unprocessableEntity)
        }
    }

    @Sendable func evidence(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let r = try await IntegrityStore(db: req.db).find(id), let data = r.evidence else {
            throw DomainError.notFound("file")
        }
        return .download(data, filename: r.evidenceName ?? "evidence", contentType: r.evidenceType ?? "application/octet-stream")
    }

    func mineContent(_ req: Request) async throws -> MineContent {
        let me = try req.requireUser()
        let orgs = try await req.accounts.organizations(of: me.id)
        let store = IntegrityStore(db: req.db)
        let today = req.projectToday
        let records = try await store.about(userID: me.id, organizationIDs: orgs.map { $0.id! })
        var grades: [OrgGrade] = []
        for o in orgs { grades.append(OrgGrade(name: o.name, grade: req.t("integrity_grade_" + (try await store.grade(userID: nil, organizationID: o.id, on: today)).rawValue))) }
        return MineContent(rows: records.map { Self.row($0, req: req, today: today) },
                           personGrade: req.t("integrity_grade_" + (try await store.grade(userID: me.id, organizationID: nil, on: today)).rawValue), organizations: grades)
    }

    @Sendable func mine(req: Request) async throws -> View {
        try await req.page("projects/integrity-me", titleKey: "integrity_me_title", content: try await mineContent(req))
    }

    @Sendable func mineAPI(req: Request) async throws -> [Row] { try await mineContent(req).rows }
}
