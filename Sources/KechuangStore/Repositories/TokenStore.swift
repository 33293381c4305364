import Crypto
import FluentKit
import Foundation
import KechuangCore
import SQLKit

/// API bearer tokens: created with a random secret shown once, looked up by its SHA-256, revocable.
public struct TokenStore: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Returns the new record and the secret; only the hash is stored.
    public func create(for user: UserRecord, name: String, actor: Actor) async throws -> (APITokenRecord, String) {
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = rng.next() }
        let secret = "kc_" + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let token = APITokenRecord(userID: user.id!, name: name, tokenHash: Self.hash(secret), prefix: String(secret.prefix(10)))
        try await db.transaction { tx in
            try await token.create(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "token.create", entityType: "api_token", entityID: token.id!.uuidString,
                                        before: Optional<TokenSnapshot>.none, after: TokenSnapshot(token))
        }
        return (token, secret)
    }

    /// The user behind a live token, or nil for unknown and revoked tokens.
    /// Who a bearer token stands for.
    public struct Holder: Decodable, Sendable {
        public let userID: UUID
        public let username: String
        public let displayName: String
        let roleRaw: String
        let isActive: Bool
        let tokenID: UUID
        let lastUsedAt: Date?
        let revokedAt: Date?
        public var role: Role? { Role(rawValue: roleRaw) }

        enum CodingKeys: String, CodingKey {
            case userID = "user_id", username, displayName = "display_name", roleRaw = "role", isActive = "is_active"
            case tokenID = "token_id", lastUsedAt = "last_used_at", revokedAt = "revoked_at"
        }
    }

    /// The active user behind a live token, or nil. Every API request passes here, so it is one joined query in plain
    /// SQL for the eight columns it needs (decoding two whole Fluent models cost more than the lookup when profiled).
    public func holder(forSecret secret: String) async throws -> Holder? {
        let sql = try StoreSQL.sql(db)
        guard let h = try await sql.raw("""
            SELECT u.id AS user_id, u.username, u.display_name, u.role, u.is_active, t.id AS token_id, t.last_used_at, t.revoked_at
            FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = \(bind: Self.hash(secret))
            """).first(decoding: Holder.self), h.revokedAt == nil, h.isActive, h.role != nil else { return nil }
        // Record use at most once a minute so reads do not turn into a write per request.
        if (h.lastUsedAt.map { Date().timeIntervalSince($0) > 60 } ?? true) {
            try await sql.raw("UPDATE api_tokens SET last_used_at = \(bind: Date()) WHERE id = \(bind: h.tokenID)").run()
        }
        return h
    }

    public func list(userID: UUID) async throws -> [APITokenRecord] {
        try await APITokenRecord.query(on: db).filter(\.$user.$id == userID).sort(\.$createdAt, .descending).all()
    }

    /// Revokes a token the user owns; someone else's token is reported as not found.
    public func revoke(id: UUID, ownerID: UUID, actor: Actor) async throws -> APITokenRecord {
        guard let token = try await APITokenRecord.find(id, on: db), token.$user.id == ownerID else {
            throw DomainError.notFound("api_token")
        }
        if token.revokedAt != nil { return token }
        let before = TokenSnapshot(token)
        try await db.transaction { tx in
            token.revokedAt = Date()
            try await token.update(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "token.revoke", entityType: "api_token", entityID: id.uuidString,
                                        before: before, after: TokenSnapshot(token))
        }
        return token
    }
}
