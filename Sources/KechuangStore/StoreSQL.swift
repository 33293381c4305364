import FluentKit
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
