import FluentKit
import Foundation
import KechuangCore

/// A recognition an enterprise holds (高企 certificate, 科技型中小企业 number …); revoked with a reason, never deleted.
public final class RecognitionRecord: Model, @unchecked Sendable {
    public static let schema = "recognitions"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "organization_id") public var organization: OrganizationRecord
    @Field(key: "rung") public var rung: String
    @Field(key: "level") public var level: String
    @Field(key: "certificate_number") public var certificateNumber: String
    /// Calendar dates (Beijing), yyyy-mm-dd.
    @Field(key: "recognized_on") public var recognizedOn: String
    @Field(key: "expires_on") public var expiresOn: String
    @Field(key: "issuing_body") public var issuingBody: String
    @Field(key: "first_time") public var firstTime: Bool
    @Field(key: "revoked") public var revoked: Bool
    @OptionalField(key: "revoked_reason") public var revokedReason: String?
    @OptionalField(key: "revoked_on") public var revokedOn: String?
    @OptionalField(key: "revoked_by_name") public var revokedByName: String?
    @OptionalField(key: "evidence_filename") public var evidenceFilename: String?
    @OptionalField(key: "evidence_content_type") public var evidenceContentType: String?
    @OptionalField(key: "evidence") public var evidence: Data?
    @Field(key: "created_by_name") public var createdByName: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public var domain: Recognition {
        Recognition(rung: LadderRung(rawValue: rung) ?? .techSME, level: Recognition.Level(rawValue: level) ?? .national,
                    certificateNumber: certificateNumber, recognizedOn: Day(recognizedOn) ?? Day("2000-01-01")!,
                    expiresOn: Day(expiresOn) ?? Day("2000-01-01")!, issuingBody: issuingBody, firstTime: firstTime, revoked: revoked)
    }
}
