import FluentKit
import SQLKit

/// The technology market (蒙科聚 Ordos node): achievements, demands, 揭榜挂帅/赛马 challenges with bids, scores and
/// milestone reviews, registered technology contracts, broker profiles, matches, and the append-only points ledger.
public struct M0013CreateTechnologyMarket: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("achievements").id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("created_by", .uuid, .required)
            .field("title", .string, .required).field("abstract", .string, .required).field("keywords", .string, .required)
            .field("field", .string, .required).field("trl", .int, .required).field("patents", .string, .required).field("modes", .string, .required)
            .field("price_fen", .int64).field("contact_name", .string, .required).field("contact_phone", .string, .required)
            .field("status", .string, .required).field("review_note", .string, .required).field("broker_id", .uuid)
            .field("published_at", .datetime).field("created_at", .datetime).field("updated_at", .datetime)
            .create()
        try await database.schema("demands").id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("created_by", .uuid, .required)
            .field("title", .string, .required).field("problem", .string, .required).field("expected", .string, .required)
            .field("field", .string, .required).field("budget_fen", .int64, .required).field("deadline", .string, .required)
            .field("min_trl", .int, .required).field("confidentiality", .string, .required)
            .field("status", .string, .required).field("review_note", .string, .required)
            .field("published_at", .datetime).field("created_at", .datetime).field("updated_at", .datetime)
            .create()
        for (table, columns) in [("achievements", ["status", "field"]), ("achievements", ["updated_at"]), ("demands", ["status", "field"]), ("demands", ["updated_at"])] {
            try await StoreSQL.createIndex(on: database, name: "\(table)_\(columns.joined(separator: "_"))", table: table, columns: columns)
        }
        try await database.schema("challenges").id()
            .field("demand_id", .uuid, .references("demands", "id", onDelete: .restrict))
            .field("title", .string, .required).field("description", .string, .required).field("conditions", .string, .required)
            .field("mode", .string, .required).field("reward_fen", .int64, .required).field("deadline", .string, .required)
            .field("criteria", .string, .required).field("milestones", .string, .required).field("teams", .int, .required)
            .field("state", .string, .required).field("created_by", .uuid, .required)
            .field("created_at", .datetime).field("updated_at", .datetime)
            .create()
        try await database.schema("challenge_panel").id()
            .field("challenge_id", .uuid, .required, .references("challenges", "id", onDelete: .restrict))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .unique(on: "challenge_id", "user_id").create()
        try await database.schema("challenge_bids").id()
            .field("challenge_id", .uuid, .required, .references("challenges", "id", onDelete: .restrict))
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("consortium", .string, .required).field("proposal", .string, .required).field("claimed_trl", .int, .required)
            .field("budget_fen", .int64, .required).field("status", .string, .required).field("submitted_by", .uuid, .required)
            .field("created_at", .datetime)
            .unique(on: "challenge_id", "organization_id").create()
        try await database.schema("challenge_scores").id()
            .field("bid_id", .uuid, .required, .references("challenge_bids", "id", onDelete: .restrict))
            .field("member_id", .uuid, .required).field("scores_json", .string, .required).field("comment", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "bid_id", "member_id").create()
        try await database.schema("milestone_reviews").id()
            .field("challenge_id", .uuid, .required, .references("challenges", "id", onDelete: .restrict))
            .field("milestone_index", .int, .required)
            .field("bid_id", .uuid, .required, .references("challenge_bids", "id", onDelete: .restrict))
            .field("reported_trl", .int, .required).field("passed", .bool, .required).field("amount_fen", .int64, .required)
            .field("note", .string, .required).field("reviewer_id", .uuid, .required).field("created_at", .datetime)
            .unique(on: "challenge_id", "milestone_index", "bid_id").create()
        try await database.schema("tech_contracts").id()
            .field("registration_number", .string, .required).field("contract_number", .string, .required)
            .field("title", .string, .required).field("type", .string, .required).field("field", .string, .required)
            .field("seller_org_id", .uuid).field("seller_name", .string, .required).field("seller_region", .string, .required)
            .field("buyer_org_id", .uuid).field("buyer_name", .string, .required).field("buyer_region", .string, .required)
            .field("total_fen", .int64, .required).field("technical_income_fen", .int64, .required).field("signed_on", .string, .required)
            .field("achievement_id", .uuid).field("demand_id", .uuid).field("broker_id", .uuid)
            .field("registered_by", .uuid, .required).field("created_at", .datetime)
            .unique(on: "registration_number").unique(on: "seller_name", "contract_number").create()
        try await StoreSQL.createIndex(on: database, name: "tech_contracts_signed", table: "tech_contracts", columns: ["signed_on"])
        try await database.schema("broker_profiles").id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("organization", .string, .required).field("certificate", .string, .required).field("fields", .string, .required)
            .field("bio", .string, .required).field("created_at", .datetime).field("updated_at", .datetime)
            .unique(on: "user_id").create()
        try await database.schema("market_matches").id()
            .field("demand_id", .uuid, .required, .references("demands", "id", onDelete: .restrict))
            .field("achievement_id", .uuid, .required, .references("achievements", "id", onDelete: .restrict))
            .field("broker_id", .uuid).field("requested_by", .uuid, .required).field("status", .string, .required)
            .field("note", .string, .required).field("decided_at", .datetime).field("created_at", .datetime)
            .unique(on: "demand_id", "achievement_id").create()
        try await database.schema("points_ledger").id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("points", .int, .required).field("event", .string, .required)
            .field("ref_type", .string, .required).field("ref_id", .string, .required).field("reason", .string, .required)
            .field("reverses_id", .uuid).field("created_by", .uuid).field("created_at", .datetime)
            .unique(on: "organization_id", "event", "ref_id").unique(on: "reverses_id").create()
        try await StoreSQL.createIndex(on: database, name: "points_org_time", table: "points_ledger", columns: ["organization_id", "created_at"])
        let sql = try StoreSQL.sql(database)
        // Points are never edited or deleted, only reversed by a new entry: the database refuses anything else.
        if StoreSQL.isPostgres(database) {
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION kechuang_points_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'points ledger is append-only'; END; $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("CREATE TRIGGER points_ledger_append_only BEFORE UPDATE OR DELETE ON points_ledger FOR EACH ROW EXECUTE FUNCTION kechuang_points_append_only()").run()
        } else {
            for event in ["UPDATE", "DELETE"] {
                try await sql.raw("""
                    CREATE TRIGGER points_ledger_no_\(unsafeRaw: event.lowercased()) BEFORE \(unsafeRaw: event) ON points_ledger
                    BEGIN SELECT RAISE(ABORT, 'points ledger is append-only'); END
                    """).run()
            }
        }
    }

    public func revert(on database: any Database) async throws {
        let sql = try StoreSQL.sql(database)
        if StoreSQL.isPostgres(database) {
            try await sql.raw("DROP TRIGGER IF EXISTS points_ledger_append_only ON points_ledger").run()
            try await sql.raw("DROP FUNCTION IF EXISTS kechuang_points_append_only()").run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS points_ledger_no_update").run()
            try await sql.raw("DROP TRIGGER IF EXISTS points_ledger_no_delete").run()
        }
        for t in ["points_ledger", "market_matches", "broker_profiles", "tech_contracts", "milestone_reviews", "challenge_scores", "challenge_bids",
                  "challenge_panel", "challenges", "demands", "achievements"] {
            try await database.schema(t).delete()
        }
    }
}
