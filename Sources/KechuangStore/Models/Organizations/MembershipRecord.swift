import FluentKit
import Foundation

/// Links a user to an organisation; every ownership check goes through this table.
public final class MembershipRecord: Model, @unchecked Sendable {
    public static let schema = "memberships"

    /// `owner` may manage the organisation's members; `member` acts for it.
    public enum Level: String, Sendable { case owner, member }

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserRecord
    @Parent(key: "organization_id") public var organization: OrganizationRecord
    @Field(key: "level") public var levelRaw: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(userID: UUID, organizationID: UUID, level: Level) {
        self.$user.id = userID
        self.$organization.id = organizationID
        self.levelRaw = level.rawValue
    }
}
