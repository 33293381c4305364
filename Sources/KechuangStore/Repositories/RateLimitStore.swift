import FluentKit
import Foundation
import KechuangCore
import SQLKit

/// Counts requests per action, subject and fixed window in the database, so every server process shares the
/// counts. One upsert per counted request; the counter row of a window is its own, so processes never wait on
/// each other's windows, and yesterday's rows are pruned now and then.
public struct RateLimitStore: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    public enum Decision: Equatable, Sendable {
        case allowed
        case refused(retryAfter: Int)
    }

    /// Counts this request and answers whether it is within the limit. Refused requests count too: a client
    /// that keeps hammering stays refused until the window ends.
    public func hit(_ action: RateLimitedAction, subject: String, limit: RateLimit, now: Date = Date()) async throws -> Decision {
        let t = Int(now.timeIntervalSince1970)
        let start = limit.windowStart(t)
        struct Row: Decodable { let hits: Int }
        let sql = try StoreSQL.sql(db)
        let row = try await sql.raw("""
            INSERT INTO rate_limit_counters (action, subject, window_start, hits) VALUES (\(bind: action.rawValue), \(bind: subject), \(bind: start), 1)
            ON CONFLICT (action, subject, window_start) DO UPDATE SET hits = rate_limit_counters.hits + 1
            RETURNING hits
            """).first(decoding: Row.self)
        // About one request in 500 clears windows that ended over a day ago; the table stays small without a job.
        if Int.random(in: 0..<500) == 0 {
            try await sql.raw("DELETE FROM rate_limit_counters WHERE window_start < \(bind: t - 86_400)").run()
        }
        guard let hits = row?.hits, hits > limit.hits else { return .allowed }
        return .refused(retryAfter: limit.retryAfter(t))
    }
}
