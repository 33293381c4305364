import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Recognitions an enterprise holds: staff record them with evidence, the enterprise and staff see them with their
/// state (expiring 90 days ahead) and the art. 7 award the engine computes; revoked with a reason, never deleted.
struct RecognitionController {
    static let maxEvidenceBytes = 5 * 1024 * 1024

    struct Row: Encodable {
        let id: String
        let organizationID: String
        let organization: String
        let rung: String
        let rungLabel: String
        let levelLabel: String
        let certificateNumber: String
        let recognizedOn: String
        let expiresOn: String
        let issuingBody: String
        let firstTime: Bool
        let state: String
        let stateLabel: String
        let daysLeft: Int?
        let revokedReason: String?
        let evidence: String?
        let award: String?
        let awardYuan: String?
        let awardStatus: String?
        let awardProvisional: Bool
    }

    struct OrgContent: Encodable {
        let organizationID: String
        let name: String
        let rows: [Row]
        let staff: Bool
        let rungs: [RegistrationController.Option]
        let levels: [RegistrationController.Option]
        let form: FormState
        let today: String
        let defaultExpiry: String
    }

    struct ListContent: Encodable {
        let rows: [Row]
        let pager: Pager
        let filters: [String: String]
        let rungs: [RegistrationController.Option]
        let exportQuery: String
    }

