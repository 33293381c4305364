import Foundation
@testable import KechuangCore
import Testing

@Suite("Who may book (art. 22 sharing) and the platform clock")
struct BookingAccessTests {
    static let outsider = Booker(userID: UUID(), organizationID: nil, internalUser: false, qualifications: [])
    static let member = Booker(userID: UUID(), organizationID: UUID(), internalUser: true, qualifications: [])

    @Test("Open to everyone, to the owning unit only, or to nobody; only active instruments take bookings")
    func openTo() throws {
        try BookingAccess.checkOpen(status: "active", shareMode: "external", booker: Self.outsider)
        try BookingAccess.checkOpen(status: "active", shareMode: "internal", booker: Self.member)
        #expect(throws: DomainError(.forbidden, code: "booking.not_open_to_you")) { try BookingAccess.checkOpen(status: "active", shareMode: "internal", booker: Self.outsider) }
        #expect(throws: DomainError(.forbidden, code: "booking.not_open_to_you")) { try BookingAccess.checkOpen(status: "active", shareMode: "none", booker: Self.member) }
        #expect(throws: DomainError(.conflict, code: "booking.instrument_unavailable", field: "start")) {
            try BookingAccess.checkOpen(status: "repair", shareMode: "external", booker: Self.member)
        }
    }

    @Test("Weekly series: 1–26 occurrences, more than one for members of the owning unit only")
    func series() throws {
        try BookingAccess.checkSeries(count: 1, booker: Self.outsider)
        try BookingAccess.checkSeries(count: 26, booker: Self.member)
        #expect(throws: DomainError.invalid("repeat", "booking.series_internal_only")) { try BookingAccess.checkSeries(count: 2, booker: Self.outsider) }
        #expect(throws: DomainError.invalid("repeat", "field.range", ["min": "1", "max": "26"])) { try BookingAccess.checkSeries(count: 27, booker: Self.member) }
        #expect(throws: DomainError.invalid("repeat", "field.range", ["min": "1", "max": "26"])) { try BookingAccess.checkSeries(count: 0, booker: Self.member) }
    }

    @Test("The holder changes a booking until the deadline; a manager at any time")
    func deadline() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let slot = TimeSlot(start: start, end: start.addingTimeInterval(3600))
        var policy = BookingPolicy.officeHours
        policy.cancellationDeadlineHours = 24
        try BookingAccess.checkChange(slot, policy: policy, now: start.addingTimeInterval(-24 * 3600), byManager: false)
        #expect(throws: DomainError(.conflict, code: "booking.cancel_deadline_passed", arguments: ["hours": "24"])) {
            try BookingAccess.checkChange(slot, policy: policy, now: start.addingTimeInterval(-24 * 3600 + 1), byManager: false)
        }
        try BookingAccess.checkChange(slot, policy: policy, now: start.addingTimeInterval(-60), byManager: true)
    }

    @Test("A week's broken rule is reported on `repeat` with its number, date and the rule's own code")
    func occurrence() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let e = BookingAccess.seriesOccurrenceErrors(ValidationErrors([.invalid("start", "booking.too_far_ahead", ["days": "60"])]), occurrence: 3, start: start)
        #expect(e.errors.count == 1)
        #expect(e.errors[0].field == "repeat")
        #expect(e.errors[0].arguments == ["n": "3", "date": ChinaTime.dateString(start), "reason_code": "booking.too_far_ahead", "days": "60"])
    }

    @Test("The platform clock: the system time until set, then exactly what was set and advanced")
    func clock() {
        let clock = PlatformClock()
        #expect(abs(clock.now.timeIntervalSinceNow) < 5)
        let t = Date(timeIntervalSince1970: 1_798_734_000)
        clock.set(t)
        #expect(clock.now == t)
        clock.advance(90)
        #expect(clock.now == t.addingTimeInterval(90))
        clock.set(nil)
        #expect(abs(clock.now.timeIntervalSinceNow) < 5)
    }
}
