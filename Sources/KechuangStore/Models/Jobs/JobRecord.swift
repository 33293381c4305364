import FluentKit
import Foundation

/// A long-running task (a 免申即享 batch run, an export) whose state lives in the database, so any server
/// process can claim it and a page reload shows where it is.
public final class JobRecord: Model, @unchecked Sendable {
    public static let schema = "jobs"

    public enum Status: String, Sendable, CaseIterable { case queued, running, done, failed }

    @ID(key: .id) public var id: UUID?
    @Field(key: "kind") public var kind: String
    @Field(key: "status") public var statusRaw: String
    @Field(key: "params_json") public var paramsJSON: String
    @Field(key: "total") public var total: Int
    @Field(key: "processed") public var processed: Int
    @OptionalField(key: "summary_json") public var summaryJSON: String?
    @OptionalField(key: "error") public var error: String?
    @Field(key: "created_by_name") public var createdByName: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "started_at") public var startedAt: Date?
    @OptionalField(key: "finished_at") public var finishedAt: Date?
    @OptionalField(key: "claimed_by") public var claimedBy: String?

    public init() {}

    public var status: Status { Status(rawValue: statusRaw) ?? .queued }
    public var percent: Int { total > 0 ? min(100, processed * 100 / total) : (status == .done ? 100 : 0) }
}

/// A file a job produced (CSV, XLSX), kept with the job for download.
public final class JobOutputRecord: Model, @unchecked Sendable {
    public static let schema = "job_outputs"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "job_id") public var job: JobRecord
    @Field(key: "name") public var name: String
    @Field(key: "content_type") public var contentType: String
    @Field(key: "content") public var content: Data

    public init() {}

    public init(jobID: UUID, name: String, contentType: String, content: Data) {
        self.$job.id = jobID
        self.name = name
        self.contentType = contentType
        self.content = content
    }
}
