import FluentKit
import Foundation

/// A 人才码 signing key: the public half published, the private half sealed with the data key. Rotation sets
/// `signs_until`; the key stays published so the codes it signed verify until they expire.
public final class TalentCodeKeyRecord: Model, @unchecked Sendable {
    public static let schema = "talent_code_keys"

    @ID(key: .id) public var id: UUID?
    @Field(key: "kid") public var kid: String
    @Field(key: "public_key") public var publicKey: Data
    @Field(key: "private_sealed") public var privateSealed: Data
    @Field(key: "signs_from") public var signsFrom: Date
    @OptionalField(key: "signs_until") public var signsUntil: Date?

    public init() {}
}

/// A code the platform issued: found by the digest of its text (for the online status), revoked with a reason.
public final class TalentCodeRecord: Model, @unchecked Sendable {
    public static let schema = "talent_codes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "talent_id") public var talent: TalentRecord
    @Field(key: "kid") public var kid: String
    @Field(key: "digest") public var digest: String
    @Field(key: "category") public var category: String
    @Field(key: "issued_at") public var issuedAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "revoked_at") public var revokedAt: Date?
    @OptionalField(key: "revoked_reason") public var revokedReason: String?
    /// The code's text, sealed with the data key (nil for codes issued before it was kept).
    @OptionalField(key: "text_sealed") public var textSealed: Data?

    public init() {}
}
