import FluentKit
import FluentSQL
import SQLKit

/// The full registry (national platform core fields), booking workflow columns, training records, the waiting
/// list, usage records, purchase reviews (查重评议) and per-user calendar feeds. Columns added to existing tables
/// get defaults so databases created by 0011 keep their rows.
public struct M0012InstrumentRegistryAndUsage: AsyncMigration {
    public init() {}

    static let instrumentText = ["country", "asset_number", "purchase_date", "location", "specifications", "functions", "application_fields",
                                 "sample_requirements", "service_modes", "contact_name", "contact_phone", "qualification"]

    public func prepare(on database: any Database) async throws {
        // SQLite adds one column per ALTER TABLE, so each column is its own update.
        for name in Self.instrumentText { try await add(database, "instruments", name, .string, SQLLiteral.string("")) }
        try await add(database, "instruments", "funding_source", .string, SQLLiteral.string("local_fiscal"))
        try await add(database, "instruments", "share_mode", .string, SQLLiteral.string("external"))
        try await add(database, "instruments", "cancel_hours", .int, SQLLiteral.numeric("24"))
        try await database.schema("instruments").field("updated_at", .datetime).update()
        try await StoreSQL.sql(database).raw("UPDATE instruments SET updated_at = created_at").run()
        try await StoreSQL.createIndex(on: database, name: "instruments_updated", table: "instruments", columns: ["updated_at"])

        try await database.schema("bookings").field("user_org_id", .uuid).update()
        try await add(database, "bookings", "external", .bool, SQLLiteral.boolean(false))
        try await add(database, "bookings", "unit_minutes", .int, SQLLiteral.numeric("60"))
        try await add(database, "bookings", "unit_fen", .int64, SQLLiteral.numeric("0"))
        try await add(database, "bookings", "note", .string, SQLLiteral.string(""))
        try await add(database, "bookings", "decision_note", .string, SQLLiteral.string(""))
        for name in ["series_id", "replaces_id", "decided_by", "cancelled_by"] { try await database.schema("bookings").field(.definition(name: .key(FieldKey(stringLiteral: name)), dataType: .uuid, constraints: [])).update() }
        for name in ["decided_at", "cancelled_at", "updated_at"] { try await database.schema("bookings").field(.definition(name: .key(FieldKey(stringLiteral: name)), dataType: .datetime, constraints: [])).update() }
        try await StoreSQL.createIndex(on: database, name: "bookings_start", table: "bookings", columns: ["start_at"])
        try await StoreSQL.createIndex(on: database, name: "bookings_user", table: "bookings", columns: ["user_id", "start_at"])

        try await database.schema("instrument_trainings")
            .id()
            .field("instrument_id", .uuid, .required, .references("instruments", "id", onDelete: .restrict))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("granted_by", .uuid, .required)
            .field("note", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "instrument_id", "user_id")
            .create()
        try await database.schema("booking_waitlist")
            .id()
            .field("instrument_id", .uuid, .required, .references("instruments", "id", onDelete: .restrict))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("start_at", .datetime, .required)
            .field("end_at", .datetime, .required)
            .field("status", .string, .required)
            .field("offered_until", .datetime)
            .field("booking_id", .uuid)
            .field("created_at", .datetime)
            .create()
        try await StoreSQL.createIndex(on: database, name: "waitlist_instrument", table: "booking_waitlist", columns: ["instrument_id", "status", "created_at"])
        try await database.schema("usage_records")
            .id()
            .field("instrument_id", .uuid, .required, .references("instruments", "id", onDelete: .restrict))
            .field("booking_id", .uuid)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("user_org_id", .uuid)
            .field("external", .bool, .required)
            .field("operator", .string, .required)
            .field("start_at", .datetime, .required)
            .field("end_at", .datetime, .required)
            .field("minutes", .int, .required)
            .field("samples", .int, .required)
            .field("purpose", .string, .required)
            .field("notes", .string, .required)
            .field("fee_fen", .int64, .required)
            .field("booked_minutes", .int)
            .field("gap_flag", .string)
            .field("rating", .int)
            .field("rating_comment", .string)
            .field("recorded_by", .uuid, .required)
            .field("created_at", .datetime)
            .unique(on: "booking_id")
            .create()
        try await StoreSQL.createIndex(on: database, name: "usage_instrument_time", table: "usage_records", columns: ["instrument_id", "start_at"])
        try await StoreSQL.createIndex(on: database, name: "usage_time", table: "usage_records", columns: ["start_at"])
        try await database.schema("purchase_reviews")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("submitted_by", .uuid, .required)
            .field("name", .string, .required)
            .field("model", .string, .required)
            .field("class_code", .string, .required)
            .field("key_specs", .string, .required)
            .field("budget_fen", .int64, .required)
            .field("funding_source", .string, .required)
            .field("fiscal_share", .string, .required)
            .field("justification", .string, .required)
            .field("status", .string, .required)
            .field("findings_json", .string, .required)
            .field("rule_base_version", .string, .required)
            .field("opinion", .string)
            .field("decision", .string)
            .field("decided_by", .uuid)
            .field("decided_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await database.schema("calendar_feeds")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("token", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "user_id")
            .unique(on: "token")
            .create()
    }

    func add(_ db: any Database, _ table: String, _ name: String, _ type: DatabaseSchema.DataType, _ value: SQLLiteral) async throws {
        try await db.schema(table).field(.definition(name: .key(FieldKey(stringLiteral: name)), dataType: type, constraints: [.required, .sql(.default(value))])).update()
    }

    public func revert(on database: any Database) async throws {
        for t in ["calendar_feeds", "purchase_reviews", "usage_records", "booking_waitlist", "instrument_trainings"] { try await database.schema(t).delete() }
        let sql = try StoreSQL.sql(database)
        for i in ["bookings_start", "bookings_user", "instruments_updated"] { try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: i)").run() }
        for c in ["user_org_id", "external", "unit_minutes", "unit_fen", "note", "decision_note", "series_id", "replaces_id", "decided_by", "cancelled_by",
                  "decided_at", "cancelled_at", "updated_at"] { try await database.schema("bookings").deleteField(FieldKey(stringLiteral: c)).update() }
        for c in Self.instrumentText + ["funding_source", "share_mode", "cancel_hours", "updated_at"] {
            try await database.schema("instruments").deleteField(FieldKey(stringLiteral: c)).update()
        }
    }
}
