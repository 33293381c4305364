import Foundation

/// Decides whether another login attempt is allowed, from the recent failures for a username or address.
///
/// The failures themselves live in the database so several server processes share one count.
public struct LoginThrottle: Sendable {
    public let maxFailures: Int
    public let window: TimeInterval

    public init(maxFailures: Int = 5, window: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures
        self.window = window
    }

    /// Failures older than this do not count.
    public func windowStart(now: Date) -> Date { now.addingTimeInterval(-window) }

    /// Nil when a login may be tried; otherwise the number of whole minutes to wait (at least 1).
    public func waitMinutes(recentFailures: [Date], now: Date) -> Int? {
        let counted = recentFailures.filter { $0 > windowStart(now: now) }.sorted()
        guard counted.count >= maxFailures else { return nil }
        // The lock lifts when the oldest failure that keeps the count at the limit leaves the window.
        let pivot = counted[counted.count - maxFailures]
        let seconds = pivot.addingTimeInterval(window).timeIntervalSince(now)
        return max(1, Int((seconds / 60).rounded(.up)))
    }
}
