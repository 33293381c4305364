import Foundation

/// The requests an abuser repeats: guessing passwords, mass registration, minting tokens, filling the disk
/// with uploads, scraping with searches. Each is limited per client address and per signed-in account.
public enum RateLimitedAction: String, CaseIterable, Sendable {
    case login, registration, token, upload, search

    /// The action a request counts against, from its method and path alone (no body is read for this).
    /// Uploads are any multipart POST; searches are the list pages and list APIs that take a query.
    public static func of(method: String, path: String, multipart: Bool) -> RateLimitedAction? {
        switch (method, path) {
        case ("POST", "/login"): return .login
        case ("POST", "/register"): return .registration
        case ("POST", "/api/v1/tokens"), ("POST", "/account/tokens"): return .token
        case ("POST", _) where multipart: return .upload
        case ("GET", _) where searchPaths.contains(path): return .search
        default: return nil
        }
    }

    static let searchPaths: Set<String> = [
        "/instruments", "/api/v1/instruments",
        "/market/achievements", "/market/demands", "/api/v1/market/achievements", "/api/v1/market/demands",
        "/organizations", "/api/v1/organizations", "/platforms", "/api/v1/platforms",
    ]
}

/// At most `hits` requests in each fixed window of `seconds`.
public struct RateLimit: Sendable, Equatable {
    public let hits: Int
    public let seconds: Int

    public init(hits: Int, seconds: Int) {
        self.hits = hits
        self.seconds = seconds
    }

    /// The start of the window holding `now` (Unix seconds): all processes agree on it without talking.
    public func windowStart(_ now: Int) -> Int { now - now % seconds }

    /// Seconds until the window holding `now` ends: what a refused client is told to wait (at least 1).
    public func retryAfter(_ now: Int) -> Int { max(1, windowStart(now) + seconds - now) }
}

/// Limits per action, for the client address and for the signed-in account.
public struct RateLimitPolicy: Sendable, Equatable {
    public var perAddress: [RateLimitedAction: RateLimit]
    public var perAccount: [RateLimitedAction: RateLimit]

    public init(perAddress: [RateLimitedAction: RateLimit], perAccount: [RateLimitedAction: RateLimit]) {
        self.perAddress = perAddress
        self.perAccount = perAccount
    }

    /// Generous for people, tight for scripts. Login failures per account are throttled separately
    /// (`LoginThrottle`: 5 failures in 15 minutes); these count every attempt from one address.
    /// An office behind one NAT address shares the address limits, hence the headroom.
    public static let standard = RateLimitPolicy(
        perAddress: [
            .login: RateLimit(hits: 30, seconds: 300),
            .registration: RateLimit(hits: 10, seconds: 3600),
            .token: RateLimit(hits: 20, seconds: 300),
            .upload: RateLimit(hits: 120, seconds: 600),
            .search: RateLimit(hits: 600, seconds: 60),
        ],
        perAccount: [
            .token: RateLimit(hits: 10, seconds: 3600),
            .upload: RateLimit(hits: 60, seconds: 600),
            .search: RateLimit(hits: 300, seconds: 60),
        ])

    /// `KECHUANG_RATE_LIMITS`: empty for the standard limits, `off` for none (load tests, fuzzing), or overrides
    /// such as `search=1200/60,login=10/300` (address limits) and `account.search=600/60` (account limits).
    public static func parse(_ raw: String?) -> Result<RateLimitPolicy?, RateLimitSpecError> {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return .success(.standard) }
        if raw.lowercased() == "off" { return .success(nil) }
        var policy = RateLimitPolicy.standard
        for item in raw.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return .failure(.init(item: item)) }
            let account = parts[0].hasPrefix("account.")
            let name = account ? String(parts[0].dropFirst("account.".count)) : parts[0]
            let numbers = parts[1].split(separator: "/").map { Int($0) }
            guard let action = RateLimitedAction(rawValue: name), numbers.count == 2,
                  let hits = numbers[0], let seconds = numbers[1], hits > 0, seconds > 0 else { return .failure(.init(item: item)) }
            if account { policy.perAccount[action] = RateLimit(hits: hits, seconds: seconds) } else {
                policy.perAddress[action] = RateLimit(hits: hits, seconds: seconds)
            }
        }
        return .success(policy)
    }
}

public struct RateLimitSpecError: Error, Sendable, Equatable {
    public let item: String
}
