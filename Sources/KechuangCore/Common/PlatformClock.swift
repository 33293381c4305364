import Foundation

/// Where the platform reads the time. Production reads the system clock; a test sets it to the instant its case is
/// about (the first minutes of 1 January in Beijing, the last second before a cancellation deadline) instead of
/// faking the process clock or waiting. Elapsed-time measurements (timings, logs) keep reading the system clock.
public final class PlatformClock: @unchecked Sendable {
    private let lock = NSLock()
    private var fixed: Date?

    public init(fixedAt date: Date? = nil) { fixed = date }

    /// The system clock, or the instant a test set.
    public var now: Date { lock.withLock { fixed ?? Date() } }

    /// Stops the clock at `date` (nil: back to the system clock).
    public func set(_ date: Date?) { lock.withLock { fixed = date } }

    /// Moves a stopped clock on by `seconds`; a running clock is stopped that far from now.
    public func advance(_ seconds: TimeInterval) { lock.withLock { fixed = (fixed ?? Date()).addingTimeInterval(seconds) } }
}
