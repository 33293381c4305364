import FluentKit
import Foundation

/// An organisation's application for an award, with what the engine computed when it applied and the decision.
///
/// Both the submission and the decision keep the rule-base version, the inputs and the amount in fen, so a
/// later change of rules or data never changes what was decided.
public final class ApplicationRecord: Model, @unchecked Sendable {
    public static let schema = "policy_applications"

    public enum Status: String, Sendable, CaseIterable { case submitted, approved, rejected, withdrawn }

    @ID(key: .id) public var id: UUID?
    @Parent(key: "organization_id") public var organization: OrganizationRecord
    @Field(key: "rule_id") public var ruleID: String
    @Field(key: "rule_title") public var ruleTitle: String
    @Field(key: "article") public var article: Int
    @Field(key: "data_year") public var dataYear: Int
    @Field(key: "evaluation_date") public var evaluationDate: String
    @Field(key: "status") public var statusRaw: String
    @OptionalField(key: "computed_amount_fen") public var computedAmountFen: Int64?
    @Field(key: "provisional") public var provisional: Bool
    @Field(key: "rule_base_version") public var ruleBaseVersion: String
    /// Inputs used, with each value's source, as JSON.
    @Field(key: "inputs_json") public var inputsJSON: String
    /// The conditions with their values when the application was made, as JSON.
    @Field(key: "trace_json") public var traceJSON: String
    @Field(key: "submitted_by_name") public var submittedByName: String
    @Field(key: "submitted_at") public var submittedAt: Date
    @OptionalField(key: "decided_by_name") public var decidedByName: String?
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @OptionalField(key: "decided_amount_fen") public var decidedAmountFen: Int64?
    @OptionalField(key: "decision_reason") public var decisionReason: String?
    @OptionalField(key: "decision_rule_base_version") public var decisionRuleBaseVersion: String?
    @OptionalField(key: "decision_inputs_json") public var decisionInputsJSON: String?

    public init() {}

    public var status: Status { Status(rawValue: statusRaw) ?? .submitted }
}
