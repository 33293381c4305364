import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Keeps the rendered home page and policy articles for visitors who are not signed in, for a few seconds.
///
/// These are the pages the public opens most and they are the same for every visitor in one language; rendering
/// them costs several queries and a template each time (about 800 requests/s on this machine, release build).
/// Only anonymous GETs without a query string are served from here (no session or token, so no CSRF token or
/// name in the page), and only 200 answers that set no cookie are kept. A change shows within `ttl` seconds.
struct PublicPageCache: Middleware {
    let ttl: TimeInterval
    let store = Store()

    final class Store: @unchecked Sendable {
        private let lock = NIOLock()
        private var entries: [String: (at: Date, status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer)] = [:]

        func get(_ key: String, ttl: TimeInterval, now: Date) -> (HTTPResponseStatus, HTTPHeaders, ByteBuffer)? {
            lock.withLock {
                guard let e = entries[key], now.timeIntervalSince(e.at) < ttl else { return nil }
                return (e.status, e.headers, e.body)
            }
        }

        func put(_ key: String, _ status: HTTPResponseStatus, _ headers: HTTPHeaders, _ body: ByteBuffer, now: Date) {
            lock.withLock { entries[key] = (now, status, headers, body) }
        }
    }

    static func cacheable(_ path: String) -> Bool {
        path == "/" || path == "/policy" || (path.hasPrefix("/policy/articles/") && path.dropFirst("/policy/articles/".count).allSatisfy(\.isNumber))
    }

    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard req.method == .GET, req.url.query == nil, Self.cacheable(req.url.path),
              req.headers.cookie?["kechuang_session"] == nil, req.headers.bearerAuthorization == nil else {
            return next.respond(to: req)
        }
        let key = req.lang.rawValue + " " + req.url.path
        let now = req.now
        if let (status, headers, body) = store.get(key, ttl: ttl, now: now) {
            return req.eventLoop.makeSucceededFuture(Response(status: status, headers: headers, body: .init(buffer: body)))
        }
        return next.respond(to: req).map { res in
            if res.status == .ok, res.headers[.setCookie].isEmpty, let body = res.body.buffer {
                store.put(key, res.status, res.headers, body, now: now)
            }
            return res
        }
    }
}
