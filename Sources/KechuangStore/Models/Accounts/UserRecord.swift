import FluentKit
import Foundation
import KechuangCore

/// A person who signs in. Staff, enterprise, institution, talent and broker users are all rows here.
public final class UserRecord: Model, @unchecked Sendable {
    public static let schema = "users"

    @ID(key: .id) public var id: UUID?
    @Field(key: "username") public var username: String
    @Field(key: "display_name") public var displayName: String
    @Field(key: "password_hash") public var passwordHash: String
    /// Stored as its raw value so both databases hold plain text.
    @Field(key: "role") public var roleRaw: String
    @Field(key: "is_active") public var isActive: Bool
    @OptionalField(key: "last_login_at") public var lastLoginAt: Date?
    @OptionalField(key: "password_changed_at") public var passwordChangedAt: Date?
    /// Every session remembers the version it was started under; raising it ends the user's sessions.
    @Field(key: "session_version") public var sessionVersion: Int
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, username: String, displayName: String, passwordHash: String, role: Role, isActive: Bool = true) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.roleRaw = role.rawValue
        self.isActive = isActive
        self.sessionVersion = 0
    }
}

extension UserRecord {
    /// Unknown raw values cannot be written by the platform; treat them as the least privileged role.
    public var role: Role {
        get { Role(rawValue: roleRaw) ?? .talent }
        set { roleRaw = newValue.rawValue }
    }
}
