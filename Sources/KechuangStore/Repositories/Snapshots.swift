import Foundation
import KechuangCore

/// What the audit log keeps of a user: never the password hash.
public struct UserSnapshot: Codable, Sendable {
    public let id: UUID?
    public let username: String
    public let displayName: String
    public let role: String
    public let isActive: Bool

    public init(_ u: UserRecord) {
        id = u.id
        username = u.username
        displayName = u.displayName
        role = u.roleRaw
        isActive = u.isActive
    }
}

public struct OrganizationSnapshot: Codable, Sendable {
    public let id: UUID?
    public let kind: String
    public let institutionType: String?
    public let name: String
    public let creditCode: String?
    public let bannerCode: String?

    public init(_ o: OrganizationRecord) {
        id = o.id
        kind = o.kindRaw
        institutionType = o.institutionTypeRaw
        name = o.name
        creditCode = o.creditCode
        bannerCode = o.bannerCode
    }
}

/// A token as the audit log sees it: name and prefix, never the secret or its hash.
public struct TokenSnapshot: Codable, Sendable {
    public let id: UUID?
    public let userID: UUID
    public let name: String
    public let prefix: String
    public let revokedAt: Date?

    public init(_ t: APITokenRecord) {
        id = t.id
        userID = t.$user.id
        name = t.name
        prefix = t.prefix
        revokedAt = t.revokedAt
    }
}
