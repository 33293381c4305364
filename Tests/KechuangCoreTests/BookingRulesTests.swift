import Foundation
import KechuangCore
import Testing

@Suite("Instrument booking rules")
struct BookingRulesTests {
    /// A Beijing-time instant.
    func bj(_ s: String) -> Date {
        let f = ISO8601DateFormatter()
        return f.date(from: s + "+08:00")!
    }

    let now = ISO8601DateFormatter().date(from: "2026-11-30T08:00:00+08:00")! // a Monday

    @Test("Inside opening hours, within length limits and horizon: accepted")
    func accepted() throws {
        try BookingPolicy.officeHours.check(TimeSlot(start: bj("2026-12-01T09:00:00"), end: bj("2026-12-01T11:00:00")), now: now, qualifications: [])
    }

    @Test("Every broken rule is reported, naming start or end", arguments: [
        ("2026-12-01T11:00:00", "2026-12-01T09:00:00", "booking.end_before_start"),
        ("2026-11-29T09:00:00", "2026-11-29T10:00:00", "booking.in_past"),
        ("2026-12-01T09:00:00", "2026-12-01T09:10:00", "booking.too_short"),
        ("2026-12-01T08:30:00", "2026-12-01T17:30:00", "booking.too_long"),
        ("2026-12-01T17:00:00", "2026-12-01T18:00:00", "booking.outside_hours"),
        ("2026-12-05T09:00:00", "2026-12-05T10:00:00", "booking.outside_hours"),
        ("2027-03-01T09:00:00", "2027-03-01T10:00:00", "booking.too_far_ahead"),
    ])
    func refused(start: String, end: String, code: String) {
        do {
            try BookingPolicy.officeHours.check(TimeSlot(start: bj(start), end: bj(end)), now: now, qualifications: [])
            Issue.record("expected \(code)")
        } catch {
            #expect(error.errors.contains { $0.code == code }, "\(error.errors.map(\.code))")
            #expect(error.errors.allSatisfy { $0.field == "start" || $0.field == "end" })
        }
    }

    @Test("A required training record is checked")
    func qualification() {
        var p = BookingPolicy.officeHours
        p.qualification = "XRD-safety"
        let slot = TimeSlot(start: bj("2026-12-01T09:00:00"), end: bj("2026-12-01T10:00:00"))
        #expect(throws: ValidationErrors.self) { try p.check(slot, now: now, qualifications: []) }
        #expect(throws: Never.self) { try p.check(slot, now: now, qualifications: ["XRD-safety"]) }
    }

    @Test("Overlap counts the buffer after each booking; touching slots without a buffer do not collide")
    func overlaps() {
        let a = TimeSlot(start: bj("2026-12-01T09:00:00"), end: bj("2026-12-01T10:00:00"))
        let b = TimeSlot(start: bj("2026-12-01T10:00:00"), end: bj("2026-12-01T11:00:00"))
        #expect(!a.overlaps(b))
        #expect(a.overlaps(b, bufferMinutes: 15))
        var p = BookingPolicy.officeHours
        p.bufferMinutes = 15
        #expect(p.conflict(b, with: [a]) == a)
    }

    @Test("Weekly repeats skip conflicts when asked, or stop at the first")
    func weekly() {
        let slot = TimeSlot(start: bj("2026-12-01T09:00:00"), end: bj("2026-12-01T10:00:00"))
        let taken = TimeSlot(start: bj("2026-12-08T09:30:00"), end: bj("2026-12-08T10:30:00"))
        let skip = BookingPolicy.officeHours.weekly(slot, count: 4, existing: [taken], skipConflicts: true)
        #expect(skip.accepted.count == 3 && skip.skipped.count == 1)
        let strict = BookingPolicy.officeHours.weekly(slot, count: 4, existing: [taken], skipConflicts: false)
        #expect(strict.accepted.isEmpty && strict.skipped.count == 1)
    }

    @Test("Fees charge every started unit, exactly in fen; cancellation closes at the deadline")
    func feesAndCancellation() {
        let fee = FeeStandard(unitMinutes: 60, internalFen: 15_000, externalFen: 30_050)
        #expect(fee.fee(minutes: 61, external: true) == Money(fen: 60_100))
        #expect(fee.fee(minutes: 60, external: false) == Money(fen: 15_000))
        let slot = TimeSlot(start: bj("2026-12-01T09:00:00"), end: bj("2026-12-01T10:00:00"))
        #expect(BookingPolicy.officeHours.canCancel(slot, now: bj("2026-11-30T09:00:00")))
        #expect(!BookingPolicy.officeHours.canCancel(slot, now: bj("2026-11-30T09:00:01")))
    }
}
