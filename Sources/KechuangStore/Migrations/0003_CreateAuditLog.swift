import FluentKit
import SQLKit

/// The audit log, made append-only by triggers on both databases.
public struct M0003CreateAuditLog: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(AuditEntryRecord.schema)
            .id()
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor_name", .string, .required)
            .field("action", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .string, .required)
            .field("before_json", .string)
            .field("after_json", .string)
            .field("address", .string, .required)
            .create()
        try await StoreSQL.createIndex(on: database, name: "audit_entries_at", table: AuditEntryRecord.schema, columns: ["at"])
        try await StoreSQL.createIndex(on: database, name: "audit_entries_entity", table: AuditEntryRecord.schema, columns: ["entity_type", "entity_id"])

        let sql = try StoreSQL.sql(database)
        if StoreSQL.isPostgres(database) {
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION kechuang_audit_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("""
                CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
                FOR EACH ROW EXECUTE FUNCTION kechuang_audit_append_only()
                """).run()
        } else {
            for event in ["UPDATE", "DELETE"] {
                try await sql.raw(SQLQueryString("""
                    CREATE TRIGGER audit_entries_no_\(unsafeRaw: event.lowercased()) BEFORE \(unsafeRaw: event) ON audit_entries
                    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END
                    """)).run()
            }
        }
    }

    public func revert(on database: any Database) async throws {
        let sql = try StoreSQL.sql(database)
        if StoreSQL.isPostgres(database) {
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries").run()
            try await sql.raw("DROP FUNCTION IF EXISTS kechuang_audit_append_only()").run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_no_update").run()
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_no_delete").run()
        }
        try await database.schema(AuditEntryRecord.schema).delete()
    }
}
