import FluentKit
import Foundation
import KechuangCore
@testable import KechuangStore
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// A migrated database without the web app: in-memory SQLite, or a fresh schema on the PostgreSQL server named by
/// `TEST_DATABASE_URL` (the same variable the web tests read), so every suite runs on both in CI.
struct StoreHarness {
    let databases: Databases
    let db: any Database
    let schema: String?

    static let logger = Logger(label: "store-tests")

    static func make() throws -> StoreHarness {
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        var schema: String?
        if let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !url.isEmpty {
            schema = "s_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            try DatabaseSetup.configure(databases, choice: .postgres(url: url, schema: schema), waitSeconds: 300)
        } else {
            try DatabaseSetup.configure(databases, choice: .sqliteMemory)
        }
        let db = databases.database(logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())!
        return StoreHarness(databases: databases, db: db, schema: schema)
    }

    var migrator: Migrator {
        let migrations = Migrations()
        for m in KechuangMigrations.all { migrations.add(m) }
        return Migrator(databases: databases, migrations: migrations, logger: Self.logger, on: MultiThreadedEventLoopGroup.singleton.any(),
                        migrationLogLevel: .debug)
    }

    func migrate() async throws {
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
    }

    func revert() async throws { try await migrator.revertAllBatches().get() }

    /// The tables in the test's database (its schema on PostgreSQL), sorted.
    func tables() async throws -> [String] {
        struct Row: Decodable { let name: String }
        let sql = try StoreSQL.sql(db)
        if let schema {
            return try await sql.raw("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = \(bind: schema) ORDER BY 1")
                .all(decoding: Row.self).map(\.name)
        }
        return try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1").all(decoding: Row.self).map(\.name)
    }
}

/// Runs `body` on a freshly migrated database and removes it afterwards.
func withStore(migrated: Bool = true, _ body: (StoreHarness) async throws -> Void) async throws {
    let h = try StoreHarness.make()
    do {
        if let schema = h.schema { try await StoreSQL.sql(h.db).raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run() }
        if migrated { try await h.migrate() }
        try await body(h)
    } catch {
        if let schema = h.schema { try? await StoreSQL.sql(h.db).raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run() }
        await h.databases.shutdownAsync()
        throw error
    }
    if let schema = h.schema { try await StoreSQL.sql(h.db).raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run() }
    await h.databases.shutdownAsync()
}
