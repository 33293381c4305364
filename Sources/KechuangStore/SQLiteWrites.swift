import FluentKit
import Foundation

extension StoreSQL {
    /// One write transaction at a time in this process on SQLite (PostgreSQL runs them concurrently).
    static let sqliteWriteGate = AsyncMutex()

    /// A write transaction for the hot, contended paths (bookings, contract registration).
    ///
    /// SQLite has one writer, and Fluent opens transactions with a plain (deferred) BEGIN: a transaction that reads
    /// and then writes fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT) when the other pooled
    /// connection committed in between; busy_timeout does not help there. The crash test's eight writers met it
    /// on 3% of their requests. So on SQLite these transactions queue on one gate, and the rare busy answer left
    /// (a commit outside the gate, e.g. a session write) is retried with the whole transaction, which rolled back.
    public static func writeTransaction<T: Sendable>(_ db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if isPostgres(db) { return try await db.transaction(body) }
        var attempt = 0
        while true {
            do {
                return try await sqliteWriteGate.run { try await db.transaction(body) }
            } catch where attempt < 8 && DatabaseBusy.matches(error) && !String(reflecting: error).contains("connectionRequestTimeout") {
                attempt += 1
                try await Task.sleep(nanoseconds: UInt64.random(in: 1_000_000...(10_000_000 * UInt64(attempt))))
            }
        }
    }
}
