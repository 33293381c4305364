import FluentKit

/// Applications for awards and their decisions.
public struct M0007CreateApplications: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(ApplicationRecord.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(OrganizationRecord.schema, "id", onDelete: .restrict))
            .field("rule_id", .string, .required)
            .field("rule_title", .string, .required)
            .field("article", .int, .required)
            .field("data_year", .int, .required)
            .field("evaluation_date", .string, .required)
            .field("status", .string, .required)
            .field("computed_amount_fen", .int64)
            .field("provisional", .bool, .required)
            .field("rule_base_version", .string, .required)
            .field("inputs_json", .string, .required)
            .field("trace_json", .string, .required)
            .field("submitted_by_name", .string, .required)
            .field("submitted_at", .datetime, .required)
            .field("decided_by_name", .string)
            .field("decided_at", .datetime)
            .field("decided_amount_fen", .int64)
            .field("decision_reason", .string)
            .field("decision_rule_base_version", .string)
            .field("decision_inputs_json", .string)
            .create()
        try await StoreSQL.createIndex(on: database, name: "policy_applications_status", table: ApplicationRecord.schema, columns: ["status", "submitted_at"])
        try await StoreSQL.createIndex(on: database, name: "policy_applications_org_rule", table: ApplicationRecord.schema, columns: ["organization_id", "rule_id", "data_year"])
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(ApplicationRecord.schema).delete()
    }
}
