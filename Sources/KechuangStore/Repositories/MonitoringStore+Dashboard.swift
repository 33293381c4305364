import FluentKit
import Foundation
import KechuangCore

/// The leadership dashboard's memory: when the last report was issued, and what came in since.
extension MonitoringStore {
    static let reportIssuedKey = "dashboard_last_report_at"

    public func lastReportIssued() async throws -> Date? {
        try await PlatformSettingRecord.find(Self.reportIssuedKey, on: db).flatMap { ChinaTime.parseISO($0.value) }
    }

    /// Records that the report was issued at `at`; the next dashboard lists changes after this moment.
    public func markReportIssued(at: Date, actor: Actor) async throws {
        let stamp = ChinaTime.iso(at)
        try await db.transaction { tx in
            if let existing = try await PlatformSettingRecord.find(Self.reportIssuedKey, on: tx) {
                existing.value = stamp
                try await existing.update(on: tx)
            } else {
                try await PlatformSettingRecord(key: Self.reportIssuedKey, value: stamp).create(on: tx)
            }
            try await AuditTrail.event(on: tx, actor: actor, action: "dashboard.issued", entityType: "platform", entityID: "dashboard", detail: ["at": stamp])
        }
    }

    /// Values entered and implementation reports filed after `since`, oldest first (reports with their unit).
    public func changes(since: Date) async throws -> (values: [IndicatorValueRecord], reports: [ProgressReportRecord]) {
        (try await IndicatorValueRecord.query(on: db).filter(\.$createdAt > since).sort(\.$createdAt).all(),
         try await ProgressReportRecord.query(on: db).filter(\.$createdAt > since).with(\.$organization).sort(\.$createdAt).all())
    }
}
