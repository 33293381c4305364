import KechuangCore
import Vapor

/// Who may call a route. Every route is registered with one, and a test walks all routes × roles.
enum Access: Sendable, Equatable, CustomStringConvertible {
    /// Visitors too.
    case everyone
    /// Any signed-in user.
    case signedIn
    /// Signed-in users with one of these roles.
    case roles(Set<Role>)

    static let staff = Access.roles([.admin, .reviewer])
    static let admin = Access.roles([.admin])

    func allows(_ user: CurrentUser?) -> Bool {
        switch self {
        case .everyone: true
        case .signedIn: user != nil
        case .roles(let roles): user.map { roles.contains($0.role) } ?? false
        }
    }

    var description: String {
        switch self {
        case .everyone: "everyone"
        case .signedIn: "signed-in"
        case .roles(let r): r.map(\.rawValue).sorted().joined(separator: "|")
        }
    }
}

/// Enforces a route's `Access`: visitors get 401 (a login redirect on pages), other roles 403.
struct AccessMiddleware: Middleware {
    let access: Access

    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard access.allows(req.currentUser) else {
            return req.eventLoop.makeFailedFuture(req.currentUser == nil ? DomainError.unauthenticated : DomainError.forbidden)
        }
        return next.respond(to: req)
    }
}

extension RoutesBuilder {
    /// Registers a route together with its access rule; the only way routes are added in this app.
    @discardableResult
    func on<R: AsyncResponseEncodable>(_ method: HTTPMethod, _ path: PathComponent..., access: Access,
                                       body: HTTPBodyStreamStrategy = .collect,
                                       use handler: @Sendable @escaping (Request) async throws -> R) -> Route {
        let route = grouped(AccessMiddleware(access: access)).on(method, path, body: body, use: handler)
        route.userInfo[Access.userInfoKey] = access
        return route
    }
}

extension RoutesBuilder {
    /// The same for handlers that do no async work (pure computation): they run on the event loop with no
    /// hop to the concurrency pool and back, which matters for the one-click match (measured ~0.1 ms).
    @discardableResult
    func onSync<R: ResponseEncodable>(_ method: HTTPMethod, _ path: PathComponent..., access: Access,
                                      use handler: @Sendable @escaping (Request) throws -> R) -> Route {
        let route = grouped(AccessMiddleware(access: access)).on(method, path, use: handler)
        route.userInfo[Access.userInfoKey] = access
        return route
    }
}

extension Access {
    static let userInfoKey = "kechuang.access"
}
