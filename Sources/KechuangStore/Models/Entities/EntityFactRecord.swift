import FluentKit
import Foundation

/// One yearly value of an organisation with its source; one row per organisation, year and variable.
public final class EntityFactRecord: Model, @unchecked Sendable {
    public static let schema = "entity_facts"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "organization_id") public var organization: OrganizationRecord
    @Field(key: "year") public var year: Int
    @Field(key: "variable") public var variable: String
    @Field(key: "value") public var value: String
    @Field(key: "source") public var source: String
    @Field(key: "verified") public var verified: Bool
    @OptionalField(key: "recorded_by") public var recordedBy: UUID?
    @Field(key: "recorded_by_name") public var recordedByName: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(organizationID: UUID, year: Int, variable: String, value: String, source: String, verified: Bool, by: UUID?, byName: String) {
        self.$organization.id = organizationID
        self.year = year
        self.variable = variable
        self.value = value
        self.source = source
        self.verified = verified
        self.recordedBy = by
        self.recordedByName = byName
    }
}
