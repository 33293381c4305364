import FluentKit
import Foundation
import SQLKit

/// Consistent snapshots of a live SQLite database.
public enum Backup {
    /// Writes a snapshot with `VACUUM INTO`, which reads inside one transaction, so writers may keep working.
    public static func sqliteSnapshot(_ db: any Database, to path: String) async throws {
        guard !StoreSQL.isPostgres(db) else {
            throw StoreError.backupUnsupported("PostgreSQL is backed up with pg_dump; see README \"Backup and restore\".")
        }
        if FileManager.default.fileExists(atPath: path) {
            throw StoreError.backupUnsupported("\(path) exists already; choose a new file name")
        }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        try await StoreSQL.sql(db).raw("VACUUM INTO \(bind: path)").run()
    }
}
