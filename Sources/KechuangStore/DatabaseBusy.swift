import Foundation

/// Errors that mean "the database is overloaded right now", not "the request or the code is wrong": a request that
/// waited too long for a pooled connection, a server out of connection slots (53300), a deadlock victim (40P01), a
/// serialisation failure (40001) or a locked SQLite file. The web layer answers them 503 with Retry-After, so a
/// client retries instead of reporting a bug.
public enum DatabaseBusy {
    /// The drivers' error types are not shared across FluentKit, AsyncKit and PostgresNIO, so the check reads the
    /// error's reflection, the one place every one of them names itself and its SQLSTATE.
    public static func matches(_ error: any Error) -> Bool {
        let text = String(reflecting: error)
        return markers.contains { text.contains($0) }
    }

    static let markers = ["ConnectionPoolTimeoutError", "connectionRequestTimeout", "53300", "40P01", "40001",
                          "SQLITE_BUSY", "database is locked"]
}
