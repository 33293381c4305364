import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Monthly statements of an owning unit to each client organisation (individuals are their own client): the
/// usage lines priced at the frozen fees, summed in fen, as a printable page or an XLSX file.
struct StatementController {
    struct SummaryContent: Encodable {
        let owners: [RegistrationController.Option]
        let owner: String
        let month: String
        let clients: [Client]
        let total: String
        let flagged: Int
    }

    struct Client: Encodable {
        let id: String
        let name: String
        let lines: Int
        let minutes: Int
        let total: String
    }

    struct StatementContent: Encodable {
        let owner: String
        let client: String
        let month: String
        let lines: [Line]
        let total: String
        let xlsxURL: String
    }

    struct Line: Encodable {
        let date: String
        let instrument: String
        let user: String
        let slot: String
        let minutes: Int
        let samples: Int
        let fee: String
        let flag: String?
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "instruments", "statements", access: .signedIn, use: summary)
        r.on(.GET, "instruments", "statements", ":id", access: .signedIn, use: statement)
    }

    /// The owner unit asked for, if the user is its member (or staff).
    static func owner(_ req: Request) async throws -> (OrganizationRecord, [OrganizationRecord]) {
        let me = try req.requireUser()
        let mine = try await req.instrumentStore.statementOwners(userID: me.id, staff: me.role.isStaff)
        let wanted = (try? req.query.get(String.self, at: "owner")).flatMap(UUID.init(uuidString:))
        guard let org = wanted.flatMap({ w in mine.first { $0.id == w } }) ?? (wanted == nil ? mine.first : nil) else { throw DomainError.notFound("organization") }
        return (org, mine)
    }

    /// "2026-11" → the month's [start, end) in Beijing time; the current month by default.
    static func month(_ req: Request) throws -> (String, Date, Date) {
        try month((try? req.query.get(String.self, at: "month")) ?? String(ChinaTime.dateString(req.now).prefix(7)))
    }

    static func month(_ raw: String) throws -> (String, Date, Date) {
        guard raw.count == 7, let y = Int(raw.prefix(4)), let m = Int(raw.suffix(2)), (1...12).contains(m), (2000...2100).contains(y),
              let start = try? Request.beijing(date: raw + "-01", time: "00:00", dateField: "month", timeField: "month") else {
            throw DomainError.invalid("month", "statement.bad_month")
        }
        let next = m == 12 ? String(format: "%04d-01", y + 1) : String(format: "%04d-%02d", y, m + 1)
        let end = try Result { () throws(ValidationErrors) in try Request.beijing(date: next + "-01", time: "00:00", dateField: "month", timeField: "month") }.get()
        return (raw, start, end)
    }

    static func usage(_ req: Request, owner: OrganizationRecord, from: Date, to: Date) async throws -> ([UsageRecord], [UUID: InstrumentRecord]) {
        try await req.instrumentStore.ownerUsage(ownerID: owner.id!, from: from, to: to)
    }

    static func clientKey(_ u: UsageRecord) -> UUID { u.userOrgID ?? u.userID }

    static func clientNames(_ req: Request, _ usage: [UsageRecord]) async throws -> [UUID: String] {
        var names = try await req.instrumentStore.organizationNames(Set(usage.compactMap(\.userOrgID)))
        let users = try await req.instrumentStore.userNames(Set(usage.filter { $0.userOrgID == nil }.map(\.userID)))
        for (k, v) in users { names[k] = req.t("statement_individual", ["name": v]) }
        return names
    }

    @Sendable func summary(req: Request) async throws -> View {
        let (org, mine) = try await Self.owner(req)
        let (month, from, to) = try Self.month(req)
        let (usage, _) = try await Self.usage(req, owner: org, from: from, to: to)
        let names = try await Self.clientNames(req, usage)
        let groups = Dictionary(grouping: usage, by: Self.clientKey)
        let clients = groups.map { k, lines in
            Client(id: k.uuidString, name: names[k] ?? "", lines: lines.count, minutes: lines.reduce(0) { $0 + $1.minutes },
                   total: Money(fen: lines.reduce(0) { $0 + $1.feeFen }).display)
        }.sorted { $0.name < $1.name }
        return try await req.page("instruments/statements", titleKey: "statements_title", content: SummaryContent(
            owners: mine.map { .init(value: $0.id!.uuidString, label: $0.name) }, owner: org.id!.uuidString, month: month, clients: clients,
            total: Money(fen: usage.reduce(0) { $0 + $1.feeFen }).display, flagged: usage.filter { $0.gapFlag != nil }.count))
    }

    @Sendable func statement(req: Request) async throws -> Response {
        let (org, _) = try await Self.owner(req)
        let (month, from, to) = try Self.month(req)
        guard let client = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("statement") }
        let (all, instruments) = try await Self.usage(req, owner: org, from: from, to: to)
        let usage = all.filter { Self.clientKey($0) == client }
        let names = try await Self.clientNames(req, usage)
        let users = try await req.instrumentStore.userNames(Set(usage.map(\.userID)))
        let lines = usage.map { u in
            Line(date: ChinaTime.dateString(u.startAt), instrument: instruments[u.instrumentID].map { "\($0.name) \($0.model)" } ?? "", user: users[u.userID] ?? "",
                 slot: String(ChinaTime.display(u.startAt).suffix(5)) + "–" + String(ChinaTime.display(u.endAt).suffix(5)), minutes: u.minutes, samples: u.samples,
                 fee: Money(fen: u.feeFen).plainYuan, flag: u.gapFlag.map { req.t("gap_\($0)") })
        }
        let total = Money(fen: usage.reduce(0) { $0 + $1.feeFen })
        let clientName = names[client] ?? ""
        if (try? req.query.get(String.self, at: "format")) == "xlsx" {
            let header = ["date", "instrument", "user", "time", "minutes", "samples", "fee_yuan", "flag"].map { req.t("statement_col_\($0)") }
            var rows: [[XLSXWriter.Cell]] = lines.map { [.text($0.date), .text($0.instrument), .text($0.user), .text($0.slot), .number(String($0.minutes)),
                                                         .number(String($0.samples)), .number($0.fee), $0.flag.map { .text($0) } ?? .empty] }
            rows.append([.text(req.t("statement_total")), .empty, .empty, .empty, .number(String(lines.reduce(0) { $0 + $1.minutes })), .empty, .number(total.plainYuan), .empty])
            let data = try XLSXWriter.workbook(sheetName: month, header: header, rows: rows)
            return .xlsx(data, filename: "statement-\(month)-\(client.uuidString.prefix(8)).xlsx")
        }
        let view = try await req.page("instruments/statement", titleKey: "statement_title", titleArgs: ["client": clientName, "month": month], content: StatementContent(
            owner: org.name, client: clientName, month: month, lines: lines, total: total.display,
            xlsxURL: "/instruments/statements/\(client.uuidString)?owner=\(org.id!.uuidString)&month=\(month)&format=xlsx"))
        return try await view.encodeResponse(for: req)
    }
}
