import Foundation
import KechuangCore
import Vapor

/// Rejects state-changing requests that do not carry the session's CSRF token.
///
/// Pages put the token in a hidden `_csrf` field; scripts send it as `X-CSRF-Token`. Requests
/// authenticated by an API bearer token carry no ambient credential and need no token.
struct CSRFMiddleware: Middleware {
    static let sessionKey = "csrf"
    static let field = "_csrf"


    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let safe: [HTTPMethod] = [.GET, .HEAD, .OPTIONS]
        // API calls that carry no session cookie have no ambient credential to abuse (bearer tokens or none).
        let hasSessionCookie = req.headers.cookie?[req.application.sessions.configuration.cookieName] != nil
        if safe.contains(req.method) || req.currentUser?.via == .token || (req.isAPI && !hasSessionCookie) {
            return next.respond(to: req)
        }
        // The token of a form is in its body, and a browser may send the body after the headers in another packet:
        // read the body whole first (routes collect it only after the middleware has run). Seen with the yearly-data
        // form in Chromium: the token was missing whenever the body came late, and the form was refused.
        let isForm = req.headers.contentType == .urlEncodedForm || req.headers.contentType?.type == "multipart"
        if isForm, req.body.data == nil {
            let limit = req.headers.contentType == .urlEncodedForm ? req.application.routes.defaultMaxBodySize.value : Self.maxUploadBytes
            return req.body.collect(max: limit).flatMap { _ in self.check(req, next) }
        }
        return check(req, next)
    }

    /// The largest multipart body any route accepts (evidence files, imports).
    static let maxUploadBytes = 16 * 1024 * 1024

    func check(_ req: Request, _ next: any Responder) -> EventLoopFuture<Response> {
        let expected = req.hasSession ? req.session.data[Self.sessionKey] : nil
        let sent = req.headers.first(name: "X-CSRF-Token") ?? Self.formToken(req)
        guard let expected, let sent, Self.constantTimeEqual(expected, sent) else {
            return req.eventLoop.makeFailedFuture(DomainError(.forbidden, code: "csrf.invalid"))
        }
        return next.respond(to: req)
    }

    static func formToken(_ req: Request) -> String? {
        guard req.headers.contentType == .urlEncodedForm || req.headers.contentType?.type == "multipart" else { return nil }
        return try? req.content.get(String.self, at: field)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Request {
    /// The session's CSRF token, created on first use.
    var csrfToken: String {
        if let t = session.data[CSRFMiddleware.sessionKey] { return t }
        let t = [UInt8].random(count: 24).base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        session.data[CSRFMiddleware.sessionKey] = t
        return t
    }
}
