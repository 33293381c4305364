import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The owning unit's desk (`instruments/manage.leaf`), built from `InstrumentStore.desk`.
extension InstrumentManageController {
    struct Content: Encodable {
        let id: String
        let name: String
        let pending: [Row]
        let upcoming: [Row]
        let toRecord: [Row]
        let usage: [UsageRow]
        let trainings: [Training]
        let waitlist: [Queue]
        let purposes: [RegistrationController.Option]
        let form: FormState
        let qualification: String
    }

    struct Row: Encodable {
        let id: String
        let user: String
        let slot: String
        let status: String
        let fee: String
        let note: String
        let external: Bool
    }

    struct UsageRow: Encodable {
        let user: String
        let slot: String
        let minutes: Int
        let booked: String
        let flag: String?
        let fee: String
        let purpose: String
        let rating: String
    }

    struct Training: Encodable {
        let user: String
        let note: String
        let date: String
    }

    struct Queue: Encodable {
        let user: String
        let slot: String
        let status: String
    }

    static let purposes = ["research", "teaching", "testing_service", "legal_certification", "commercial_inspection"]
}

extension InstrumentManageController.Content {
    init(_ desk: InstrumentStore.Desk, instrument i: InstrumentRecord, form: FormState, req: Request) {
        let names = desk.userNames
        func span(_ start: Date, _ end: Date) -> String { ChinaTime.display(start) + "–" + String(ChinaTime.display(end).suffix(5)) }
        func row(_ b: BookingRecord) -> InstrumentManageController.Row {
            .init(id: b.id!.uuidString, user: names[b.userID] ?? "", slot: span(b.startAt, b.endAt), status: req.t("booking_status_\(b.status)"),
                  fee: Money(fen: b.feeFen).display, note: b.note, external: b.external)
        }
        self.init(
            id: i.id!.uuidString, name: i.name, pending: desk.pending.map(row), upcoming: desk.upcoming.map(row), toRecord: desk.toRecord.map(row),
            usage: desk.usage.map { u in
                .init(user: names[u.userID] ?? "", slot: span(u.startAt, u.endAt), minutes: u.minutes, booked: u.bookedMinutes.map(String.init) ?? "—",
                      flag: u.gapFlag.map { req.t("gap_\($0)") }, fee: Money(fen: u.feeFen).display, purpose: req.t("purpose_\(u.purpose)"),
                      rating: u.rating.map { "\($0)/5" } ?? "—")
            },
            trainings: desk.trainings.map { .init(user: names[$0.userID] ?? "", note: $0.note, date: $0.createdAt.map(ChinaTime.dateString) ?? "") },
            waitlist: desk.waitlist.map { .init(user: names[$0.userID] ?? "", slot: span($0.startAt, $0.endAt), status: req.t("waitlist_\($0.status)")) },
            purposes: InstrumentStore.usagePurposes.map { .init(value: $0, label: req.t("purpose_\($0)")) }, form: form, qualification: i.qualification)
    }
}
