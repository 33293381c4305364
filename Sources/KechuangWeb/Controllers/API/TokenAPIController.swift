import KechuangCore
import KechuangStore
import Vapor

/// Bearer tokens over JSON: issue with a password, list and revoke one's own.
struct TokenAPIController {
    struct Issued: Content {
        let token: String
        let id: String
        let name: String
    }

    struct TokenJSON: Content {
        let id: String
        let name: String
        let prefix: String
        let createdAt: String?
        let lastUsedAt: String?
        let revokedAt: String?
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.POST, "api", "v1", "tokens", access: .everyone, use: issue)
        r.on(.GET, "api", "v1", "tokens", access: .signedIn, use: list)
        r.on(.DELETE, "api", "v1", "tokens", ":id", access: .signedIn, use: revoke)
        r.on(.GET, "api", "v1", "me", access: .signedIn, use: me)
    }

    @Sendable func issue(req: Request) async throws -> Response {
        let input = try InputReader(req, allowed: ["username", "password", "name"])
        var v = Validator()
        let username = v.text("username", input["username"], max: 40)
        let password = v.text("password", input["password"], max: 128)
        let name = v.text("name", input["name"] ?? "api", max: 60)
        try v.throwIfAny()
        let user = try await LoginStore(db: req.db, hasher: req.services.hasher)
            .authenticate(username: username!, password: password!, address: req.clientAddress)
        let actor = Actor(userID: user.id, name: user.username, address: req.clientAddress)
        let (token, secret) = try await req.tokens.create(for: user, name: name!, actor: actor)
        let res = Response(status: .created)
        try res.content.encode(Issued(token: secret, id: token.id!.uuidString, name: token.name))
        res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return res
    }

    @Sendable func list(req: Request) async throws -> [TokenJSON] {
        let me = try req.requireUser()
        return try await req.tokens.list(userID: me.id).map(Self.json)
    }

    static func json(_ t: APITokenRecord) -> TokenJSON {
        TokenJSON(id: t.id!.uuidString, name: t.name, prefix: t.prefix, createdAt: t.createdAt.map(ChinaTime.iso),
                  lastUsedAt: t.lastUsedAt.map(ChinaTime.iso), revokedAt: t.revokedAt.map(ChinaTime.iso))
    }

    @Sendable func revoke(req: Request) async throws -> TokenJSON {
        let me = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("api_token") }
        return Self.json(try await req.tokens.revoke(id: id, ownerID: me.id, actor: req.actor))
    }

    struct Me: Content {
        let id: String
        let username: String
        let displayName: String
        let role: String
        let organizations: [String]
    }

    @Sendable func me(req: Request) async throws -> Me {
        let me = try req.requireUser()
        let orgs = try await req.accounts.organizations(of: me.id).map(\.name)
        return Me(id: me.id.uuidString, username: me.username, displayName: me.displayName, role: me.role.rawValue, organizations: orgs)
    }
}
