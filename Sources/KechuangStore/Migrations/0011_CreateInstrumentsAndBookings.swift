import FluentKit
import SQLKit

/// Instruments and bookings. PostgreSQL forbids overlapping active bookings with an exclusion constraint over
/// the time range (btree_gist); SQLite relies on its single writer (see BookingStore).
public struct M0011CreateInstrumentsAndBookings: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(InstrumentRecord.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(OrganizationRecord.schema, "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("model", .string, .required)
            .field("manufacturer", .string, .required)
            .field("class_code", .string, .required)
            .field("original_value_fen", .int64, .required)
            .field("fiscal_share", .string, .required)
            .field("banner_code", .string, .required)
            .field("status", .string, .required)
            .field("fee_unit_minutes", .int, .required)
            .field("fee_internal_fen", .int64, .required)
            .field("fee_external_fen", .int64, .required)
            .field("opening_hours", .string, .required)
            .field("min_minutes", .int, .required)
            .field("max_minutes", .int, .required)
            .field("buffer_minutes", .int, .required)
            .field("max_days_ahead", .int, .required)
            .field("approval_required", .bool, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(BookingRecord.schema)
            .id()
            .field("instrument_id", .uuid, .required, .references(InstrumentRecord.schema, "id", onDelete: .restrict))
            .field("user_id", .uuid, .required)
            .field("start_at", .datetime, .required)
            .field("end_at", .datetime, .required)
            .field("blocked_until", .datetime, .required)
            .field("status", .string, .required)
            .field("fee_fen", .int64, .required)
            .field("idempotency_key", .string)
            .field("created_at", .datetime)
            .unique(on: "user_id", "idempotency_key")
            .create()
        try await StoreSQL.createIndex(on: database, name: "bookings_instrument_time", table: BookingRecord.schema, columns: ["instrument_id", "start_at"])
        if StoreSQL.isPostgres(database) {
            let sql = try StoreSQL.sql(database)
            try await sql.raw("CREATE EXTENSION IF NOT EXISTS btree_gist").run()
            try await sql.raw("""
                ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist
                (instrument_id WITH =, tstzrange(start_at, blocked_until, '[)') WITH &&) WHERE (status IN ('pending', 'confirmed'))
                """).run()
        }
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(BookingRecord.schema).delete()
        try await database.schema(InstrumentRecord.schema).delete()
    }
}
