import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// What the pages of every background-job kind share: finding a job of that kind by `:id`, and serving its files.
enum JobPages {
    static func job(_ req: Request, kind: String) async throws -> JobRecord {
        guard let id = req.parameters.get("id", as: UUID.self), let j = try await JobStore(db: req.db).find(id), j.kind == kind else {
            throw DomainError.notFound("job")
        }
        return j
    }

    /// A job's output file by `:name`, as an attachment named `<prefix>-<job id start>-<name>`.
    static func download(_ req: Request, kind: String, filenamePrefix: String) async throws -> Response {
        let j = try await job(req, kind: kind)
        guard let name = req.parameters.get("name"), let file = try await JobStore(db: req.db).output(jobID: j.id!, name: name) else {
            throw DomainError.notFound("file")
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: file.contentType)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filenamePrefix)-\(j.id!.uuidString.prefix(8))-\(file.name)\"")
        return Response(status: .ok, headers: headers, body: .init(data: file.content))
    }
}
