import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 免申即享 runs over the database: start one, watch its progress (it survives a reload), download results.
struct PolicyRunController {
    struct ListContent: Encodable {
        let runs: [RunRow]
        let pager: Pager
        let form: FormState
        let defaultYear: Int
        let defaultDate: String
    }

    struct RunRow: Encodable {
        let id: String
        let entity: String
        let year: Int
        let date: String
        let status: String
        let statusLabel: String
        let percent: Int
        let createdAt: String
        let createdBy: String
    }

    struct ShowContent: Encodable {
        let run: RunRow
        let processed: Int
        let total: Int
        let active: Bool
        let error: String?
        let summary: PolicyRunJob.Summary?
        let files: [String]
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "admin", "policy", "runs", access: .admin, use: list)
        r.on(.POST, "admin", "policy", "runs", access: .admin, use: start)
        r.on(.GET, "admin", "policy", "runs", ":id", access: .admin, use: show)
        r.on(.GET, "admin", "policy", "runs", ":id", "files", ":name", access: .admin, use: download)
        r.on(.GET, "api", "v1", "jobs", ":id", access: .admin, use: status)
        r.on(.GET, "api", "v1", "jobs", ":id", "files", ":name", access: .admin, use: download)
        r.on(.POST, "api", "v1", "policy", "runs", access: .admin, use: startAPI)
    }

    /// `{"entity": "enterprise", "year": 2024, "date": "2025-06-30"}` → 202 with the job to poll.
    @Sendable func startAPI(req: Request) async throws -> Response {
        let input = try InputReader(req, allowed: ["entity", "year", "date"])
        let params = try PolicyRunJob.validate(entity: input["entity"], year: input["year"], date: input["date"])
        _ = try req.services.rules.require()
        let job = try await JobStore(db: req.db).enqueue(kind: PolicyRunJob.kind, paramsJSON: String(decoding: try JSONEncoder().encode(params), as: UTF8.self),
                                                        actor: req.actor)
        let res = Response(status: .accepted)
        try res.content.encode(StatusJSON(id: job.id!.uuidString, status: job.statusRaw, processed: 0, total: 0, percent: 0, error: nil, files: []))
        res.headers.replaceOrAdd(name: .location, value: "/api/v1/jobs/\(job.id!.uuidString)")
        return res
    }

    static func row(_ j: JobRecord, req: Request) -> RunRow {
        let p = try? JSONDecoder().decode(PolicyRunJob.Params.self, from: Data(j.paramsJSON.utf8))
        return RunRow(id: j.id!.uuidString, entity: p.map { req.t("entity_\($0.entity)") } ?? "", year: p?.year ?? 0, date: p?.date ?? "",
                      status: j.statusRaw, statusLabel: req.t("job_\(j.statusRaw)"), percent: j.percent,
                      createdAt: ChinaTime.display(j.createdAt), createdBy: j.createdByName)
    }

    func listContent(_ req: Request, form: FormState) async throws -> ListContent {
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20)
        let result = try await JobStore(db: req.db).list(kind: PolicyRunJob.kind, page: page)
        let today = ChinaTime.dateString(req.now)
        return ListContent(runs: result.items.map { Self.row($0, req: req) }, pager: Pager(result, path: "/admin/policy/runs", query: [:]),
                           form: form, defaultYear: Int(today.prefix(4))! - 1, defaultDate: today)
    }

    @Sendable func list(req: Request) async throws -> View {
        try await req.page("admin/runs", titleKey: "runs_title", content: listContent(req, form: .empty), forms: true)
    }

    @Sendable func start(req: Request) async throws -> Response {
        let input = try InputReader(req, allowed: ["entity", "year", "date"])
        do {
            let params = try PolicyRunJob.validate(entity: input["entity"], year: input["year"], date: input["date"])
            _ = try req.services.rules.require()
            let job = try await JobStore(db: req.db).enqueue(kind: PolicyRunJob.kind, paramsJSON: String(decoding: try JSONEncoder().encode(params), as: UTF8.self),
                                                            actor: req.actor)
            return req.redirect(to: "/admin/policy/runs/\(job.id!.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let view = try await req.page("admin/runs", titleKey: "runs_title", content: listContent(req, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    func job(_ req: Request) async throws -> JobRecord { try await JobPages.job(req, kind: PolicyRunJob.kind) }

    @Sendable func show(req: Request) async throws -> View {
        let j = try await job(req)
        let files = try await JobStore(db: req.db).outputs(jobID: j.id!).map(\.name)
        return try await req.page("admin/run", titleKey: "run_title", content: ShowContent(
            run: Self.row(j, req: req), processed: j.processed, total: j.total, active: j.status == .queued || j.status == .running, error: j.error,
            summary: j.summaryJSON.flatMap { try? JSONDecoder().decode(PolicyRunJob.Summary.self, from: Data($0.utf8)) }, files: files))
    }

    @Sendable func download(req: Request) async throws -> Response {
        try await JobPages.download(req, kind: PolicyRunJob.kind, filenamePrefix: "mianshenjixiang")
    }

    struct StatusJSON: Content {
        let id: String
        let status: String
        let processed: Int
        let total: Int
        let percent: Int
        let error: String?
        let files: [String]
    }

    @Sendable func status(req: Request) async throws -> StatusJSON {
        guard let id = req.parameters.get("id", as: UUID.self), let j = try await JobStore(db: req.db).find(id) else { throw DomainError.notFound("job") }
        let files = try await JobStore(db: req.db).outputs(jobID: id).map(\.name)
        return StatusJSON(id: id.uuidString, status: j.statusRaw, processed: j.processed, total: j.total, percent: j.percent, error: j.error, files: files)
    }
}
