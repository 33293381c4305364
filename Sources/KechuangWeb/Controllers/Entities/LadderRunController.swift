import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The ladder over every enterprise as a background job: start, watch progress (survives a reload), download.
struct LadderRunController {
    struct RunRow: Encodable {
        let id: String
        let year: Int
        let status: String
        let statusLabel: String
        let percent: Int
        let createdAt: String
        let createdBy: String
    }

    struct ListContent: Encodable {
        let runs: [RunRow]
        let pager: Pager
        let form: FormState
        let defaultYear: Int
    }

    struct RungRow: Encodable {
        let title: String
        let eligible: Int
        let notEligible: Int
        let undetermined: Int
        let held: Int
    }

    struct ShowContent: Encodable {
        let run: RunRow
        let processed: Int
        let total: Int
        let active: Bool
        let error: String?
        let summary: LadderRunJob.Summary?
        let rungs: [RungRow]
        let files: [String]
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "admin", "ladder", "runs", access: .staff, use: list)
        r.on(.POST, "admin", "ladder", "runs", access: .staff, use: start)
        r.on(.GET, "admin", "ladder", "runs", ":id", access: .staff, use: show)
        r.on(.GET, "admin", "ladder", "runs", ":id", "files", ":name", access: .staff, use: download)
    }

    static func row(_ j: JobRecord, req: Request) -> RunRow {
        let p = try? JSONDecoder().decode(LadderRunJob.Params.self, from: Data(j.paramsJSON.utf8))
        return RunRow(id: j.id!.uuidString, year: p?.year ?? 0, status: j.statusRaw, statusLabel: req.t("job_\(j.statusRaw)"), percent: j.percent,
                      createdAt: ChinaTime.display(j.createdAt), createdBy: j.createdByName)
    }

    func listContent(_ req: Request, form: FormState) async throws -> ListContent {
        let result = try await JobStore(db: req.db).list(kind: LadderRunJob.kind, page: PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20))
        return ListContent(runs: result.items.map { Self.row($0, req: req) }, pager: Pager(result, path: "/admin/ladder/runs", query: [:]), form: form,
                           defaultYear: req.today.year - 1)
    }

    @Sendable func list(req: Request) async throws -> View {
        try await req.page("entities/ladder-runs", titleKey: "ladder_runs_title", content: listContent(req, form: .empty), forms: true)
    }

    @Sendable func start(req: Request) async throws -> Response {
        let input = try InputReader(req, allowed: ["year"])
        do {
            let params = try LadderRunJob.validate(year: input["year"])
            _ = try req.services.rules.require()
            let job = try await JobStore(db: req.db).enqueue(kind: LadderRunJob.kind, paramsJSON: String(decoding: try JSONEncoder().encode(params), as: UTF8.self),
                                                            actor: req.actor)
            return req.redirect(to: "/admin/ladder/runs/\(job.id!.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let view = try await req.page("entities/ladder-runs", titleKey: "ladder_runs_title",
                                          content: listContent(req, form: try FormState(e, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    func job(_ req: Request) async throws -> JobRecord { try await JobPages.job(req, kind: LadderRunJob.kind) }

    @Sendable func show(req: Request) async throws -> View {
        let j = try await job(req)
        let files = try await JobStore(db: req.db).outputs(jobID: j.id!).map(\.name)
        let summary = j.summaryJSON.flatMap { try? JSONDecoder().decode(LadderRunJob.Summary.self, from: Data($0.utf8)) }
        return try await req.page("entities/ladder-run", titleKey: "ladder_run_title", content: ShowContent(
            run: Self.row(j, req: req), processed: j.processed, total: j.total, active: j.status == .queued || j.status == .running, error: j.error,
            summary: summary, rungs: (summary?.rungs ?? []).map {
                RungRow(title: req.t("rung_\($0.rung)"), eligible: $0.eligible, notEligible: $0.notEligible, undetermined: $0.undetermined, held: $0.held)
            }, files: files))
    }

    @Sendable func download(req: Request) async throws -> Response {
        try await JobPages.download(req, kind: LadderRunJob.kind, filenamePrefix: "ladder")
    }
}
