import FluentKit
import Foundation

/// An application for classification (分类认定): what the engine computed when it was filed, and the staff decision
/// with its reason and the rule-base version, so later rule changes never alter it.
public final class TalentClassificationRecord: Model, @unchecked Sendable {
    public static let schema = "talent_classifications"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "talent_id") public var talent: TalentRecord
    /// submitted, confirmed, rejected.
    @Field(key: "state") public var state: String
    @OptionalField(key: "computed_category") public var computedCategory: String?
    /// Criteria met, as rule ids, comma-separated.
    @Field(key: "criteria_met") public var criteriaMet: String
    @Field(key: "inputs_json") public var inputsJSON: String
    @Field(key: "rule_base_version") public var ruleBaseVersion: String
    @Field(key: "applicant_note") public var applicantNote: String
    @OptionalField(key: "decided_category") public var decidedCategory: String?
    @OptionalField(key: "decision_reason") public var decisionReason: String?
    @OptionalField(key: "decision_version") public var decisionVersion: String?
    @OptionalField(key: "decided_by_name") public var decidedByName: String?
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
}
