import FluentKit
import SQLKit

/// Request counters shared by every server process (per action, subject and fixed window), and a version per
/// user that every session carries: raising it ends the user's other sessions (password change, role change).
public struct M0018RateLimitsAndSessionVersions: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("rate_limit_counters")
            .field("action", .string, .required)
            .field("subject", .string, .required)
            .field("window_start", .int64, .required)
            .field("hits", .int64, .required)
            .compositeIdentifier(over: "action", "subject", "window_start")
            .create()
        try await database.schema(UserRecord.schema)
            .field("session_version", .int64, .required, .sql(.default(0)))
            .update()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(UserRecord.schema).deleteField("session_version").update()
        try await database.schema("rate_limit_counters").delete()
    }
}
