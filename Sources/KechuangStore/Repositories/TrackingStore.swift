import FluentKit
import Foundation
import KechuangCore

/// Assignments (article × responsible unit) and their progress reports.
public struct TrackingStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public struct Assignment: Sendable {
        public let article: PolicyArticleRecord
        public let unit: OrganizationRecord
        public let lead: Bool
        public let latest: ProgressReportRecord?
    }

    /// Every article × unit of the document, with the latest report of each (one query per table).
    public func assignments(documentID: String) async throws -> [Assignment] {
        let units = try await ArticleUnitRecord.query(on: db).join(PolicyArticleRecord.self, on: \ArticleUnitRecord.$article.$id == \PolicyArticleRecord.$id)
            .filter(PolicyArticleRecord.self, \.$documentID == documentID).with(\.$article).with(\.$organization).all()
        let reports = try await ProgressReportRecord.query(on: db).sort(\.$reportDate).sort(\.$createdAt).all()
        var latest: [String: ProgressReportRecord] = [:]
        for r in reports { latest["\(r.articleNumber)/\(r.$organization.id)"] = r }
        return units.sorted { ($0.article.number, $0.position) < ($1.article.number, $1.position) }.map {
            Assignment(article: $0.article, unit: $0.organization, lead: $0.position == 0, latest: latest["\($0.article.number)/\($0.$organization.id)"])
        }
    }

    public func reports(article: Int) async throws -> [ProgressReportRecord] {
        try await ProgressReportRecord.query(on: db).filter(\.$articleNumber == article).with(\.$organization).with(\.$attachments)
            .sort(\.$reportDate, .descending).sort(\.$createdAt, .descending).all()
    }

    public struct Attachment: Sendable {
        public let filename: String
        public let contentType: String
        public let content: Data
        public init(filename: String, contentType: String, content: Data) {
            self.filename = filename
            self.contentType = contentType
            self.content = content
        }
    }

    struct ReportSnapshot: Codable {
        let article: Int
        let unit: String
        let status: String
        let percent: Int
        let date: String
        let attachments: [String]
    }

    public func file(article: Int, unit: OrganizationRecord, status: TaskState.Status, percent: Int, text: String, date: Day,
                     attachments: [Attachment], actor: Actor) async throws {
        try await db.transaction { tx in
            let r = ProgressReportRecord()
            r.articleNumber = article
            r.$organization.id = unit.id!
            r.status = status.rawValue
            r.percent = percent
            r.text = text
            r.reportDate = date.description
            r.createdByName = actor.name
            try await r.create(on: tx)
            for a in attachments {
                let f = ReportAttachmentRecord()
                f.$report.id = r.id!
                f.filename = a.filename
                f.contentType = a.contentType
                f.content = a.content
                try await f.create(on: tx)
            }
            try await AuditTrail.record(on: tx, actor: actor, action: "progress_report.create", entityType: "progress_report", entityID: r.id!.uuidString,
                                        before: Optional<ReportSnapshot>.none,
                                        after: ReportSnapshot(article: article, unit: unit.name, status: status.rawValue, percent: percent,
                                                              date: date.description, attachments: attachments.map(\.filename)))
        }
    }

    public func attachment(_ id: UUID) async throws -> ReportAttachmentRecord? {
        try await ReportAttachmentRecord.query(on: db).filter(\.$id == id).with(\.$report).first()
    }
}
