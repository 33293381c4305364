import FluentKit
import Foundation
import KechuangCore
import SQLKit

/// Queue of background jobs in the database. Claiming is atomic, so several server processes can share one
/// queue: PostgreSQL skips rows another process has locked; SQLite serialises writers.
public struct JobStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public func enqueue(kind: String, paramsJSON: String, actor: Actor) async throws -> JobRecord {
        let job = JobRecord()
        job.kind = kind
        job.statusRaw = JobRecord.Status.queued.rawValue
        job.paramsJSON = paramsJSON
        job.total = 0
        job.processed = 0
        job.createdByName = actor.name
        job.createdAt = Date()
        try await db.transaction { tx in
            try await job.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "job.enqueue", entityType: "job", entityID: job.id!.uuidString,
                                       detail: ["kind": kind, "params": paramsJSON])
        }
        return job
    }

    /// Takes the oldest queued job for `worker`, or nil when there is none.
    public func claim(worker: String) async throws -> JobRecord? {
        let sql = try StoreSQL.sql(db)
        struct Row: Decodable { let id: UUID }
        let now = Date()
        let rows: [Row]
        if StoreSQL.isPostgres(db) {
            rows = try await sql.raw("""
                UPDATE jobs SET status = 'running', claimed_by = \(bind: worker), started_at = \(bind: now)
                WHERE id = (SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
                RETURNING id
                """).all(decoding: Row.self)
        } else {
            rows = try await sql.raw("""
                UPDATE jobs SET status = 'running', claimed_by = \(bind: worker), started_at = \(bind: now)
                WHERE id = (SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at LIMIT 1) AND status = 'queued'
                RETURNING id
                """).all(decoding: Row.self)
        }
        guard let id = rows.first?.id else { return nil }
        return try await JobRecord.find(id, on: db)
    }

    public func progress(_ job: JobRecord, processed: Int, total: Int) async throws {
        job.processed = processed
        job.total = total
        try await job.update(on: db)
    }

    public func finish(_ job: JobRecord, summaryJSON: String, outputs: [(String, String, Data)]) async throws {
        try await db.transaction { tx in
            for (name, type, content) in outputs {
                try await JobOutputRecord(jobID: job.id!, name: name, contentType: type, content: content).create(on: tx)
            }
            job.statusRaw = JobRecord.Status.done.rawValue
            job.summaryJSON = summaryJSON
            job.processed = job.total
            job.finishedAt = Date()
            try await job.update(on: tx)
            try await AuditTrail.event(on: tx, actor: .system, action: "job.done", entityType: "job", entityID: job.id!.uuidString)
        }
    }

    public func fail(_ job: JobRecord, error: String) async throws {
        job.statusRaw = JobRecord.Status.failed.rawValue
        job.error = String(error.prefix(2000))
        job.finishedAt = Date()
        try await job.update(on: db)
        try await AuditTrail.event(on: db, actor: .system, action: "job.failed", entityType: "job", entityID: job.id!.uuidString, detail: ["error": String(error.prefix(500))])
    }

    public func list(kind: String, page: PageQuery) async throws -> PagedList<JobRecord> {
        let q = JobRecord.query(on: db).filter(\.$kind == kind)
        let total = try await q.count()
        let items = try await q.sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        return PagedList(items: items, request: page, total: total)
    }

    public func find(_ id: UUID) async throws -> JobRecord? { try await JobRecord.find(id, on: db) }

    public func outputs(jobID: UUID) async throws -> [JobOutputRecord] {
        try await JobOutputRecord.query(on: db).filter(\.$job.$id == jobID).sort(\.$name).all()
    }

    public func output(jobID: UUID, name: String) async throws -> JobOutputRecord? {
        try await JobOutputRecord.query(on: db).filter(\.$job.$id == jobID).filter(\.$name == name).first()
    }
}
