import Foundation

/// One day of an instrument's calendar in Beijing time: its opening hours cut into free and busy pieces.
public struct AvailabilityDay: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        public let slot: TimeSlot
        public let busy: Bool
    }

    /// "2026-12-01".
    public let date: String
    /// ISO weekday, 1 = Monday.
    public let weekday: Int
    /// Empty when the instrument is closed that day.
    public let segments: [Segment]

    public var freeMinutes: Int { segments.filter { !$0.busy }.reduce(0) { $0 + $1.slot.minutes } }
}

extension BookingPolicy {
    /// The opening interval of the Beijing calendar day that starts at `midnight` (a Beijing midnight), if open.
    public func openSlot(dayStarting midnight: Date) -> TimeSlot? {
        guard let hours = openingHours[ChinaTime.weekday(midnight)] else { return nil }
        return TimeSlot(start: midnight.addingTimeInterval(TimeInterval(hours.lowerBound * 60)),
                        end: midnight.addingTimeInterval(TimeInterval(hours.upperBound * 60)))
    }

    /// `days` calendar days from the Beijing day containing `from`, with `busy` slots (their buffers already
    /// added by the caller) marked inside the opening hours.
    public func availability(from: Date, days: Int, busy: [TimeSlot]) -> [AvailabilityDay] {
        var midnight = ChinaTime.startOfDay(from)
        let sorted = busy.sorted { $0.start < $1.start }
        var out: [AvailabilityDay] = []
        for _ in 0..<max(0, days) {
            let weekday = ChinaTime.weekday(midnight)
            var segments: [AvailabilityDay.Segment] = []
            if let open = openSlot(dayStarting: midnight) {
                var cursor = open.start
                for b in sorted where b.end > open.start && b.start < open.end {
                    let s = max(b.start, open.start), e = min(b.end, open.end)
                    if s > cursor { segments.append(.init(slot: TimeSlot(start: cursor, end: s), busy: false)) }
                    if e > max(s, cursor) { segments.append(.init(slot: TimeSlot(start: max(s, cursor), end: e), busy: true)) }
                    cursor = max(cursor, e)
                }
                if cursor < open.end { segments.append(.init(slot: TimeSlot(start: cursor, end: open.end), busy: false)) }
            }
            out.append(AvailabilityDay(date: ChinaTime.dateString(midnight), weekday: weekday, segments: segments))
            midnight = midnight.addingTimeInterval(86400) // no DST in China: every day has 24 hours
        }
        return out
    }

    /// Minutes the instrument is open between two instants (used by the "available in a date range" filter).
    public func openMinutes(from: Date, to: Date) -> Int {
        var midnight = ChinaTime.startOfDay(from)
        var total = 0
        while midnight < to {
            if let open = openSlot(dayStarting: midnight) {
                let s = max(open.start, from), e = min(open.end, to)
                if e > s { total += Int(e.timeIntervalSince(s) / 60) }
            }
            midnight = midnight.addingTimeInterval(86400)
        }
        return total
    }
}
