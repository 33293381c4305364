import FluentKit
import Foundation
import KechuangCore

/// Account writes and reads. Every write runs in one transaction together with its audit entry.
public struct AccountStore: Sendable {
    public let db: any Database
    public let hasher: any PasswordHashing

    public init(db: any Database, hasher: any PasswordHashing) {
        self.db = db
        self.hasher = hasher
    }

    public func user(username: String) async throws -> UserRecord? {
        try await UserRecord.query(on: db).filter(\.$username == username.lowercased()).first()
    }

    public func user(id: UUID) async throws -> UserRecord? {
        try await UserRecord.find(id, on: db)
    }

    /// Registers a self-service account and, for enterprises and institutions, founds its organisation.
    public func register(_ r: Registration, actor: Actor) async throws -> UserRecord {
        try await ensureUsernameFree(r.username)
        if let org = r.organization {
            if try await OrganizationRecord.query(on: db).filter(\.$name == org.name).first() != nil {
                throw DomainError(.conflict, code: "organization.name_taken", field: "organizationName")
            }
            if let code = org.creditCode, try await OrganizationRecord.query(on: db).filter(\.$creditCode == code).first() != nil {
                throw DomainError(.conflict, code: "organization.credit_code_taken", field: "creditCode")
            }
        }
        let hash = try hasher.hash(r.password)
        return try await db.transaction { tx in
            let user = UserRecord(username: r.username, displayName: r.displayName, passwordHash: hash, role: r.role)
            try await user.create(on: tx)
            let who = Actor(userID: user.id, name: user.username, address: actor.address)
            try await AuditTrail.record(on: tx, actor: who, action: "user.register", entityType: "user",
                                        entityID: user.id!.uuidString, before: Optional<UserSnapshot>.none, after: UserSnapshot(user))
            if let o = r.organization {
                let org = OrganizationRecord(kind: o.kind, institutionType: o.institutionType, name: o.name,
                                             creditCode: o.creditCode, banner: o.banner)
                try await org.create(on: tx)
                try await AuditTrail.record(on: tx, actor: who, action: "organization.create", entityType: "organization",
                                            entityID: org.id!.uuidString, before: Optional<OrganizationSnapshot>.none, after: OrganizationSnapshot(org))
                try await addMember(user: user, organization: org, level: .owner, actor: who, on: tx)
            }
            return user
        }
    }

    /// Creates a staff or any-role account on an admin's behalf, optionally joining an existing organisation.
    public func createUser(_ n: NewStaffUser, actor: Actor) async throws -> UserRecord {
        try await ensureUsernameFree(n.username)
let org = try await n.organizationName.asyncMap { name in
            guard let found = try await OrganizationRecord.query(on: db).filter(\.$name == name).first() else {
                throw DomainError(.invalidInput, code: "organization.unknown", arguments: ["name": name], field: "organizationName")
            }
            return found
        }
        let hash = try hasher.hash(n.password)
        return try await db.transaction { tx in
            let user = UserRecord(username: n.username, displayName: n.displayName, passwordHash: hash, role: n.role)
            try await user.create(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "user.create", entityType: "user",
                                        entityID: user.id!.uuidString, before: Optional<UserSnapshot>.none, after: UserSnapshot(user))
            if let org { try await addMember(user: user, organization: org, level: .member, actor: actor, on: tx) }
            return user
        }
    }

    public func changePassword(user: UserRecord, current: String, new: String, actor: Actor) async throws {
        guard try hasher.verify(current, against: user.passwordHash) else {
            throw DomainError.invalid("currentPassword", "password.wrong_current")
        }
        let hash = try hasher.hash(new)
        try await db.transaction { tx in
            user.passwordHash = hash
            user.passwordChangedAt = Date()
            // Every other session of this user ends: a stolen session cookie is worthless after the change.
            user.sessionVersion += 1
            try await user.update(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "user.password_change", entityType: "user", entityID: user.id!.uuidString)
        }
    }

    /// An admin gives a user another role. The user's sessions end (they sign in again under the new role, with a
    /// fresh session id); an admin cannot take the admin role from themselves, so the platform keeps an admin.
    public func changeRole(username: String, to role: Role, actor: Actor) async throws -> UserRecord {
        guard let user = try await user(username: username) else { throw DomainError.notFound("user") }
        if user.id == actor.userID, role != user.role {
            throw DomainError(.conflict, code: "user.own_role", field: "role")
        }
        guard role != user.role else { return user }
        let before = UserSnapshot(user)
        try await db.transaction { tx in
            user.role = role
            user.sessionVersion += 1
            try await user.update(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "user.role_change", entityType: "user",
                                        entityID: user.id!.uuidString, before: before, after: UserSnapshot(user))
        }
        return user
    }

    func addMember(user: UserRecord, organization: OrganizationRecord, level: MembershipRecord.Level, actor: Actor, on tx: any Database) async throws {
        let m = MembershipRecord(userID: user.id!, organizationID: organization.id!, level: level)
        try await m.create(on: tx)
        try await AuditTrail.event(on: tx, actor: actor, action: "membership.create", entityType: "membership", entityID: m.id!.uuidString,
                                   detail: ["user": user.username, "organization": organization.name, "level": level.rawValue])
    }

    func ensureUsernameFree(_ username: String) async throws {
        if try await user(username: username) != nil {
            throw DomainError(.conflict, code: "username.taken", field: "username")
        }
    }

    /// The organisations a user acts for.
    public func organizations(of userID: UUID) async throws -> [OrganizationRecord] {
        try await MembershipRecord.query(on: db).filter(\.$user.$id == userID).with(\.$organization).all().map(\.organization)
    }

    /// The ids of the organisations a user acts for, oldest membership first (one query, for hot paths).
    /// Plain SQL for one column: booking, ownership and listing checks ask this on most requests.
    public func organizationIDs(of userID: UUID) async throws -> [UUID] { try await Self.organizationIDs(of: userID, on: db) }

    static func organizationIDs(of userID: UUID, on db: any Database) async throws -> [UUID] {
        struct Row: Decodable { let organization_id: UUID }
        return try await StoreSQL.sql(db).raw("SELECT organization_id FROM memberships WHERE user_id = \(bind: userID) ORDER BY created_at, id")
            .all(decoding: Row.self).map(\.organization_id)
    }

    /// True when the user is a member of the organisation: the one ownership check every module uses.
    public func isMember(userID: UUID, organizationID: UUID) async throws -> Bool {
        try await MembershipRecord.query(on: db).filter(\.$user.$id == userID).filter(\.$organization.$id == organizationID).count() > 0
    }

    public func listUsers(role: Role?, search: String?, page: PageQuery) async throws -> PagedList<UserRecord> {
        let q = UserRecord.query(on: db)
        if let role { q.filter(\.$roleRaw == role.rawValue) }
        if let s = search?.trimmingCharacters(in: .whitespaces), !s.isEmpty {
            q.group(.or) { $0.filter(\.$username ~~ s).filter(\.$displayName ~~ s) }
        }
        let total = try await q.count()
        let items = try await q.sort(\.$username).range(page.offset..<(page.offset + page.per)).all()
        return PagedList(items: items, request: page, total: total)
    }
}

extension Optional {
    public func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
