import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Refuses logins, registrations, token creation, uploads and searches over their limits with 429 and Retry-After.
///
/// Counts live in the database (`RateLimitStore`), so two server processes behind one address share them. Requests
/// that are not limited pass straight through without a hop to the concurrency pool.
struct RateLimitMiddleware: Middleware {
    let policy: RateLimitPolicy

    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let multipart = req.headers.contentType?.subType == "form-data"
        guard let action = RateLimitedAction.of(method: req.method.rawValue, path: req.url.path, multipart: multipart) else {
            return next.respond(to: req)
        }
        return req.eventLoop.makeFutureWithTask {
            try await check(action, req)
        }.flatMap { next.respond(to: req) }
    }

    func check(_ action: RateLimitedAction, _ req: Request) async throws {
        let store = RateLimitStore(db: req.db)
        var limits: [(String, RateLimit)] = []
        if let l = policy.perAddress[action] { limits.append(("ip:" + req.clientAddress, l)) }
        if let l = policy.perAccount[action], let user = req.currentUser { limits.append(("user:" + user.id.uuidString, l)) }
        for (subject, limit) in limits {
            if case .refused(let wait) = try await store.hit(action, subject: subject, limit: limit) {
                req.logger.notice("rate limited", metadata: ["action": .string(action.rawValue), "subject": .string(subject)])
                throw DomainError(.tooManyRequests, code: "rate.limited", arguments: ["seconds": String(wait)])
            }
        }
    }
}
