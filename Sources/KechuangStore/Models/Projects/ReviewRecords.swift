import FluentKit
import Foundation

/// A user in the expert pool (专家库) with the fields they review.
public final class ExpertProfileRecord: Model, @unchecked Sendable {
    public static let schema = "project_experts"

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "fields") public var fields: String
    @Field(key: "title") public var title: String
    @Field(key: "active") public var active: Bool
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
    public var fieldSet: Set<String> { Set(fields.split(separator: ",").map(String.init)) }
}

/// A conflict of interest an expert declared (回避): an organisation or a person they must not review.
public final class ExpertConflictRecord: Model, @unchecked Sendable {
    public static let schema = "project_expert_conflicts"

    @ID(key: .id) public var id: UUID?
    @Field(key: "expert_user_id") public var expertUserID: UUID
    @OptionalField(key: "organization_id") public var organizationID: UUID?
    @OptionalField(key: "person_user_id") public var personUserID: UUID?
    @Field(key: "label") public var label: String
    @Field(key: "reason") public var reason: String
    @Field(key: "declared_at") public var declaredAt: Date

    public init() {}
}

/// An expert assigned to review an application.
public final class ReviewAssignmentRecord: Model, @unchecked Sendable {
    public static let schema = "project_review_assignments"

    @ID(key: .id) public var id: UUID?
    @Field(key: "call_id") public var callID: UUID
    @Field(key: "application_id") public var applicationID: UUID
    @Field(key: "expert_user_id") public var expertUserID: UUID
    @Field(key: "assigned_at") public var assignedAt: Date

    public init() {}
}

/// An expert's score sheet: a score per criterion (0–100) and the weighted total in hundredths; final once sent.
public final class ReviewSheetRecord: Model, @unchecked Sendable {
    public static let schema = "project_review_sheets"

    @ID(key: .id) public var id: UUID?
    @Field(key: "assignment_id") public var assignmentID: UUID
    @Field(key: "application_id") public var applicationID: UUID
    @Field(key: "expert_user_id") public var expertUserID: UUID
    @Field(key: "scores_json") public var scoresJSON: String
    @Field(key: "total") public var total: Int
    @Field(key: "comment") public var comment: String
    @Field(key: "submitted_at") public var submittedAt: Date

    public init() {}
    public var scores: [String: Int] { (try? JSONDecoder().decode([String: Int].self, from: Data(scoresJSON.utf8))) ?? [:] }
}
