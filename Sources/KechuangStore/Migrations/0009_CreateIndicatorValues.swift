import FluentKit

/// Indicator values with sources, for monitoring.
public struct M0009CreateIndicatorValues: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(IndicatorValueRecord.schema)
            .id()
            .field("indicator", .string)
            .field("raw_name", .string, .required)
            .field("region", .string, .required)
            .field("year", .int, .required)
            .field("value", .string, .required)
            .field("unit", .string, .required)
            .field("source", .string, .required)
            .field("note", .string, .required)
            .field("flags", .string, .required)
            .field("entered_by_name", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await StoreSQL.createIndex(on: database, name: "indicator_values_key", table: IndicatorValueRecord.schema, columns: ["indicator", "region", "year"])
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(IndicatorValueRecord.schema).delete()
    }
}
