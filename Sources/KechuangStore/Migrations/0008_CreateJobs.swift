import FluentKit

/// Background jobs and the files they produce.
public struct M0008CreateJobs: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(JobRecord.schema)
            .id()
            .field("kind", .string, .required)
            .field("status", .string, .required)
            .field("params_json", .string, .required)
            .field("total", .int, .required)
            .field("processed", .int, .required)
            .field("summary_json", .string)
            .field("error", .string)
            .field("created_by_name", .string, .required)
            .field("created_at", .datetime, .required)
            .field("started_at", .datetime)
            .field("finished_at", .datetime)
            .field("claimed_by", .string)
            .create()
        try await StoreSQL.createIndex(on: database, name: "jobs_status_created", table: JobRecord.schema, columns: ["status", "created_at"])
        try await database.schema(JobOutputRecord.schema)
            .id()
            .field("job_id", .uuid, .required, .references(JobRecord.schema, "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("content_type", .string, .required)
            .field("content", .data, .required)
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(JobOutputRecord.schema).delete()
        try await database.schema(JobRecord.schema).delete()
    }
}
