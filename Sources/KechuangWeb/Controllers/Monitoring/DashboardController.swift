import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The leadership dashboard: one printable A4 page with the targets and their status, the banner ranking,
/// the implementation summary, and what changed since the last report was issued.
struct DashboardController {
    static let markKey = "dashboard_last_report_at"

    struct PageContent: Encodable {
        let today: String
        let targets: [TargetLine]
        let banners: [BannerLine]
        let tracking: [TrackingController.Count]
        let flagged: [String]
        let since: String?
        let changes: [String]
        let canMark: Bool
    }

    struct TargetLine: Encodable {
        let name: String
        let goal: String
        let latest: String
        let status: String
        let statusLabel: String
        let source: String
    }

    struct BannerLine: Encodable {
        let rank: String
        let banner: String
        let total: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "dashboard", access: .staff, use: page)
        r.on(.POST, "dashboard", "issued", access: .admin, use: markIssued)
    }

    @Sendable func page(req: Request) async throws -> View {
        let targets = try await MonitoringController.targets(req: req).map { t in
            TargetLine(name: t.name, goal: "\(t.goal) · \(t.year)", latest: t.latest.map { "\($0) (\(t.latestYear ?? 0))" } ?? "—",
                       status: t.status, statusLabel: t.statusLabel, source: t.latestSource ?? (t.missingNote ?? ""))
        }
        let (_, banners) = try await BannerIndexController().build(req)
        let rows = try await TrackingController.rows(req)
        let cells = rows.flatMap(\.cells)
        let counts = TaskState.Status.allCases.map { s in TrackingController.Count(label: req.t("task_\(s.rawValue)"), value: cells.filter { $0.status == s.rawValue }.count) }
        let flagged = rows.flatMap { r in r.cells.filter(\.overdue).map { "(\(r.numeral)) \($0.unit)" } }
        let mark = try await PlatformSettingRecord.find(Self.markKey, on: req.db)
        let since = mark.flatMap { ISO8601DateFormatter().date(from: $0.value) }
        var changes: [String] = []
        if let since {
            for v in try await IndicatorValueRecord.query(on: req.db).filter(\.$createdAt > since).sort(\.$createdAt).all() {
                changes.append(req.t("dashboard_change_value", ["name": v.indicator ?? v.rawName, "region": v.region, "year": String(v.year), "value": v.value]))
            }
            for r in try await ProgressReportRecord.query(on: req.db).filter(\.$createdAt > since).with(\.$organization).sort(\.$createdAt).all() {
                changes.append(req.t("dashboard_change_report", ["article": String(r.articleNumber), "unit": r.organization.name, "percent": String(r.percent)]))
            }
        }
        return try await req.page("monitoring/dashboard", titleKey: "dashboard_title", content: PageContent(
            today: ChinaTime.dateString(req.now), targets: targets,
            banners: banners.rows.map { BannerLine(rank: $0.rank, banner: $0.banner, total: $0.total) },
            tracking: counts, flagged: Array(flagged.prefix(15)), since: since.map(ChinaTime.display), changes: changes,
            canMark: req.currentUser?.role == .admin), forms: true)
    }

    /// Records that the report was issued now; the next dashboard lists changes after this moment.
    @Sendable func markIssued(req: Request) async throws -> Response {
        let now = ChinaTime.iso(req.now)
        try await req.db.transaction { tx in
            if let existing = try await PlatformSettingRecord.find(Self.markKey, on: tx) {
                existing.value = now
                try await existing.update(on: tx)
            } else {
                try await PlatformSettingRecord(key: Self.markKey, value: now).create(on: tx)
            }
            try await AuditTrail.event(on: tx, actor: req.actor, action: "dashboard.issued", entityType: "platform", entityID: "dashboard", detail: ["at": now])
        }
        req.flash("flash_dashboard_issued")
        return req.redirect(to: "/dashboard", redirectType: .normal)
    }
}
