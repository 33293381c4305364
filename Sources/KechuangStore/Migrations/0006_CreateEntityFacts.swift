import FluentKit

/// Yearly data of organisations that the rules read.
public struct M0006CreateEntityFacts: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(EntityFactRecord.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(OrganizationRecord.schema, "id", onDelete: .cascade))
            .field("year", .int, .required)
            .field("variable", .string, .required)
            .field("value", .string, .required)
            .field("source", .string, .required)
            .field("verified", .bool, .required)
            .field("recorded_by", .uuid)
            .field("recorded_by_name", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", "year", "variable")
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(EntityFactRecord.schema).delete()
    }
}
