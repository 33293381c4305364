import FluentKit
import Foundation

/// A responsible unit's report on carrying out one article: status, percent, what was done, evidence.
public final class ProgressReportRecord: Model, @unchecked Sendable {
    public static let schema = "progress_reports"

    @ID(key: .id) public var id: UUID?
    @Field(key: "article_number") public var articleNumber: Int
    @Parent(key: "organization_id") public var organization: OrganizationRecord
    @Field(key: "status") public var status: String
    @Field(key: "percent") public var percent: Int
    @Field(key: "text") public var text: String
    /// The date the report speaks for (calendar date, Beijing).
    @Field(key: "report_date") public var reportDate: String
    @Field(key: "created_by_name") public var createdByName: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Children(for: \.$report) public var attachments: [ReportAttachmentRecord]

    public init() {}
}

/// Evidence attached to a progress report (a document, a photo), kept in the database with the report.
public final class ReportAttachmentRecord: Model, @unchecked Sendable {
    public static let schema = "report_attachments"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "report_id") public var report: ProgressReportRecord
    @Field(key: "filename") public var filename: String
    @Field(key: "content_type") public var contentType: String
    @Field(key: "content") public var content: Data

    public init() {}
}
