import KechuangCore
import KechuangStore
import Vapor

/// API tokens in the UI: list, create (the secret is shown once), revoke.
struct TokenController {
    struct Content: Encodable {
        let tokens: [TokenRow]
        let newSecret: String?
        let form: FormState
    }

    struct TokenRow: Encodable {
        let id: String
        let name: String
        let prefix: String
        let created: String
        let lastUsed: String?
        let revoked: String?
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "account", "tokens", access: .signedIn, use: list)
        r.on(.POST, "account", "tokens", access: .signedIn, use: create)
        r.on(.POST, "account", "tokens", ":id", "revoke", access: .signedIn, use: revoke)
    }

    static func rows(_ tokens: [APITokenRecord]) -> [TokenRow] {
        tokens.map {
            TokenRow(id: $0.id!.uuidString, name: $0.name, prefix: $0.prefix, created: $0.createdAt.map(ChinaTime.display) ?? "",
                     lastUsed: $0.lastUsedAt.map(ChinaTime.display), revoked: $0.revokedAt.map(ChinaTime.display))
        }
    }

    @Sendable func list(req: Request) async throws -> View {
        let me = try req.requireUser()
        return try await req.page("accounts/tokens", titleKey: "tokens_title",
                                  content: Content(tokens: Self.rows(try await req.tokens.list(userID: me.id)), newSecret: nil, form: .empty), forms: true)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let me = try req.requireUser()
        let input = try InputReader(req, allowed: ["name"])
        var v = Validator()
        let name = v.text("name", input["name"], max: 60)
        do {
            try v.throwIfAny()
        } catch {
            let view = try await req.page("accounts/tokens", titleKey: "tokens_title", content: Content(
                tokens: Self.rows(try await req.tokens.list(userID: me.id)), newSecret: nil,
                form: try FormState(error, values: input.values, req: req)), forms: true)
            return try await .rerender(view, for: req)
        }
        guard let user = try await req.accounts.user(id: me.id) else { throw DomainError.unauthenticated }
        let (_, secret) = try await req.tokens.create(for: user, name: name!, actor: req.actor)
        // The secret is shown on this response only; it is not stored anywhere readable.
        let view = try await req.page("accounts/tokens", titleKey: "tokens_title", content: Content(
            tokens: Self.rows(try await req.tokens.list(userID: me.id)), newSecret: secret, form: .empty), forms: true)
        let res = try await view.encodeResponse(for: req)
        res.status = .created
        res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return res
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        let me = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("api_token") }
        _ = try await req.tokens.revoke(id: id, ownerID: me.id, actor: req.actor)
        req.flash("flash_token_revoked")
        return req.redirect(to: "/account/tokens", redirectType: .normal)
    }
}
