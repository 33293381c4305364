import FluentKit

/// Users, organisations and memberships: who acts, and for whom.
public struct M0001CreateAccounts: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(UserRecord.schema)
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("is_active", .bool, .required)
            .field("last_login_at", .datetime)
            .field("password_changed_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "username")
            .create()
        try await database.schema(OrganizationRecord.schema)
            .id()
            .field("kind", .string, .required)
            .field("institution_type", .string)
            .field("name", .string, .required)
            .field("credit_code", .string)
            .field("banner_code", .string)
            .field("description", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "name")
            .unique(on: "credit_code")
            .create()
        try await database.schema(MembershipRecord.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserRecord.schema, "id", onDelete: .cascade))
            .field("organization_id", .uuid, .required, .references(OrganizationRecord.schema, "id", onDelete: .cascade))
            .field("level", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "user_id", "organization_id")
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(MembershipRecord.schema).delete()
        try await database.schema(OrganizationRecord.schema).delete()
        try await database.schema(UserRecord.schema).delete()
    }
}
