import FluentKit
import Foundation
import SQLKit

/// Small helpers for the few places that need SQL beyond Fluent's schema builder.
public enum StoreSQL {
    public static func sql(_ database: any Database) throws -> any SQLDatabase {
        guard let sql = database as? any SQLDatabase else { throw StoreError.notSQL }
        return sql
    }

    public static func isPostgres(_ database: any Database) -> Bool {
        (database as? any SQLDatabase)?.dialect.name == "postgresql"
    }

    /// Row count and latest `updated_at` of a table: what the in-memory catalogues compare to know whether to reload.
    public struct ChangeStamp: Decodable, Equatable, Sendable {
        public let n: Int
        public let latest: Date?
    }

    public static func changeStamp(_ database: any Database, table: String) async throws -> ChangeStamp? {
        try await sql(database).raw("SELECT COUNT(*) AS n, MAX(updated_at) AS latest FROM \(unsafeRaw: table)").first(decoding: ChangeStamp.self)
    }

    public static func createIndex(on database: any Database, name: String, table: String, columns: [String]) async throws {
        var builder = try sql(database).create(index: name).on(table)
        for c in columns { builder = builder.column(c) }
        try await builder.run()
    }
}

public enum StoreError: Error, CustomStringConvertible {
    case notSQL
    case backupUnsupported(String)

    public var description: String {
        switch self {
        case .notSQL: "the database driver does not speak SQL"
        case .backupUnsupported(let why): why
        }
    }
}
