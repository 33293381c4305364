import FluentKit
import Foundation
import KechuangCore

/// Checks credentials with throttling and records every attempt; the audit log sees each outcome.
public struct LoginStore: Sendable {
    public let db: any Database
    public let hasher: any PasswordHashing
    public let throttle: LoginThrottle

    public init(db: any Database, hasher: any PasswordHashing, throttle: LoginThrottle = LoginThrottle()) {
        self.db = db
        self.hasher = hasher
        self.throttle = throttle
    }

    /// Returns the user on success; throws `tooManyRequests` while throttled and `unauthenticated` for bad credentials.
    /// The same message is given for an unknown user and a wrong password so accounts cannot be probed.
    public func authenticate(username raw: String, password: String, address: String, now: Date = Date()) async throws -> UserRecord {
        let username = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let failures = try await LoginAttemptRecord.query(on: db)
            .filter(\.$username == username).filter(\.$succeeded == false)
            .filter(\.$at > throttle.windowStart(now: now)).all().map(\.at)
        if let minutes = throttle.waitMinutes(recentFailures: failures, now: now) {
            try await AuditTrail.event(on: db, actor: Actor(userID: nil, name: username, address: address),
                                       action: "login.throttled", entityType: "user", entityID: username)
            throw DomainError(.tooManyRequests, code: "login.throttled", arguments: ["minutes": String(minutes)])
        }
        let user = try await UserRecord.query(on: db).filter(\.$username == username).first()
        var ok = false
        if let user, user.isActive { ok = try hasher.verify(password, against: user.passwordHash) }
        let succeeded = ok
        try await db.transaction { tx in
            try await LoginAttemptRecord(username: username, address: address, succeeded: succeeded, at: now).create(on: tx)
            if succeeded, let user {
                user.lastLoginAt = now
                try await user.update(on: tx)
            }
            try await AuditTrail.event(on: tx, actor: Actor(userID: succeeded ? user?.id : nil, name: username, address: address),
                                       action: succeeded ? "login.success" : "login.failure", entityType: "user",
                                       entityID: user?.id?.uuidString ?? username,
                                       detail: succeeded ? nil : ["reason": user == nil ? "unknown_user" : (user!.isActive ? "wrong_password" : "inactive")])
        }
        guard ok, let user else {
            throw DomainError(.unauthenticated, code: "login.invalid", field: "password")
        }
        return user
    }
}
