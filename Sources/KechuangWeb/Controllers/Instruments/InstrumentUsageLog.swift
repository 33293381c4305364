import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The whole usage history of one instrument for its owning unit: filter by dates (Beijing), purpose, user side and
/// booked-vs-actual flag; totals for the filtered set exact in fen; CSV/XLSX for the unit's own sharing reports.
/// The management desk shows only the latest records; this is where an auditor or the unit reads all of them.
struct InstrumentUsageLog {
    struct Content: Encodable {
        let id: String
        let name: String
        let rows: [Row]
        let pager: Pager
        let filters: [String: String]
        let exportQuery: String
        let purposes: [RegistrationController.Option]
        let count: Int
        let hours: String
        let externalHours: String
        let fee: String
        let flagged: Int
    }

    struct Row: Encodable {
        let date: String
        let slot: String
        let minutes: Int
        let booked: String
        let flag: String?
        let user: String
        let organization: String
        let external: Bool
        let operatorName: String
        let samples: Int
        let purpose: String
        let fee: String
        let rating: String
    }

    struct Filters {
        let from: Date?, to: Date?, purpose: String?, side: String?, flagged: Bool
        let list: ListFilters

        init(_ req: Request) throws {
            var f = ListFilters(req)
            from = f.day("from").flatMap { ChinaTime.date($0) }
            // "to" is inclusive: records starting before the next day's midnight in Beijing.
            to = f.day("to").flatMap { ChinaTime.date($0) }.map { $0.addingTimeInterval(86400) }
            if let from, let to, to <= from { f.reject("to", "field.date_order") }
            purpose = f.oneOf("purpose", InstrumentStore.usagePurposes); side = f.oneOf("side", ["internal", "external"]); flagged = f.flag("flagged")
            try f.check()
            list = f
        }

        var store: InstrumentStore.UsageFilter {
            .init(from: from, to: to, purpose: purpose, external: side.map { $0 == "external" }, flaggedOnly: flagged)
        }
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "instruments", ":id", "usage", access: .signedIn, use: list)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let i = try await req.managedInstrument()
        let filters = try Filters(req)
        let exporting = (try? req.query.get(String.self, at: "format")) != nil
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 50)
        let log = try await req.instrumentStore.usageLog(instrumentID: i.id!, filter: filters.store, page: exporting ? nil : page)
        let records = log.records, users = log.userNames, orgs = log.organizationNames
        let rows = records.map { u in
            Row(date: ChinaTime.dateString(u.startAt), slot: String(ChinaTime.display(u.startAt).suffix(5)) + "–" + String(ChinaTime.display(u.endAt).suffix(5)),
                minutes: u.minutes, booked: u.bookedMinutes.map(String.init) ?? "—", flag: u.gapFlag.map { req.t("gap_\($0)") }, user: users[u.userID] ?? "",
                organization: u.userOrgID.flatMap { orgs[$0] } ?? "", external: u.external, operatorName: u.operatorName, samples: u.samples,
                purpose: req.t("purpose_\(u.purpose)"), fee: Money(fen: u.feeFen).display, rating: u.rating.map { "\($0)/5" } ?? "")
        }
        if let file = try ListExport.response(req, name: "instrument-usage",
                                              header: ["ins_date", "ins_slot", "ins_actual_minutes", "ins_booked_minutes", "ins_gap", "ins_user", "ins_usage_organization",
                                                       "ins_external", "ins_operator", "ins_samples", "ins_purpose", "ins_fee", "ins_rating"].map { req.t($0) },
                                              rows: zip(records, rows).map { u, r in
                                                  [r.date, r.slot, String(r.minutes), r.booked, r.flag ?? "", r.user, r.organization, r.external ? req.t("yes") : "",
                                                   r.operatorName, String(r.samples), r.purpose, Money(fen: u.feeFen).plainYuan, r.rating]
                                              }) { return file }
        return try await req.page("instruments/usage", titleKey: "ins_usage_log_title", titleArgs: ["name": i.name], content: Content(
            id: i.id!.uuidString, name: i.name, rows: rows,
            pager: Pager(PagedList(items: rows, request: page, total: log.totals.sessions), path: "/instruments/\(i.id!.uuidString)/usage", query: filters.list.pagerQuery),
            filters: filters.list.kept, exportQuery: filters.list.exportQuery,
            purposes: InstrumentStore.usagePurposes.map { .init(value: $0, label: req.t("purpose_\($0)")) },
            count: log.totals.sessions, hours: Self.hours(log.totals.minutes), externalHours: Self.hours(log.totals.externalMinutes),
            fee: Money(fen: log.totals.fen).display, flagged: log.totals.flagged)).encodeResponse(for: req)
    }

    /// Minutes as hours with one decimal, by integer arithmetic (no binary floating point in what is shown).
    static func hours(_ minutes: Int) -> String {
        let tenths = (minutes * 10 + 30) / 60
        return "\(tenths / 10).\(tenths % 10)"
    }
}
