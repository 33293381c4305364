import KechuangCore
import KechuangStore
import Vapor

/// Sign in and sign out with the session cookie.
struct LoginController {
    struct Content: Encodable {
        let form: FormState
        let next: String
        let expired: Bool
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "login", access: .everyone, use: show)
        r.on(.POST, "login", access: .everyone, use: login)
        r.on(.POST, "logout", access: .signedIn, use: logout)
    }

    @Sendable func show(req: Request) async throws -> View {
        let next = Self.safeNext(try? req.query.get(String.self, at: "next"))
        let expired = (try? req.query.get(String.self, at: "expired")) == "1"
        return try await req.page("accounts/login", titleKey: "login_title", content: Content(form: .empty, next: next, expired: expired), forms: true)
    }

    @Sendable func login(req: Request) async throws -> Response {
        let input = try InputReader(req, allowed: ["username", "password", "next"])
        let next = Self.safeNext(input["next"])
        do {
            var v = Validator()
            let username = v.text("username", input["username"], max: 40)
            let password = v.text("password", input["password"], max: 128)
            try v.throwIfAny()
            let user = try await LoginStore(db: req.db, hasher: req.services.hasher)
                .authenticate(username: username!, password: password!, address: req.clientAddress)
            try await Self.startSession(for: user, req: req)
            // Department staff land on their own implementation tasks unless they were going somewhere.
            let landing = next == "/" && user.role.isStaff ? "/tracking/mine" : next
            return req.redirect(to: landing, redirectType: .normal)
        } catch let e as DomainError where e.kind == .unauthenticated || e.kind == .tooManyRequests {
            let form = try FormState(e, values: input.values, req: req)
            let view = try await req.page("accounts/login", titleKey: "login_title", content: Content(form: form, next: next, expired: false), forms: true)
            let res = try await Response.rerender(view, for: req, status: e.kind.status)
            if e.kind == .tooManyRequests { res.headers.replaceOrAdd(name: .retryAfter, value: String(ErrorPageMiddleware.retryAfter(e))) }
            return res
        } catch let e as ValidationErrors {
            let view = try await req.page("accounts/login", titleKey: "login_title",
                                          content: Content(form: try FormState(e, values: input.values, req: req), next: next, expired: false), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    /// A fresh session id at sign-in (and after a password change), so a session id planted or stolen before is
    /// worthless afterwards. The session carries the user's session version; raising it ends the session.
    static func startSession(for user: UserRecord, req: Request) async throws {
        if req.hasSession, let old = req.session.id {
            try await req.application.sessions.driver.deleteSession(old, for: req)
            req.session.id = nil
        }
        req.session.data = SessionData()
        req.session.data[CurrentUserMiddleware.sessionUserKey] = user.id!.uuidString
        req.session.data[CurrentUserMiddleware.sessionSeenKey] = String(Int(req.now.timeIntervalSince1970))
        req.session.data[CurrentUserMiddleware.sessionVersionKey] = String(user.sessionVersion)
    }

    @Sendable func logout(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try await AuditTrail.event(on: req.db, actor: req.actor, action: "logout", entityType: "user", entityID: user.id.uuidString)
        req.session.destroy()
        return req.redirect(to: "/", redirectType: .normal)
    }

    /// Only same-site paths, so the login form cannot be used to bounce users to another site.
    static func safeNext(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.contains("\\") else { return "/" }
        return raw
    }
}
