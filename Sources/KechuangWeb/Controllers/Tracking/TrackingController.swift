import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Implementation tracking of the 30 articles: each responsible unit's task, its reports and evidence,
/// overdue and stale flags, the article × unit matrix, an XLSX export and a printable A4 report.
struct TrackingController {
    /// Tasks are due at the end of the first target period (一、总体要求: 2027); units report at least quarterly.
    static let due = Day("2027-12-31")!
    static let interval = 90

    struct Cell: Encodable {
        let unitID: String
        let unit: String
        let lead: Bool
        let status: String
        let statusLabel: String
        let percent: Int
        let lastReport: String?
        let overdue: Bool
        let stale: Bool
    }

    struct Row: Encodable {
        let number: Int
        let numeral: String
        let title: String
        let cells: [Cell]
    }

    struct MatrixContent: Encodable {
        let rows: [Row]
        let counts: [Count]
        let flagged: Int
        let filter: String
        let mine: Bool
        let today: String
        /// Art. 18 green-channel requests per responsible unit: open, overdue, completed (late), refused.
        var services: [ServiceRequestController.CountRow] = []
    }

    struct Count: Encodable {
        let label: String
        let value: Int
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "tracking", access: .staff, use: matrix)
        r.on(.GET, "tracking", "mine", access: .staff, use: mine)
        r.on(.GET, "tracking", "report", access: .staff, use: printable)
        r.on(.GET, "tracking", "export.xlsx", access: .staff, use: export)
    }

    static func today(_ req: Request) -> Day { req.today }

    static func rows(_ req: Request, onlyUnits: Set<UUID>? = nil, filter: String = "") async throws -> [Row] {
        let assignments = try await TrackingStore(db: req.db).assignments(documentID: req.services.policyDocumentID)
        let today = Self.today(req)
        let grouped = Dictionary(grouping: assignments, by: { $0.article.number })
        return grouped.keys.sorted().compactMap { n in
            let list = grouped[n]!
            let cells = list.compactMap { a -> Cell? in
                if let only = onlyUnits, !only.contains(a.unit.id!) { return nil }
                let latest = a.latest.flatMap { r in TaskState.Status(rawValue: r.status).flatMap { s in Day(r.reportDate).map { (s, r.percent, $0) } } }
                let state = TaskState.assess(latest: latest, due: due, today: today, interval: interval)
                if filter == "flagged" && !(state.overdue || state.stale) { return nil }
                if let s = TaskState.Status(rawValue: filter), state.status != s { return nil }
                return Cell(unitID: a.unit.id!.uuidString, unit: a.unit.name, lead: a.lead, status: state.status.rawValue,
                            statusLabel: req.t("task_\(state.status.rawValue)"), percent: state.percent, lastReport: state.lastReport?.description,
                            overdue: state.overdue, stale: state.stale)
            }
            guard !cells.isEmpty else { return nil }
            return Row(number: n, numeral: list[0].article.numeral, title: list[0].article.title, cells: cells)
        }
    }

    func content(_ rows: [Row], req: Request, filter: String, mine: Bool) -> MatrixContent {
        let cells = rows.flatMap(\.cells)
        let counts = TaskState.Status.allCases.map { s in Count(label: req.t("task_\(s.rawValue)"), value: cells.filter { $0.status == s.rawValue }.count) }
        return MatrixContent(rows: rows, counts: counts, flagged: cells.filter { $0.overdue || $0.stale }.count, filter: filter, mine: mine,
                             today: Self.today(req).description)
    }

    @Sendable func matrix(req: Request) async throws -> View {
        let filter = (try? req.query.get(String.self, at: "filter")) ?? ""
        let rows = try await Self.rows(req, filter: filter)
        var c = content(rows, req: req, filter: filter, mine: false)
        c.services = try await ServiceRequestStore(db: req.db).countsByUnit().map {
            ServiceRequestController.CountRow(unit: $0.unit, open: $0.open, overdue: $0.overdue, completed: $0.completed, completedLate: $0.completedLate, refused: $0.refused)
        }
        return try await req.page("tracking/matrix", titleKey: "tracking_title", content: c)
    }

    /// What a department sees on signing in: its own tasks.
    @Sendable func mine(req: Request) async throws -> View {
        let me = try req.requireUser()
        let units = Set(try await req.accounts.organizations(of: me.id).filter { $0.kind == .department }.compactMap(\.id))
        let rows = try await Self.rows(req, onlyUnits: units)
        return try await req.page("tracking/matrix", titleKey: "tracking_mine_title", content: content(rows, req: req, filter: "", mine: true))
    }

    @Sendable func printable(req: Request) async throws -> View {
        let rows = try await Self.rows(req)
        return try await req.page("tracking/report", titleKey: "tracking_report_title", content: content(rows, req: req, filter: "", mine: false))
    }

    @Sendable func export(req: Request) async throws -> Response {
        let rows = try await Self.rows(req)
        let units = Array(Set(rows.flatMap { $0.cells.map(\.unit) })).sorted()
        let header = [req.t("tracking_article"), req.t("tracking_article_title")] + units
        let data: [[XLSXWriter.Cell]] = rows.map { row in
            let byUnit = Dictionary(row.cells.map { ($0.unit, $0) }, uniquingKeysWith: { a, _ in a })
            return [.number(String(row.number)), .text(row.title)] + units.map { u in
                guard let c = byUnit[u] else { return .empty }
                var s = "\(c.statusLabel) \(c.percent)%"
                if c.lead { s = req.t("lead_unit") + " · " + s }
                if c.overdue { s += " · " + req.t("task_overdue") }
                if c.stale { s += " · " + req.t("task_stale") }
                return .text(s)
            }
        }
        let xlsx = try XLSXWriter.workbook(sheetName: req.t("tracking_title"), header: header, rows: data)
        return .xlsx(xlsx, filename: "tracking-\(Self.today(req)).xlsx")
    }
}
