import FluentKit
import Foundation
import KechuangCore
@testable import KechuangStore
import Testing

/// The booking use cases called directly, without HTTP: the rules in Core decide, the store writes with the actor.
@Suite("Booking use cases in the store")
struct BookingUseCaseTests {
    @Test("A booking is audited under the actor passed in; the instrument's price is frozen into it")
    func bookAuditsTheActor() async throws {
        try await withStore { h in
            let make = Builders(db: h.db)
            let lab = try await make.organization()
            let i = try await make.instrument(owner: lab)
            let guest = try await make.user("guest")
            let start = nextMondayNine()
            let outcome = try await InstrumentStore(db: h.db).requestBooking(i, userID: guest.id!, slot: TimeSlot(start: start, end: start.addingTimeInterval(5400)),
                                                                              note: "", idempotencyKey: nil, now: start.addingTimeInterval(-86400), actor: .of(guest))
            guard case .created(let b) = outcome else { Issue.record("expected a booking, got \(outcome)"); return }
            #expect(b.feeFen == 80_000) // two started hours at the external price
            let entry = try #require(try await AuditEntryRecord.query(on: h.db).filter(\.$action == "booking.create").first())
            #expect(entry.actorName == "guest")
            #expect(entry.address == "198.51.100.7")
        }
    }

    @Test("Internal sharing: outsiders are refused, members book; only members may ask for a weekly series")
    func whoMayBook() async throws {
        try await withStore { h in
            let make = Builders(db: h.db)
            let lab = try await make.organization()
            let i = try await make.instrument(owner: lab, share: .internal)
            let outsider = try await make.user("outsider"), member = try await make.user("member", role: .institution, memberOf: lab)
            let store = InstrumentStore(db: h.db)
            let start = nextMondayNine(), slot = TimeSlot(start: start, end: start.addingTimeInterval(3600)), now = start.addingTimeInterval(-86400)
            await #expect(throws: DomainError(.forbidden, code: "booking.not_open_to_you")) {
                _ = try await store.requestBooking(i, userID: outsider.id!, slot: slot, note: "", idempotencyKey: nil, now: now, actor: .of(outsider))
            }
            let open = try await make.instrument(owner: lab)
            await #expect(throws: DomainError.invalid("repeat", "booking.series_internal_only")) {
                _ = try await store.requestSeries(open, userID: outsider.id!, first: slot, count: 3, skipConflicts: false, note: "", now: now, actor: .of(outsider))
            }
            guard case .created(let b) = try await store.requestBooking(i, userID: member.id!, slot: slot, note: "", idempotencyKey: nil, now: now, actor: .of(member)) else {
                Issue.record("the member's booking was refused"); return
            }
            #expect(b.external == false)
            #expect(b.userOrgID == lab.id)
        }
    }

    @Test("A weekly series follows BookingPolicy.weekly: a clash refuses all of it, or is skipped when asked")
    func weeklySeries() async throws {
        try await withStore { h in
            let make = Builders(db: h.db)
            let lab = try await make.organization()
            let i = try await make.instrument(owner: lab)
            let member = try await make.user("member", role: .institution, memberOf: lab), guest = try await make.user("guest")
            let store = InstrumentStore(db: h.db)
            let start = nextMondayNine(), first = TimeSlot(start: start, end: start.addingTimeInterval(3600)), now = start.addingTimeInterval(-86400)
            let week2 = TimeSlot(start: start.addingTimeInterval(7 * 86400), end: start.addingTimeInterval(7 * 86400 + 3600))
            _ = try await store.requestBooking(i, userID: guest.id!, slot: week2, note: "", idempotencyKey: nil, now: now, actor: .of(guest))

            guard case .conflict(let clash) = try await store.requestSeries(i, userID: member.id!, first: first, count: 3, skipConflicts: false, note: "",
                                                                            now: now, actor: .of(member)) else {
                Issue.record("a clash must refuse the series"); return
            }
            #expect(clash == week2)
            #expect(try await BookingRecord.query(on: h.db).filter(\.$userID == member.id!).count() == 0)

            guard case .created(let made, let skipped) = try await store.requestSeries(i, userID: member.id!, first: first, count: 3, skipConflicts: true,
                                                                                       note: "", now: now, actor: .of(member)) else {
                Issue.record("skipping the clash must book the rest"); return
            }
            let planned = i.policy.weekly(first, count: 3, existing: [week2], skipConflicts: true)
            #expect(made.map(\.slot) == planned.accepted)
            #expect(skipped == planned.skipped)
            #expect(Set(made.compactMap(\.seriesID)).count == 1)
        }
    }

    @Test("A broken rule in one week of a series names that week and its rule")
    func seriesOccurrenceRule() async throws {
        try await withStore { h in
            let make = Builders(db: h.db)
            let lab = try await make.organization()
            let i = try await make.instrument(owner: lab)
            i.maxDaysAhead = 5
            try await i.update(on: h.db)
            let member = try await make.user("member", role: .institution, memberOf: lab)
            let start = nextMondayNine(weeksAhead: 1), now = start.addingTimeInterval(-86400)
            do {
                _ = try await InstrumentStore(db: h.db).requestSeries(i, userID: member.id!, first: TimeSlot(start: start, end: start.addingTimeInterval(3600)),
                                                                      count: 3, skipConflicts: false, note: "", now: now, actor: .of(member))
                Issue.record("week 2 lies beyond the 5-day horizon")
            } catch let e as ValidationErrors {
                let week = try #require(e.errors.first)
                #expect(week.code == "booking.series_occurrence")
                #expect(week.arguments["n"] == "2")
                #expect(week.arguments["reason_code"] == "booking.too_far_ahead")
            }
        }
    }

    @Test("The holder cancels until the deadline, a manager after it; my-bookings reads canCancel by the same rule")
    func cancellationDeadline() async throws {
        try await withStore { h in
            let make = Builders(db: h.db)
            let lab = try await make.organization()
            let i = try await make.instrument(owner: lab, cancelHours: 24)
            let guest = try await make.user("guest"), manager = try await make.user("manager", role: .institution, memberOf: lab)
            let store = InstrumentStore(db: h.db)
            let start = nextMondayNine()
            guard case .created(let b) = try await store.requestBooking(i, userID: guest.id!, slot: TimeSlot(start: start, end: start.addingTimeInterval(3600)), note: "",
                                                                        idempotencyKey: nil, now: start.addingTimeInterval(-3 * 86400), actor: .of(guest)) else {
                Issue.record("booking refused"); return
            }
            let late = start.addingTimeInterval(-23 * 3600)
            let mine = try await store.myBookings(userID: guest.id!, filter: .init(when: .upcoming), page: PageQuery(page: 1, per: 20), now: late)
            #expect(mine.bookings.items.map(\.canCancel) == [false])
            #expect(mine.bookings.items.map(\.upcoming) == [true])
            await #expect(throws: DomainError(.conflict, code: "booking.cancel_deadline_passed", arguments: ["hours": "24"])) {
                try await store.cancelBooking(b, instrument: i, byManager: false, now: late, actor: .of(guest))
            }
            let found = try await store.changeableBooking(b.id!, userID: manager.id!) { $0.$organization.id == lab.id }
            #expect(found.byManager)
            try await store.cancelBooking(found.booking, instrument: found.instrument, byManager: true, now: late, actor: .of(manager))
            #expect(try await BookingRecord.find(b.id!, on: h.db)?.status == "cancelled")
            await #expect(throws: DomainError.notFound("booking")) {
                _ = try await store.changeableBooking(b.id!, userID: try await make.user("stranger").id!) { _ in false }
            }
        }
    }
}
