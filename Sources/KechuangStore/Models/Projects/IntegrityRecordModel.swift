import FluentKit
import Foundation
import KechuangCore

/// A research-misconduct record (科研失信记录): who, which category of the 2022 rules, how serious, the sanction and
/// ban period, the decision and its evidence. Never deleted: a record is closed with a reason, and the close is audited.
public final class IntegrityCaseRecord: Model, @unchecked Sendable {
    public static let schema = "integrity_records"

    @ID(key: .id) public var id: UUID?
    @Field(key: "subject") public var subject: String
    @OptionalField(key: "user_id") public var userID: UUID?
    @OptionalField(key: "organization_id") public var organizationID: UUID?
    @Field(key: "subject_name") public var subjectName: String
    @Field(key: "category") public var category: String
    @Field(key: "severity") public var severity: String
    @Field(key: "finding") public var finding: String
    @Field(key: "sanction") public var sanction: String
    @Field(key: "decision_no") public var decisionNo: String
    @Field(key: "decided_by") public var decidedBy: String
    @Field(key: "decided_on") public var decidedOn: String
    @OptionalField(key: "ban_from") public var banFrom: String?
    @OptionalField(key: "ban_until") public var banUntil: String?
    @OptionalField(key: "evidence_name") public var evidenceName: String?
    @OptionalField(key: "evidence_type") public var evidenceType: String?
    @OptionalField(key: "evidence") public var evidence: Data?
    @OptionalField(key: "closed_at") public var closedAt: Date?
    @OptionalField(key: "close_reason") public var closeReason: String?
    @Field(key: "created_by_name") public var createdByName: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var facts: IntegrityRecordFacts {
        IntegrityRecordFacts(severity: MisconductSeverity(rawValue: severity) ?? .minor, banFrom: banFrom.flatMap(Day.init),
                             banUntil: banUntil.flatMap(Day.init), closed: closedAt != nil)
    }
}
