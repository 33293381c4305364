import KechuangCore
import KechuangStore
import Vapor

/// The signed-in user of a request, resolved once by `CurrentUserMiddleware`.
struct CurrentUser: Sendable {
    let id: UUID
    let username: String
    let displayName: String
    let role: Role
    /// How the request authenticated: API tokens skip CSRF checks, sessions do not.
    let via: Via

    enum Via: Sendable { case session, token }

    init(_ u: UserRecord, via: Via) {
        self.init(id: u.id!, username: u.username, displayName: u.displayName, role: u.role, via: via)
    }

    init(id: UUID, username: String, displayName: String, role: Role, via: Via) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.via = via
    }
}

extension Request {
    private struct CurrentUserKey: StorageKey { typealias Value = CurrentUser }
    private struct LangKey: StorageKey { typealias Value = Translator.Lang }

    var currentUser: CurrentUser? {
        get { storage[CurrentUserKey.self] }
        set { storage[CurrentUserKey.self] = newValue }
    }

    /// The signed-in user, or a 401 for the error middleware to turn into a login redirect or JSON.
    func requireUser() throws -> CurrentUser {
        guard let u = currentUser else { throw DomainError.unauthenticated }
        return u
    }

    var lang: Translator.Lang {
        get { storage[LangKey.self] ?? .zh }
        set { storage[LangKey.self] = newValue }
    }

    /// Who to name in the audit log for this request.
    var actor: Actor {
        Actor(userID: currentUser?.id, name: currentUser?.username ?? "visitor", address: clientAddress)
    }

    var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }

    var isAPI: Bool { url.path.hasPrefix("/api/") }

    func t(_ key: String, _ args: [String: String] = [:]) -> String {
        services.translator.text(key, lang, args)
    }
}
