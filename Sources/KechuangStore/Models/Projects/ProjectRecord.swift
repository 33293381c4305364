import FluentKit
import Foundation
import KechuangCore

/// A project under its 任务书, made from an approved application (or a 揭榜挂帅/赛马 award).
public final class ProjectRecord: Model, @unchecked Sendable {
    public static let schema = "projects"

    @ID(key: .id) public var id: UUID?
    @Field(key: "code") public var code: String
    @OptionalField(key: "application_id") public var applicationID: UUID?
    @Field(key: "call_id") public var callID: UUID
    @Field(key: "organization_id") public var organizationID: UUID
    @Field(key: "leader_id") public var leaderID: UUID
    @Field(key: "leader_name") public var leaderName: String
    @Field(key: "title") public var title: String
    @Field(key: "field") public var field: String
    @Field(key: "state") public var state: String
    @Field(key: "selection_mode") public var selectionMode: String
    @Field(key: "funding_mode") public var fundingMode: String
    @Field(key: "equipment_fen") public var equipmentFen: Int64
    @Field(key: "business_fen") public var businessFen: Int64
    @Field(key: "labour_fen") public var labourFen: Int64
    @Field(key: "indirect_fen") public var indirectFen: Int64
    @Field(key: "self_funds_fen") public var selfFundsFen: Int64
    /// Team lines, copied from the application (payees on the team are checked against them).
    @Field(key: "team") public var team: String
    @Field(key: "starts_on") public var startsOn: String
    @Field(key: "ends_on") public var endsOn: String
    @Field(key: "midterm_passed") public var midtermPassed: Bool
    @OptionalField(key: "outcome") public var outcome: String?
    @OptionalField(key: "grade") public var grade: String?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var projectState: ProjectState { ProjectState(rawValue: state) ?? .executing }
    public var selection: SelectionMode { SelectionMode(rawValue: selectionMode) ?? .competitive }
    public var funding: FundingMode { FundingMode(rawValue: fundingMode) ?? .budget }
    public var budget: ProjectBudget {
        ProjectBudget(equipmentFen: equipmentFen, businessFen: businessFen, labourFen: labourFen, indirectFen: indirectFen, selfFundsFen: selfFundsFen)
    }
    public var teamMembers: [TeamMember] { (try? ApplicationContent.team(team)) ?? [] }
}

/// A milestone of a project with its measurable deliverable and the staff review.
public final class ProjectMilestoneRecord: Model, @unchecked Sendable {
    public static let schema = "project_milestones"

    @ID(key: .id) public var id: UUID?
    @Field(key: "project_id") public var projectID: UUID
    @Field(key: "seq") public var seq: Int
    @Field(key: "name") public var name: String
    @Field(key: "deliverable") public var deliverable: String
    @Field(key: "due") public var due: String
    /// open, passed, failed
    @Field(key: "state") public var state: String
    @OptionalField(key: "review_note") public var reviewNote: String?
    @OptionalField(key: "reviewed_by_name") public var reviewedByName: String?
    @OptionalField(key: "reviewed_at") public var reviewedAt: Date?

    public init() {}
}
