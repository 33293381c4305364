import FluentKit

/// Key/value settings of the platform itself.
public struct M0005CreatePlatformSettings: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(PlatformSettingRecord.schema)
            .field("key", .string, .identifier(auto: false))
            .field("value", .string, .required)
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(PlatformSettingRecord.schema).delete()
    }
}
