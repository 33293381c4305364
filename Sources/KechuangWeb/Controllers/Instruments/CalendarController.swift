import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// iCalendar feeds: per instrument (public; busy times only, no names) and per user (a secret URL listing the
/// user's own bookings), from 30 days back to the booking horizon.
struct CalendarController {
    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "instruments", ":id", "calendar.ics", access: .everyone, use: instrumentFeed)
        r.on(.GET, "calendar", ":key", access: .everyone, use: userFeed)
    }

    static func response(_ cal: ICalendar, filename: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(filename)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=300")
        return Response(status: .ok, headers: headers, body: .init(string: cal.render()))
    }

    static func status(_ b: BookingRecord) -> String { b.status == "pending" ? "TENTATIVE" : "CONFIRMED" }

    @Sendable func instrumentFeed(req: Request) async throws -> Response {
        let i = try await req.instrument()
        let from = req.now.addingTimeInterval(-30 * 86400)
        let events = try await req.instrumentStore.feedBookings(instrumentID: i.id!, from: from).map { b, _ in
            ICalendar.Event(uid: "booking-\(b.id!.uuidString)@kechuang", slot: b.slot, summary: "\(i.name) · \(req.t("ins_busy"))", location: i.location,
                            description: req.t("booking_status_\(b.status)"), status: Self.status(b), updated: b.updatedAt ?? b.createdAt ?? b.startAt)
        }
        return Self.response(ICalendar(name: i.name, events: events), filename: "instrument-\(i.id!.uuidString.prefix(8)).ics")
    }

    @Sendable func userFeed(req: Request) async throws -> Response {
        guard let raw = req.parameters.get("key"), raw.hasSuffix(".ics"),
              let owner = try await req.instrumentStore.calendarFeedOwner(token: String(raw.dropLast(4))) else {
            throw DomainError.notFound("calendar")
        }
        let from = req.now.addingTimeInterval(-30 * 86400)
        let events = try await req.instrumentStore.feedBookings(userID: owner, from: from).map { b, i in
            ICalendar.Event(uid: "booking-\(b.id!.uuidString)@kechuang", slot: b.slot, summary: i?.name ?? "", location: i?.location ?? "",
                            description: "\(req.t("booking_status_\(b.status)")) · \(Money(fen: b.feeFen).display)\(b.note.isEmpty ? "" : " · " + b.note)",
                            status: Self.status(b), updated: b.updatedAt ?? b.createdAt ?? b.startAt)
        }
        return Self.response(ICalendar(name: req.t("bookings_title"), events: events), filename: "bookings.ics")
    }
}
