import Foundation

/// The system clock, for what must not follow the platform clock a test sets: log time stamps, timings and the age
/// of in-memory caches. Rules, deadlines and "today" read `req.now` / `req.today` (the platform clock) instead;
/// CI refuses `Date()` anywhere else in this target.
enum WallClock {
    static var now: Date { Date() }
}
