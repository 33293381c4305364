import FluentKit

/// API tokens and login attempts (for throttling).
public struct M0002CreateTokensAndAttempts: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(APITokenRecord.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserRecord.schema, "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("prefix", .string, .required)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema(LoginAttemptRecord.schema)
            .id()
            .field("username", .string, .required)
            .field("address", .string, .required)
            .field("succeeded", .bool, .required)
            .field("at", .datetime, .required)
            .create()
        try await StoreSQL.createIndex(on: database, name: "login_attempts_username_at", table: LoginAttemptRecord.schema, columns: ["username", "at"])
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(LoginAttemptRecord.schema).delete()
        try await database.schema(APITokenRecord.schema).delete()
    }
}
