import FluentKit
import Foundation
import KechuangCore

/// "My bookings": one query function for the page (and anything else that lists a user's bookings), with the
/// instrument names and what the user may still do with each booking decided here, by the rules, not in a view.
extension InstrumentStore {
    public struct BookingFilter: Sendable, Equatable {
        public static let statuses = ["pending", "confirmed", "completed", "rescheduled", "cancelled", "rejected"]
        public enum When: String, Sendable, CaseIterable { case upcoming, past }

        public var status: String?
        public var when: When?
        public init(status: String? = nil, when: When? = nil) {
            self.status = status
            self.when = when
        }
    }

    public struct MyBooking: Sendable {
        public let booking: BookingRecord
        public let instrumentName: String
        /// Before the instrument's cancellation deadline and still active.
        public let canCancel: Bool
        /// Active and not yet started.
        public let upcoming: Bool
    }

    public struct MyWait: Sendable {
        public let entry: WaitlistRecord
        public let instrumentName: String
        /// waiting, offered (still open), expired (an offer that lapsed) or the stored status.
        public let state: String
        public let offeredUntil: Date?
    }

    public struct MyUsage: Sendable {
        public let usage: UsageRecord
        public let instrumentName: String
    }

    public struct MyBookings: Sendable {
        public let bookings: PagedList<MyBooking>
        public let waitlist: [MyWait]
        /// The latest 20 recorded sessions.
        public let usage: [MyUsage]
        public let calendarToken: String?
    }

    public func myBookings(userID: UUID, filter: BookingFilter, page: PageQuery, now: Date) async throws -> MyBookings {
        var q = BookingRecord.query(on: db).filter(\.$userID == userID)
        if let status = filter.status { q = q.filter(\.$status == status) }
        switch filter.when {
        case .upcoming: q = q.filter(\.$endAt > now)
        case .past: q = q.filter(\.$endAt <= now)
        case nil: break
        }
        let total = try await q.count()
        // Upcoming bookings read soonest first; everything else newest first.
        let rows = try await q.sort(\.$startAt, filter.when == .upcoming ? .ascending : .descending).sort(\.$id)
            .range(page.offset..<(page.offset + page.per)).all()
        let instruments = Dictionary(try await InstrumentRecord.query(on: db).filter(\.$id ~~ Set(rows.map { $0.$instrument.id })).all().map { ($0.id!, $0) },
                                     uniquingKeysWith: { a, _ in a })
        let bookings = rows.map { b in
            let i = instruments[b.$instrument.id]
            return MyBooking(booking: b, instrumentName: i?.name ?? "", canCancel: b.active && (i?.policy.canCancel(b.slot, now: now) ?? false),
                             upcoming: b.active && b.startAt > now)
        }
        let waits = try await WaitlistRecord.query(on: db).filter(\.$userID == userID).filter(\.$status ~~ ["waiting", "offered"]).sort(\.$startAt).all()
        let waitNames = try await instrumentNames(Set(waits.map(\.instrumentID)))
        let usage = try await UsageRecord.query(on: db).filter(\.$userID == userID).sort(\.$startAt, .descending).limit(20).all()
        let usageNames = try await instrumentNames(Set(usage.map(\.instrumentID)))
        let feed = try await CalendarFeedRecord.query(on: db).filter(\.$userID == userID).first()
        return MyBookings(
            bookings: PagedList(items: bookings, request: page, total: total),
            waitlist: waits.map { w in
                let live = w.status == "offered" && (w.offeredUntil ?? .distantPast) > now
                return MyWait(entry: w, instrumentName: waitNames[w.instrumentID] ?? "", state: live ? "offered" : (w.status == "offered" ? "expired" : w.status),
                              offeredUntil: live ? w.offeredUntil : nil)
            },
            usage: usage.map { MyUsage(usage: $0, instrumentName: usageNames[$0.instrumentID] ?? "") },
            calendarToken: feed?.token)
    }

    /// A calendar feed's bookings from `from` on (pending, confirmed, completed), oldest first, with their instruments.
    public func feedBookings(userID: UUID? = nil, instrumentID: UUID? = nil, from: Date) async throws -> [(BookingRecord, InstrumentRecord?)] {
        var q = BookingRecord.query(on: db).filter(\.$status ~~ ["pending", "confirmed", "completed"]).filter(\.$endAt > from)
        if let userID { q = q.filter(\.$userID == userID) }
        if let instrumentID { q = q.filter(\.$instrument.$id == instrumentID) }
        let bookings = try await q.sort(\.$startAt).limit(5000).all()
        let instruments = Dictionary(try await InstrumentRecord.query(on: db).filter(\.$id ~~ Set(bookings.map { $0.$instrument.id })).all().map { ($0.id!, $0) },
                                     uniquingKeysWith: { a, _ in a })
        return bookings.map { ($0, instruments[$0.$instrument.id]) }
    }

    /// The user whose secret calendar URL this is.
    public func calendarFeedOwner(token: String) async throws -> UUID? {
        try await CalendarFeedRecord.query(on: db).filter(\.$token == token).first()?.userID
    }
}
