import FluentKit
import Foundation
import KechuangCore
@testable import KechuangStore
import Testing

/// Every migration can be undone: migrate, revert everything, migrate again, on SQLite and on PostgreSQL.
@Suite("Migrations: migrate → revert → migrate")
struct MigrationRoundTripTests {
    @Test("Reverting every migration leaves only Fluent's own table; migrating again rebuilds the same tables")
    func roundTrip() async throws {
        try await withStore(migrated: false) { h in
            try await h.migrate()
            let first = try await h.tables()
            #expect(first.count > 60)
            #expect(first.contains("bookings") && first.contains("projects") && first.contains("rate_limit_counters"))
            // A row in a late table: reverting must drop tables that hold data, not only empty ones.
            let lab = try await Builders(db: h.db).organization()
            _ = try await Builders(db: h.db).instrument(owner: lab)

            try await h.revert()
            #expect(try await h.tables() == ["_fluent_migrations"])

            try await h.migrate()
            #expect(try await h.tables() == first)
            #expect(try await InstrumentRecord.query(on: h.db).count() == 0)
            let again = try await Builders(db: h.db).organization("第二轮")
            #expect(try await Builders(db: h.db).instrument(owner: again).id != nil)
        }
    }
}
