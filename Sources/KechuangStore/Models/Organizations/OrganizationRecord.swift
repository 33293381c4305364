import FluentKit
import Foundation
import KechuangCore

/// An enterprise, institution or government department; users act for it through a membership.
public final class OrganizationRecord: Model, @unchecked Sendable {
    public static let schema = "organizations"

    @ID(key: .id) public var id: UUID?
    @Field(key: "kind") public var kindRaw: String
    @OptionalField(key: "institution_type") public var institutionTypeRaw: String?
    @Field(key: "name") public var name: String
    @OptionalField(key: "credit_code") public var creditCode: String?
    @OptionalField(key: "banner_code") public var bannerCode: String?
    @Field(key: "description") public var description: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, kind: OrganizationKind, institutionType: InstitutionType? = nil, name: String,
                creditCode: String? = nil, banner: Banner? = nil, description: String = "") {
        self.id = id
        self.kindRaw = kind.rawValue
        self.institutionTypeRaw = institutionType?.rawValue
        self.name = name
        self.creditCode = creditCode
        self.bannerCode = banner?.code
        self.description = description
    }

    public var kind: OrganizationKind { OrganizationKind(rawValue: kindRaw) ?? .enterprise }
    public var institutionType: InstitutionType? { institutionTypeRaw.flatMap(InstitutionType.init(rawValue:)) }
    public var banner: Banner? { bannerCode.flatMap(Banner.init(rawValue:)) }
}
