import Fluent
import Foundation
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import Testing
import VaporTesting

/// The platform clock decides "now" for the booking rules, and the audit log names whoever booked through the page.
@Suite("Booking by the platform clock; the page's bookings audited under the real user")
struct BookingClockAndActorTests {
    /// 16:20 UTC on 31 December: 00:20 on 1 January in Beijing, new day, month and year there but not yet in UTC.
    static var newYearInBeijing: Date {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        return utc.date(from: DateComponents(year: ChinaTime.civil(Date()).year, month: 12, day: 31, hour: 16, minute: 20))!
    }

    static func iso(_ d: Date) -> String { ChinaTime.iso(d) }

    @Test("A booking made on the instrument's page is audited under the person who made it, with their address")
    func pageBookingAuditsTheUser() async throws {
        try await withPlatform { app in
            let i = try await BookingTests.instrument(app)
            let web = Browser(app)
            try await web.signIn("enterprise")
            try await web.get("/instruments/\(i.id!.uuidString)")
            let day = ChinaTime.dateString(Date().addingTimeInterval(3 * 86400))
            let res = try await web.post("/instruments/\(i.id!.uuidString)/book", ["date": day, "start": "09:00", "end": "10:00", "note": ""])
            #expect(res.status == .seeOther)
            let entry = try #require(try await AuditEntryRecord.query(on: app.db).filter(\.$action == "booking.create").first())
            #expect(entry.actorName == "enterprise")
            #expect(entry.address != "api")
            let user = try #require(try await UserRecord.query(on: app.db).filter(\.$username == "enterprise").first())
            #expect(entry.actorID == user.id)
        }
    }

    @Test("At 00:20 on 1 January in Beijing: 00:10 is past, 00:30 is bookable, and the cancellation deadline follows the clock")
    func rulesReadThePlatformClock() async throws {
        try await withPlatform { app in
            let now = Self.newYearInBeijing
            app.services.clock.set(now)
            let i = try await BookingTests.instrument(app, cancelHours: 24)
            let token = try await apiToken(app, "enterprise")
            let path = "/api/v1/instruments/\(i.id!.uuidString)/bookings"
            let past = try await json(app, .POST, path, token: token, body: #"{"start":"\#(Self.iso(now.addingTimeInterval(-600)))","end":"\#(Self.iso(now.addingTimeInterval(3000)))"}"#)
            #expect(past.status == .unprocessableEntity)
            #expect(try errorBody(past).code == "booking.in_past")
            // 08:00 on 2 January, Beijing: 31 h 40 min ahead of the clock.
            let start = now.addingTimeInterval(31 * 3600 + 40 * 60)
            let made = try await json(app, .POST, path, token: token, body: #"{"start":"\#(Self.iso(start))","end":"\#(Self.iso(start.addingTimeInterval(3600)))"}"#)
            #expect(made.status == .created)
            let soon = now.addingTimeInterval(600)
            #expect(try await json(app, .POST, path, token: token, body: #"{"start":"\#(Self.iso(soon))","end":"\#(Self.iso(soon.addingTimeInterval(1800)))"}"#).status == .created)
            struct Made: Decodable { let id: String }
            let id = try JSONDecoder().decode(Made.self, from: Data(made.body.readableBytesView)).id

            // The "upcoming" list is read against the clock too: both bookings, soonest first.
            let web = Browser(app)
            try await web.signIn("enterprise")
            let upcoming = try await web.get("/bookings?when=upcoming")
            #expect(upcoming.status == .ok)
            let html = upcoming.body.string
            let first = try #require(html.range(of: ChinaTime.display(soon))), second = try #require(html.range(of: ChinaTime.display(start)))
            #expect(first.lowerBound < second.lowerBound)

            // Eight hours later the booking is less than 24 hours away: the holder may no longer cancel it.
            app.services.clock.advance(8 * 3600)
            let late = try await json(app, .POST, "/api/v1/bookings/\(id)/cancel", token: token)
            #expect(late.status == .conflict)
            #expect(try errorBody(late).code == "booking.cancel_deadline_passed")
            app.services.clock.set(now)
            #expect(try await json(app, .POST, "/api/v1/bookings/\(id)/cancel", token: token).status == .ok)
        }
    }
}
