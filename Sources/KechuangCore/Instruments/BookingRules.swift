import Foundation

/// A half-open time interval [start, end) in UTC.
public struct TimeSlot: Sendable, Equatable, Hashable {
    public let start: Date
    public let end: Date

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    public var minutes: Int { Int((end.timeIntervalSince(start) / 60).rounded(.up)) }

    /// True when the slots share any time once each is widened by `buffer` minutes after its end.
    public func overlaps(_ other: TimeSlot, bufferMinutes buffer: Int = 0) -> Bool {
        let pad = TimeInterval(buffer * 60)
        return start < other.end.addingTimeInterval(pad) && other.start < end.addingTimeInterval(pad)
    }
}

/// An instrument's booking rules (art. 22 sharing): opening hours in Beijing time, lengths, buffers, horizon.
public struct BookingPolicy: Sendable, Equatable {
    /// Opening hours per weekday (1 = Monday … 7 = Sunday) as minutes after local midnight, [open, close).
    public var openingHours: [Int: Range<Int>]
    public var minMinutes: Int
    public var maxMinutes: Int
    public var bufferMinutes: Int
    public var maxDaysAhead: Int
    public var approvalRequired: Bool
    /// A training record the user must hold (nil: none required).
    public var qualification: String?
    public var cancellationDeadlineHours: Int

    public init(openingHours: [Int: Range<Int>], minMinutes: Int = 30, maxMinutes: Int = 8 * 60, bufferMinutes: Int = 0, maxDaysAhead: Int = 60,
                approvalRequired: Bool = false, qualification: String? = nil, cancellationDeadlineHours: Int = 24) {
        self.openingHours = openingHours
        self.minMinutes = minMinutes
        self.maxMinutes = maxMinutes
        self.bufferMinutes = bufferMinutes
        self.maxDaysAhead = maxDaysAhead
        self.approvalRequired = approvalRequired
        self.qualification = qualification
        self.cancellationDeadlineHours = cancellationDeadlineHours
    }

    /// Weekdays 08:30–17:30 Beijing time: a common default for shared instruments.
    public static let officeHours = BookingPolicy(openingHours: Dictionary(uniqueKeysWithValues: (1...5).map { ($0, 510..<1050) }))

    /// Checks a requested slot against the rules (not against other bookings: the database does that atomically).
    /// Every broken rule is reported, each naming `start` or `end`.
    public func check(_ slot: TimeSlot, now: Date, qualifications: Set<String>) throws(ValidationErrors) {
        var errors: [DomainError] = []
        if slot.end <= slot.start {
            errors.append(.invalid("end", "booking.end_before_start"))
            throw ValidationErrors(errors)
        }
        if slot.start < now { errors.append(.invalid("start", "booking.in_past")) }
        if slot.start > now.addingTimeInterval(TimeInterval(maxDaysAhead * 86400)) {
            errors.append(.invalid("start", "booking.too_far_ahead", ["days": String(maxDaysAhead)]))
        }
        if slot.minutes < minMinutes { errors.append(.invalid("end", "booking.too_short", ["min": String(minMinutes)])) }
        if slot.minutes > maxMinutes { errors.append(.invalid("end", "booking.too_long", ["max": String(maxMinutes)])) }
        if !withinOpeningHours(slot) { errors.append(.invalid("start", "booking.outside_hours")) }
        if let q = qualification, !qualifications.contains(q) { errors.append(.invalid("start", "booking.qualification_missing", ["qualification": q])) }
        if !errors.isEmpty { throw ValidationErrors(errors) }
    }

    /// The whole slot lies inside one day's opening hours (Beijing time).
    public func withinOpeningHours(_ slot: TimeSlot) -> Bool {
        guard ChinaTime.startOfDay(slot.start) == ChinaTime.startOfDay(slot.end.addingTimeInterval(-1)),
              let hours = openingHours[ChinaTime.weekday(slot.start)] else { return false }
        let startMinute = ChinaTime.minuteOfDay(slot.start)
        return hours.contains(startMinute) && startMinute + slot.minutes <= hours.upperBound
    }

    /// Whether a booking may still be cancelled by its holder.
    public func canCancel(_ slot: TimeSlot, now: Date) -> Bool {
        now <= slot.start.addingTimeInterval(-TimeInterval(cancellationDeadlineHours * 3600))
    }

    /// The first existing slot the request collides with, buffers included.
    public func conflict(_ slot: TimeSlot, with existing: [TimeSlot]) -> TimeSlot? {
        existing.first { slot.overlaps($0, bufferMinutes: bufferMinutes) }
    }

    /// Weekly repeats of `slot` (`count` in all); with `skipConflicts` colliding ones are left out and returned apart.
    public func weekly(_ slot: TimeSlot, count: Int, existing: [TimeSlot], skipConflicts: Bool) -> (accepted: [TimeSlot], skipped: [TimeSlot]) {
        var accepted: [TimeSlot] = [], skipped: [TimeSlot] = []
        for k in 0..<max(0, count) {
            let shift = TimeInterval(k * 7 * 86400)
            let s = TimeSlot(start: slot.start.addingTimeInterval(shift), end: slot.end.addingTimeInterval(shift))
            if conflict(s, with: existing + accepted) != nil {
                if skipConflicts { skipped.append(s); continue }
                return ([], [s])
            }
            accepted.append(s)
        }
        return (accepted, skipped)
    }
}

/// A fee standard of an instrument: a price per started unit of time, in fen, for internal and external users.
public struct FeeStandard: Sendable, Equatable {
    public let unitMinutes: Int
    public let internalFen: Int64
    public let externalFen: Int64

    public init(unitMinutes: Int, internalFen: Int64, externalFen: Int64) {
        self.unitMinutes = unitMinutes
        self.internalFen = internalFen
        self.externalFen = externalFen
    }

    /// Every started unit is charged; the price is frozen into the booking when it is made.
    public func fee(minutes: Int, external: Bool) -> Money {
        let units = Int64((max(0, minutes) + unitMinutes - 1) / unitMinutes)
        return Money(fen: units * (external ? externalFen : internalFen))
    }
}