    struct Upload: Content {
        var rung: String?
        var level: String?
        var certificate_number: String?
        var recognized_on: String?
        var expires_on: String?
        var issuing_body: String?
        var first_time: String?
        var evidence: File?
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "organizations", ":id", "recognitions", access: .signedIn, use: organizationPage)
        r.on(.POST, "organizations", ":id", "recognitions", access: .staff, body: .collect(maxSize: "8mb"), use: create)
        r.on(.POST, "recognitions", ":id", "revoke", access: .staff, use: revoke)
        r.on(.GET, "recognitions", ":id", "evidence", access: .signedIn, use: evidence)
        r.on(.GET, "admin", "recognitions", access: .staff, use: list)
    }

    static func today(_ req: Request) -> Day { req.today }

    static func row(_ r: RecognitionRecord, org: OrganizationRecord, base: RuleBase?, req: Request) -> Row {
        let d = r.domain
        let state = d.state(on: today(req))
        let award = base.flatMap { d.firstTime ? RecognitionStore.award(d, base: $0) : nil }
        let fen = award.flatMap { $0.outcome.amount }.flatMap { try? $0.fen() }
        return Row(id: r.id!.uuidString, organizationID: org.id!.uuidString, organization: org.name, rung: r.rung,
                   rungLabel: req.t("rung_\(r.rung)"), levelLabel: req.t("level_\(r.level)"), certificateNumber: r.certificateNumber,
                   recognizedOn: r.recognizedOn, expiresOn: r.expiresOn, issuingBody: r.issuingBody, firstTime: r.firstTime,
                   state: state.rawValue, stateLabel: req.t("recognition_state_\(state.rawValue)"),
                   daysLeft: state == .expiring || state == .active ? Recognition.daysBetween(today(req), d.expiresOn) : nil,
                   revokedReason: r.revokedReason, evidence: r.evidenceFilename,
                   award: fen.map { Money(fen: $0).display }, awardYuan: fen.map { Money(fen: $0).plainYuan },
                   awardStatus: award.map { req.t("status_\($0.outcome.status.rawValue)") }, awardProvisional: award?.provisional ?? false)
    }

    func orgContent(_ req: Request, org: OrganizationRecord, staff: Bool, form: FormState = .empty) async throws -> OrgContent {
        let records = try await RecognitionStore(db: req.db).of(organizationID: org.id!)
        let base = req.services.rules.current
        let t = Self.today(req)
        return OrgContent(organizationID: org.id!.uuidString, name: org.name, rows: records.map { Self.row($0, org: org, base: base, req: req) },
                          staff: staff, rungs: LadderRung.allCases.map { .init(value: $0.rawValue, label: req.t("rung_\($0.rawValue)")) },
                          levels: Recognition.Level.allCases.map { .init(value: $0.rawValue, label: req.t("level_\($0.rawValue)")) },
                          form: form, today: t.description, defaultExpiry: t.adding(days: 3 * 365).description)
    }

    @Sendable func organizationPage(req: Request) async throws -> View {
        let (org, kind, staff) = try await req.organizationForData()
        guard kind == .enterprise else { throw DomainError.notFound("organization") }
        return try await req.page("entities/recognitions", titleKey: "recognitions_org_title", titleArgs: ["name": org.name],
                                  content: try await orgContent(req, org: org, staff: staff), forms: staff)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let (org, kind, _) = try await req.organizationForData()
        guard kind == .enterprise else { throw DomainError.notFound("organization") }
        guard let u = try? req.content.decode(Upload.self) else { throw DomainError(.malformed, code: "body.malformed_form") }
        let values = ["rung": u.rung ?? "", "level": u.level ?? "", "certificate_number": u.certificate_number ?? "", "recognized_on": u.recognized_on ?? "",
                      "expires_on": u.expires_on ?? "", "issuing_body": u.issuing_body ?? "", "first_time": u.first_time ?? ""]
        do {
            let r = try RecognitionDraft(rung: u.rung, level: u.level, certificateNumber: u.certificate_number, recognizedOn: u.recognized_on,
                                         expiresOn: u.expires_on, issuingBody: u.issuing_body, firstTime: u.first_time).validate()
            var file: RecognitionStore.Evidence?
            if let f = u.evidence, f.data.readableBytes > 0 {
                guard f.data.readableBytes <= Self.maxEvidenceBytes else {
                    throw ValidationErrors([.invalid("evidence", "tracking.attachment_too_large", ["max": "5 MB"])])
                }
                file = .init(filename: String(f.filename.prefix(200)), contentType: f.contentType?.description ?? "application/octet-stream",
                             content: Data(f.data.readableBytesView))
            }
            try await RecognitionStore(db: req.db).record(r, organization: org, evidence: file, actor: req.actor)
            req.flash("flash_recognition_recorded")
            return req.redirect(to: "/organizations/\(org.id!.uuidString)/recognitions", redirectType: .normal)
        } catch let e as ValidationErrors {
            let c = try await orgContent(req, org: org, staff: true, form: try FormState(e, values: values, req: req))
            let view = try await req.page("entities/recognitions", titleKey: "recognitions_org_title", titleArgs: ["name": org.name], content: c, forms: true)
            return try await .rerender(view, for: req)
        }
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let rec = try await RecognitionStore(db: req.db).find(id) else {
            throw DomainError.notFound("recognition")
        }
        let input = try InputReader(req, allowed: ["reason"])
        do {
            _ = try await RecognitionStore(db: req.db).revoke(id, reason: input["reason"] ?? "", on: Self.today(req), actor: req.actor)
            req.flash("flash_recognition_revoked")
        } catch let e as ValidationErrors {
            let c = try await orgContent(req, org: rec.organization, staff: true,
                                         form: try FormState(e, values: ["revoke": id.uuidString, "reason": input["reason"] ?? ""], req: req))
            let view = try await req.page("entities/recognitions", titleKey: "recognitions_org_title", titleArgs: ["name": rec.organization.name],
                                          content: c, forms: true)
            return try await .rerender(view, for: req)
        }
        return req.redirect(to: "/organizations/\(rec.organization.id!.uuidString)/recognitions", redirectType: .normal)
    }

    /// Evidence goes to the enterprise's members and staff only.
    @Sendable func evidence(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let rec = try await RecognitionStore(db: req.db).find(id),
              let data = rec.evidence, let name = rec.evidenceFilename else { throw DomainError.notFound("recognition") }
        req.parameters.set("id", to: rec.organization.id!.uuidString)
        _ = try await req.organizationForData()
        return .download(data, filename: name, contentType: rec.evidenceContentType ?? "application/octet-stream")
    }

    /// Staff list over all enterprises: by title, expiring within 90 days, revoked included on request; CSV/XLSX.
    @Sendable func list(req: Request) async throws -> Response {
        var f = ListFilters(req)
        let rung = f.choice("rung", as: LadderRung.self)
        let expiring = f.flag("expiring")
        let revoked = f.flag("revoked")
        try f.check()
        let filter = RecognitionStore.Filter(rung: rung, expiringOnly: expiring, includeRevoked: revoked)
        let store = RecognitionStore(db: req.db)
        let base = req.services.rules.current
        if (try? req.query.get(String.self, at: "format")) != nil {
            let all = try await store.all(filter, today: Self.today(req))
            let rows = all.map { Self.row($0, org: $0.organization, base: base, req: req) }
            if let file = try ListExport.response(req, name: "recognitions", header: ["organization", "rung", "level", "certificate_number", "recognized_on",
                                                                                       "expires_on", "issuing_body", "first_time", "state", "days_left", "award_yuan"],
                                                  rows: rows.map { [$0.organization, $0.rung, $0.levelLabel, $0.certificateNumber, $0.recognizedOn, $0.expiresOn,
                                                                    $0.issuingBody, $0.firstTime ? "true" : "false", $0.state, $0.daysLeft.map(String.init) ?? "",
                                                                    $0.awardYuan ?? ""] }) {
                return file
            }
        }
        let page = try await store.list(filter, today: Self.today(req), page: PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 50))
        let view = try await req.page("entities/recognition-list", titleKey: "recognitions_list_title", content: ListContent(
            rows: page.items.map { Self.row($0, org: $0.organization, base: base, req: req) },
            pager: Pager(page, path: "/admin/recognitions", query: f.pagerQuery), filters: f.kept,
            rungs: LadderRung.allCases.map { .init(value: $0.rawValue, label: req.t("rung_\($0.rawValue)")) }, exportQuery: f.exportQuery))
        return try await view.encodeResponse(for: req)
    }
}
