import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Resolves the signed-in user from a bearer token or the session, and ends idle sessions.
struct CurrentUserMiddleware: Middleware {
    static let sessionUserKey = "uid"
    static let sessionSeenKey = "seen"
    static let sessionVersionKey = "sv"
    /// A session unused for this long is over; the user signs in again.
    static let idleTimeout: TimeInterval = 8 * 3600

    /// Requests with no token and no signed-in session (most public and API reads) pass straight through.
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let hasToken = req.headers.bearerAuthorization != nil
        let hasUser = req.hasSession && req.session.data[Self.sessionUserKey] != nil
        guard hasToken || hasUser else { return next.respond(to: req) }
        return req.eventLoop.makeFutureWithTask {
            try await resolve(req)
        }.flatMap { next.respond(to: req) }
    }

    func resolve(_ req: Request) async throws {
        if let bearer = req.headers.bearerAuthorization {
            guard let holder = try await req.tokens.holder(forSecret: bearer.token), let role = holder.role else {
                try await AuditTrail.event(on: req.db, actor: Actor(userID: nil, name: "visitor", address: req.clientAddress),
                                           action: "token.rejected", entityType: "api_token", entityID: String(bearer.token.prefix(10)))
                throw DomainError(.unauthenticated, code: "token.invalid")
            }
            req.currentUser = CurrentUser(id: holder.userID, username: holder.username, displayName: holder.displayName, role: role, via: .token)
        } else if req.hasSession, let raw = req.session.data[Self.sessionUserKey], let id = UUID(uuidString: raw) {
            let seen = req.session.data[Self.sessionSeenKey].flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
            if let seen, req.now.timeIntervalSince(seen) > Self.idleTimeout {
                req.session.data[Self.sessionUserKey] = nil
                req.storage[SessionExpiredKey.self] = true
                try await AuditTrail.event(on: req.db, actor: Actor(userID: id, name: "session", address: req.clientAddress),
                                           action: "session.expired", entityType: "user", entityID: id.uuidString)
            } else if let user = try await req.accounts.user(id: id), user.isActive,
                      String(user.sessionVersion) != (req.session.data[Self.sessionVersionKey] ?? "0") {
                // The password or the role changed since this session began: it is over, sign in again.
                req.session.data[Self.sessionUserKey] = nil
                req.storage[SessionExpiredKey.self] = true
                try await AuditTrail.event(on: req.db, actor: Actor(userID: id, name: user.username, address: req.clientAddress),
                                           action: "session.revoked", entityType: "user", entityID: id.uuidString)
            } else if let user = try await req.accounts.user(id: id), user.isActive {
                req.currentUser = CurrentUser(user, via: .session)
                // Refresh the idle clock at most once a minute to avoid a session write per request.
                if seen.map({ req.now.timeIntervalSince($0) > 60 }) ?? true {
                    req.session.data[Self.sessionSeenKey] = String(Int(req.now.timeIntervalSince1970))
                }
            } else {
                req.session.data[Self.sessionUserKey] = nil
            }
        }
    }
}

struct SessionExpiredKey: StorageKey { typealias Value = Bool }
