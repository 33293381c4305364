import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import KechuangCore

/// Turns the configured database choice into a Fluent database configuration.
public enum DatabaseSetup {
    public static func configure(_ databases: Databases, choice: AppConfig.DatabaseChoice, waitSeconds: Int = 10) throws {
        switch choice {
        case .sqliteMemory:
            databases.use(.sqlite(.memory, sqlLogLevel: .debug), as: .sqlite)
        case .sqlite(let path):
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            databases.use(.sqlite(.file(path), sqlLogLevel: .debug), as: .sqlite)
        case .postgres(let url, let schema):
            var config = try SQLPostgresConfiguration(url: url)
            // Extensions (btree_gist) live in public; a test schema comes first so each test has its own tables.
            if let schema { config.searchPath = [schema, "public"] }
            databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: 4, connectionPoolTimeout: .seconds(Int64(waitSeconds)),
                                    sqlLogLevel: .debug), as: .psql)
        }
    }
}
