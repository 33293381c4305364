import KechuangCore
import KechuangStore
import Vapor

/// The signed-in user's own page: profile, organisations, password.
struct AccountController {
    struct Content: Encodable {
        let username: String
        let displayName: String
        let roleLabel: String
        let organizations: [Org]
        let lastLogin: String?
    }

    struct Org: Encodable {
        let id: String
        let name: String
        let kind: String
        /// Enterprises and institutions keep yearly data; departments do not.
        let hasData: Bool
        let isEnterprise: Bool
    }

    struct PasswordContent: Encodable {
        let form: FormState
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "account", access: .signedIn, use: show)
        r.on(.GET, "account", "password", access: .signedIn, use: passwordForm)
        r.on(.POST, "account", "password", access: .signedIn, use: changePassword)
    }

    @Sendable func show(req: Request) async throws -> View {
        let me = try req.requireUser()
        guard let user = try await req.accounts.user(id: me.id) else { throw DomainError.unauthenticated }
        let orgs = try await req.accounts.organizations(of: me.id).map {
            Org(id: $0.id!.uuidString, name: $0.name, kind: req.t("org_kind_\($0.kindRaw)"), hasData: $0.kind.entityKind != nil, isEnterprise: $0.kind == .enterprise)
        }
        return try await req.page("accounts/account", titleKey: "account_title", content: Content(
            username: user.username, displayName: user.displayName, roleLabel: req.t("role_\(user.roleRaw)"),
            organizations: orgs, lastLogin: user.lastLoginAt.map(ChinaTime.display)))
    }

    @Sendable func passwordForm(req: Request) async throws -> View {
        try await req.page("accounts/password", titleKey: "password_title", content: PasswordContent(form: .empty), forms: true)
    }

    @Sendable func changePassword(req: Request) async throws -> Response {
        let me = try req.requireUser()
        let input = try InputReader(req, allowed: ["currentPassword", "newPassword", "newPasswordConfirm"])
        do {
            var v = Validator()
            let current = v.text("currentPassword", input["currentPassword"], max: 128)
            let new = CredentialRules.checkPassword(input["newPassword"], field: "newPassword", into: &v)
            if new != nil, input["newPasswordConfirm"] != new { v.add(.invalid("newPasswordConfirm", "password.mismatch")) }
            try v.throwIfAny()
            guard let user = try await req.accounts.user(id: me.id) else { throw DomainError.unauthenticated }
            try await req.accounts.changePassword(user: user, current: current!, new: new!, actor: req.actor)
            // The change ended every session of this user; this one continues under a fresh id.
            try await LoginController.startSession(for: user, req: req)
            req.flash("flash_password_changed")
            return req.redirect(to: "/account", redirectType: .normal)
        } catch let e as ValidationErrors {
            let view = try await req.page("accounts/password", titleKey: "password_title",
                                          content: PasswordContent(form: try FormState(e, values: [:], req: req)), forms: true)
            return try await .rerender(view, for: req)
        } catch let e as DomainError where e.kind == .invalidInput {
            let view = try await req.page("accounts/password", titleKey: "password_title",
                                          content: PasswordContent(form: try FormState(e, values: [:], req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
    }
}
