import FluentKit
import Foundation

/// A training record: the user may book instruments that require a qualification.
public final class TrainingRecord: Model, @unchecked Sendable {
    public static let schema = "instrument_trainings"

    @ID(key: .id) public var id: UUID?
    @Field(key: "instrument_id") public var instrumentID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "granted_by") public var grantedBy: UUID
    @Field(key: "note") public var note: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
}

/// A place in the waiting list for a slot that was taken; offered to the first in line when it frees.
public final class WaitlistRecord: Model, @unchecked Sendable {
    public static let schema = "booking_waitlist"

    @ID(key: .id) public var id: UUID?
    @Field(key: "instrument_id") public var instrumentID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "start_at") public var startAt: Date
    @Field(key: "end_at") public var endAt: Date
    /// waiting, offered, booked, expired, withdrawn.
    @Field(key: "status") public var status: String
    @OptionalField(key: "offered_until") public var offeredUntil: Date?
    @OptionalField(key: "booking_id") public var bookingID: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
}

/// What actually happened on an instrument: the basis of fees, statements and the sharing evaluation.
public final class UsageRecord: Model, @unchecked Sendable {
    public static let schema = "usage_records"

    @ID(key: .id) public var id: UUID?
    @Field(key: "instrument_id") public var instrumentID: UUID
    @OptionalField(key: "booking_id") public var bookingID: UUID?
    @Field(key: "user_id") public var userID: UUID
    @OptionalField(key: "user_org_id") public var userOrgID: UUID?
    @Field(key: "external") public var external: Bool
    @Field(key: "operator") public var operatorName: String
    @Field(key: "start_at") public var startAt: Date
    @Field(key: "end_at") public var endAt: Date
    @Field(key: "minutes") public var minutes: Int
    @Field(key: "samples") public var samples: Int
    /// research, teaching, testing_service, legal_certification, commercial_inspection.
    @Field(key: "purpose") public var purpose: String
    @Field(key: "notes") public var notes: String
    @Field(key: "fee_fen") public var feeFen: Int64
    @OptionalField(key: "booked_minutes") public var bookedMinutes: Int?
    /// "over" (much longer than booked) or "under" (much shorter); nil when in line.
    @OptionalField(key: "gap_flag") public var gapFlag: String?
    @OptionalField(key: "rating") public var rating: Int?
    @OptionalField(key: "rating_comment") public var ratingComment: String?
    @Field(key: "recorded_by") public var recordedBy: UUID
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
}

/// A proposed purchase under 查重评议, with the findings frozen when it was submitted.
public final class PurchaseReviewRecord: Model, @unchecked Sendable {
    public static let schema = "purchase_reviews"

    @ID(key: .id) public var id: UUID?
    @Field(key: "organization_id") public var organizationID: UUID
    @Field(key: "submitted_by") public var submittedBy: UUID
    @Field(key: "name") public var name: String
    @Field(key: "model") public var model: String
    @Field(key: "class_code") public var classCode: String
    @Field(key: "key_specs") public var keySpecs: String
    @Field(key: "budget_fen") public var budgetFen: Int64
    @Field(key: "funding_source") public var fundingSource: String
    @Field(key: "fiscal_share") public var fiscalShare: String
    @Field(key: "justification") public var justification: String
    /// submitted or decided.
    @Field(key: "status") public var status: String
    @Field(key: "findings_json") public var findingsJSON: String
    @Field(key: "rule_base_version") public var ruleBaseVersion: String
    @OptionalField(key: "opinion") public var opinion: String?
    /// recommend, not_recommend or conditional.
    @OptionalField(key: "decision") public var decision: String?
    @OptionalField(key: "decided_by") public var decidedBy: UUID?
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
}

/// The secret token of a user's personal calendar feed (the URL is the credential, so it can be reset).
public final class CalendarFeedRecord: Model, @unchecked Sendable {
    public static let schema = "calendar_feeds"

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "token") public var token: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
}
