import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// One article's tasks: each unit's state, the report history with evidence, and the report form for its units.
struct ArticleTrackingController {
    struct Content: Encodable {
        let number: Int
        let numeral: String
        let title: String
        let cells: [TrackingController.Cell]
        let reports: [ReportRow]
        let myUnits: [RegistrationController.Option]
        let statuses: [RegistrationController.Option]
        let form: FormState
        let today: String
    }

    struct ReportRow: Encodable {
        let unit: String
        let status: String
        let percent: Int
        let date: String
        let text: String
        let by: String
        let attachments: [AttachmentRow]
    }

    struct AttachmentRow: Encodable {
        let id: String
        let filename: String
    }

    static let maxAttachmentBytes = 5 * 1024 * 1024

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "tracking", "articles", ":number", access: .staff, use: show)
        // Evidence files may be up to 5 MB each; the route accepts up to 16 MB in all.
        r.on(.POST, "tracking", "articles", ":number", "reports", access: .staff, body: .collect(maxSize: "16mb"), use: file)
        r.on(.GET, "tracking", "attachments", ":id", access: .staff, use: attachment)
    }

    func number(_ req: Request) throws -> Int {
        guard let n = req.parameters.get("number").flatMap(Int.init), (1...30).contains(n) else { throw DomainError.notFound("article") }
        return n
    }

    /// Units the user may report for: the departments they belong to that are responsible; admins for any.
    func myUnits(_ req: Request, article: Int) async throws -> [OrganizationRecord] {
        let me = try req.requireUser()
        guard let (_, units) = try await req.policyText.article(documentID: req.services.policyDocumentID, number: article) else { return [] }
        if me.role == .admin { return units }
        let mine = Set(try await req.accounts.organizations(of: me.id).compactMap(\.id))
        return units.filter { mine.contains($0.id!) }
    }

    func content(_ req: Request, n: Int, form: FormState) async throws -> Content {
        guard let (a, _) = try await req.policyText.article(documentID: req.services.policyDocumentID, number: n) else { throw DomainError.notFound("article") }
        let row = try await TrackingController.rows(req).first { $0.number == n }
        let reports = try await TrackingStore(db: req.db).reports(article: n).map { r in
            ReportRow(unit: r.organization.name, status: req.t("task_\(r.status)"), percent: r.percent, date: r.reportDate, text: r.text, by: r.createdByName,
                      attachments: r.attachments.map { AttachmentRow(id: $0.id!.uuidString, filename: $0.filename) })
        }
        return Content(number: n, numeral: a.numeral, title: a.title, cells: row?.cells ?? [], reports: reports,
                       myUnits: try await myUnits(req, article: n).map { .init(value: $0.id!.uuidString, label: $0.name) },
                       statuses: TaskState.Status.allCases.map { .init(value: $0.rawValue, label: req.t("task_\($0.rawValue)")) },
                       form: form, today: TrackingController.today(req).description)
    }

    @Sendable func show(req: Request) async throws -> View {
        let n = try number(req)
        let c = try await content(req, n: n, form: .empty)
        return try await req.page("tracking/article", titleKey: "tracking_article_page", titleArgs: ["numeral": c.numeral, "title": c.title], content: c, forms: true)
    }

    struct Upload: Decodable {
        let unit: String?
        let status: String?
        let percent: String?
        let text: String?
        let date: String?
        let evidence: [File]?
    }

    @Sendable func file(req: Request) async throws -> Response {
        let n = try number(req)
        let input: Upload
        if req.headers.contentType?.type == "multipart" {
            guard let u = try? req.content.decode(Upload.self) else { throw DomainError(.malformed, code: "body.malformed_form") }
            input = u
        } else {
            let r = try InputReader(req, allowed: ["unit", "status", "percent", "text", "date"])
            input = Upload(unit: r["unit"], status: r["status"], percent: r["percent"], text: r["text"], date: r["date"], evidence: nil)
        }
        let values = ["unit": input.unit ?? "", "status": input.status ?? "", "percent": input.percent ?? "", "text": input.text ?? "", "date": input.date ?? ""]
        do {
            let units = try await myUnits(req, article: n)
            guard let unit = units.first(where: { $0.id?.uuidString == input.unit }) else {
                throw ValidationErrors([.invalid("unit", "tracking.not_your_unit")])
            }
            let (status, percent, text, date) = try TaskState.validateReport(status: input.status, percent: input.percent, text: input.text,
                                                                              date: input.date, today: TrackingController.today(req))
            var attachments: [TrackingStore.Attachment] = []
            for f in input.evidence ?? [] where f.data.readableBytes > 0 {
                guard f.data.readableBytes <= Self.maxAttachmentBytes else {
                    throw ValidationErrors([.invalid("evidence", "tracking.attachment_too_large", ["max": "5 MB"])])
                }
                attachments.append(.init(filename: String(f.filename.prefix(200)), contentType: f.contentType?.description ?? "application/octet-stream",
                                         content: Data(f.data.readableBytesView)))
            }
            try await TrackingStore(db: req.db).file(article: n, unit: unit, status: status, percent: percent, text: text, date: date,
                                                     attachments: attachments, actor: req.actor)
            req.flash("flash_report_filed")
            return req.redirect(to: "/tracking/articles/\(n)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let c = try await content(req, n: n, form: try FormState(e, values: values, req: req))
            let view = try await req.page("tracking/article", titleKey: "tracking_article_page", titleArgs: ["numeral": c.numeral, "title": c.title], content: c, forms: true)
            return try await .rerender(view, for: req)
        }
    }

    @Sendable func attachment(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let a = try await TrackingStore(db: req.db).attachment(id) else {
            throw DomainError.notFound("attachment")
        }
        return .download(a.content, filename: a.filename, contentType: a.contentType)
    }
}
