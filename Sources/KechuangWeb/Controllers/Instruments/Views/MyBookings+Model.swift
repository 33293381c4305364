import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The "my bookings" page (`instruments/bookings.leaf`): the user's bookings, waiting-list entries, recent sessions
/// to rate and the calendar feed, built from `InstrumentStore.myBookings`.
extension BookingController {
    struct MineContent: Encodable {
        let bookings: [Item]
        let waitlist: [Wait]
        let usage: [Used]
        let pager: Pager
        let calendarURL: String?
        let form: FormState
        let filters: [String: String]
        let statuses: [RegistrationController.Option]
    }

    struct Item: Encodable {
        let id: String
        let instrumentID: String
        let instrument: String
        let start: String
        let end: String
        let date: String
        let startTime: String
        let endTime: String
        let status: String
        let statusLabel: String
        let fee: String
        let note: String
        let decisionNote: String
        let canCancel: Bool
        let active: Bool
    }

    struct Wait: Encodable {
        let id: String
        let instrument: String
        let slot: String
        let status: String
        let statusLabel: String
        let offeredUntil: String?
    }

    struct Used: Encodable {
        let id: String
        let instrument: String
        let slot: String
        let fee: String
        let rating: Int?
    }
}

extension BookingController.MineContent {
    init(_ mine: InstrumentStore.MyBookings, filters: ListFilters, req: Request) {
        let page = mine.bookings.map { row in
            let b = row.booking
            return BookingController.Item(
                id: b.id!.uuidString, instrumentID: b.$instrument.id.uuidString, instrument: row.instrumentName,
                start: ChinaTime.display(b.startAt), end: String(ChinaTime.display(b.endAt).suffix(5)), date: ChinaTime.dateString(b.startAt),
                startTime: String(ChinaTime.display(b.startAt).suffix(5)), endTime: String(ChinaTime.display(b.endAt).suffix(5)),
                status: b.status, statusLabel: req.t("booking_status_\(b.status)"), fee: Money(fen: b.feeFen).display, note: b.note,
                decisionNote: b.decisionNote, canCancel: row.canCancel, active: row.upcoming)
        }
        self.init(
            bookings: page.items,
            waitlist: mine.waitlist.map { w in
                BookingController.Wait(id: w.entry.id!.uuidString, instrument: w.instrumentName, slot: Self.span(w.entry.startAt, w.entry.endAt),
                                       status: w.state, statusLabel: req.t("waitlist_\(w.state)"), offeredUntil: w.offeredUntil.map(ChinaTime.display))
            },
            usage: mine.usage.map {
                BookingController.Used(id: $0.usage.id!.uuidString, instrument: $0.instrumentName, slot: Self.span($0.usage.startAt, $0.usage.endAt),
                                       fee: Money(fen: $0.usage.feeFen).display, rating: $0.usage.rating)
            },
            pager: Pager(page, path: "/bookings", query: filters.pagerQuery),
            calendarURL: mine.calendarToken.map { "/calendar/\($0).ics" }, form: .empty, filters: filters.kept,
            statuses: InstrumentStore.BookingFilter.statuses.map { .init(value: $0, label: req.t("booking_status_\($0)")) })
    }

    /// "2026-12-01 09:00–11:00" in Beijing time.
    static func span(_ start: Date, _ end: Date) -> String { ChinaTime.display(start) + "–" + String(ChinaTime.display(end).suffix(5)) }
}
