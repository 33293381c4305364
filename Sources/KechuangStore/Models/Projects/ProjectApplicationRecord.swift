import FluentKit
import Foundation
import KechuangCore

/// An application to a call: drafted by a member of the applying organisation, checked by the engine, signed
/// (科研诚信承诺) and submitted; from then on frozen, with the submitted copy kept as it was.
public final class ProjectApplicationRecord: Model, @unchecked Sendable {
    public static let schema = "project_applications"

    @ID(key: .id) public var id: UUID?
    @Field(key: "call_id") public var callID: UUID
    @Field(key: "organization_id") public var organizationID: UUID
    /// The member who drafts it; the project leader (负责人).
    @Field(key: "applicant_id") public var applicantID: UUID
    @Field(key: "leader_name") public var leaderName: String
    @Field(key: "title") public var title: String
    @Field(key: "field") public var field: String
    @Field(key: "objectives") public var objectives: String
    /// Team lines (`ApplicationContent.team`).
    @Field(key: "team") public var team: String
    /// Milestone lines (`ApplicationContent.milestones`).
    @Field(key: "milestones") public var milestones: String
    @Field(key: "duration_months") public var durationMonths: Int
    @Field(key: "equipment_fen") public var equipmentFen: Int64
    @Field(key: "business_fen") public var businessFen: Int64
    @Field(key: "labour_fen") public var labourFen: Int64
    @Field(key: "indirect_fen") public var indirectFen: Int64
    @Field(key: "self_funds_fen") public var selfFundsFen: Int64
    @OptionalField(key: "commitment_signed_at") public var commitmentSignedAt: Date?
    @Field(key: "state") public var state: String
    @OptionalField(key: "state_reason") public var stateReason: String?
    @OptionalField(key: "submitted_at") public var submittedAt: Date?
    /// The application as submitted (JSON), shown to reviewers and kept for the record.
    @OptionalField(key: "submitted_copy") public var submittedCopy: String?
    @OptionalField(key: "check_version") public var checkVersion: String?
    /// The trimmed mean in hundredths and the place, once ranked.
    @OptionalField(key: "score") public var score: Int?
    @OptionalField(key: "rank") public var rank: Int?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var applicationState: ApplicationState { ApplicationState(rawValue: state) ?? .draft }
    public var budget: ProjectBudget {
        ProjectBudget(equipmentFen: equipmentFen, businessFen: businessFen, labourFen: labourFen, indirectFen: indirectFen, selfFundsFen: selfFundsFen)
    }
    public var teamMembers: [TeamMember] { (try? ApplicationContent.team(team)) ?? [] }
    public var milestonePlans: [MilestonePlan] { (try? ApplicationContent.milestones(milestones)) ?? [] }
}

/// One step in the life of an application or a project, as its people see it.
public final class ProjectStepRecord: Model, @unchecked Sendable {
    public static let schema = "project_steps"

    @ID(key: .id) public var id: UUID?
    /// `application` or `project`.
    @Field(key: "subject_type") public var subjectType: String
    @Field(key: "subject_id") public var subjectID: UUID
    @Field(key: "action") public var action: String
    @Field(key: "from_state") public var fromState: String
    @Field(key: "to_state") public var toState: String
    @Field(key: "actor_name") public var actorName: String
    @Field(key: "note") public var note: String
    @Field(key: "at") public var at: Date

    public init() {}
}
