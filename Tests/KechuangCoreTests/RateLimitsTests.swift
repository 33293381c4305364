import Foundation
@testable import KechuangCore
import Testing

@Suite("Rate limits: which requests count, fixed windows, the configuration string")
struct RateLimitsTests {
    @Test("Requests are classified by method and path; uploads are any multipart POST")
    func classification() {
        #expect(RateLimitedAction.of(method: "POST", path: "/login", multipart: false) == .login)
        #expect(RateLimitedAction.of(method: "GET", path: "/login", multipart: false) == nil)
        #expect(RateLimitedAction.of(method: "POST", path: "/register", multipart: false) == .registration)
        #expect(RateLimitedAction.of(method: "POST", path: "/api/v1/tokens", multipart: false) == .token)
        #expect(RateLimitedAction.of(method: "POST", path: "/account/tokens", multipart: false) == .token)
        #expect(RateLimitedAction.of(method: "POST", path: "/instruments/import", multipart: true) == .upload)
        #expect(RateLimitedAction.of(method: "GET", path: "/api/v1/instruments", multipart: false) == .search)
        #expect(RateLimitedAction.of(method: "GET", path: "/market/demands", multipart: false) == .search)
        #expect(RateLimitedAction.of(method: "GET", path: "/api/v1/instruments/abc/availability", multipart: false) == nil)
        #expect(RateLimitedAction.of(method: "GET", path: "/", multipart: false) == nil)
    }

    @Test("A window starts at a multiple of its length, so processes agree; the wait is what is left of it")
    func windows() {
        let l = RateLimit(hits: 10, seconds: 60)
        #expect(l.windowStart(1_800_000_059) == 1_800_000_000)
        #expect(l.windowStart(120) == 120 && l.windowStart(179) == 120)
        #expect(l.retryAfter(120) == 60 && l.retryAfter(179) == 1)
    }

    @Test("KECHUANG_RATE_LIMITS: empty is standard, off is none, overrides replace one limit, bad items are named")
    func parsing() throws {
        #expect(try RateLimitPolicy.parse(nil).get() == .standard)
        #expect(try RateLimitPolicy.parse("").get() == .standard)
        #expect(try RateLimitPolicy.parse("OFF").get() == nil)
        let p = try #require(try RateLimitPolicy.parse("search=1200/60, account.upload=5/600").get())
        #expect(p.perAddress[.search] == RateLimit(hits: 1200, seconds: 60))
        #expect(p.perAccount[.upload] == RateLimit(hits: 5, seconds: 600))
        #expect(p.perAddress[.login] == RateLimitPolicy.standard.perAddress[.login])
        for bad in ["search", "search=0/60", "serch=5/60", "search=5/-1", "search=a/b"] {
            guard case .failure(let e) = RateLimitPolicy.parse(bad) else { Issue.record("accepted \(bad)"); continue }
            #expect(e.item == bad)
        }
    }

    @Test("The environment variable is checked at start-up with a message naming it")
    func config() {
        #expect(throws: AppConfig.Problems.self) {
            try AppConfig.load(environment: ["KECHUANG_RATE_LIMITS": "login=often"], workingDirectory: "/tmp")
        }
        let c = try? AppConfig.load(environment: ["KECHUANG_RATE_LIMITS": "off"], workingDirectory: "/tmp")
        #expect(c?.rateLimits == nil)
    }
}
