import FluentKit

/// Implementation tracking: progress reports of responsible units and their evidence.
public struct M0010CreateProgressReports: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(ProgressReportRecord.schema)
            .id()
            .field("article_number", .int, .required)
            .field("organization_id", .uuid, .required, .references(OrganizationRecord.schema, "id", onDelete: .restrict))
            .field("status", .string, .required)
            .field("percent", .int, .required)
            .field("text", .string, .required)
            .field("report_date", .string, .required)
            .field("created_by_name", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await StoreSQL.createIndex(on: database, name: "progress_reports_article_org", table: ProgressReportRecord.schema, columns: ["article_number", "organization_id"])
        try await database.schema(ReportAttachmentRecord.schema)
            .id()
            .field("report_id", .uuid, .required, .references(ProgressReportRecord.schema, "id", onDelete: .cascade))
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("content", .data, .required)
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(ReportAttachmentRecord.schema).delete()
        try await database.schema(ProgressReportRecord.schema).delete()
    }
}
