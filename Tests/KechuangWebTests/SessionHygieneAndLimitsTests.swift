import Fluent
import Foundation
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("Security headers, session hygiene and abuse limits")
struct SessionHygieneAndLimitsTests {
    @Test("Every response carries CSP without inline scripts, nosniff, a referrer policy and frame-ancestors 'none'")
    func securityHeaders() async throws {
        try await withPlatform { app in
            for path in ["/", "/login", "/instruments", "/api/v1/policy/articles", "/no-such-page"] {
                let res = try await app.testing().sendRequest(.GET, path)
                let csp = res.headers.first(name: "Content-Security-Policy") ?? ""
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "\(path): \(csp)")
                #expect(csp.contains("frame-ancestors 'none'"), "\(path)")
                #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                #expect(res.headers.first(name: "Referrer-Policy") == "same-origin", "\(path)")
                // Pages hold no inline script the policy would have to allow: every <script> has a src.
                let html = res.body.string
                #expect(html.range(of: "<script(?![^>]*\\bsrc=)[^>]*>", options: .regularExpression) == nil, "inline script on \(path)")
                #expect(html.range(of: " on(click|load|submit|change)=", options: .regularExpression) == nil, "inline handler on \(path)")
            }
        }
    }

    @Test("Sign-in issues a new session id; the id from before sign-in is worthless")
    func rotatedAtLogin() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.get("/login")
            let before = try #require(b.cookie)
            try await b.post("/login", ["username": "reviewer", "password": demoPassword])
            let after = try #require(b.cookie)
            #expect(before != after)
            #expect(try await app.testing().sendRequest(.GET, "/account", headers: ["cookie": before]).status == .seeOther)
            #expect(try await app.testing().sendRequest(.GET, "/account", headers: ["cookie": after]).status == .ok)
        }
    }

    @Test("A password change ends the user's other sessions; the changing session goes on under a new id")
    func passwordChangeEndsOtherSessions() async throws {
        try await withPlatform { app in
            let laptop = Browser(app), phone = Browser(app)
            try await laptop.signIn("enterprise")
            try await phone.signIn("enterprise")
            #expect(try await phone.get("/account").status == .ok)
            let old = try #require(laptop.cookie)
            try await laptop.get("/account/password")
            let res = try await laptop.post("/account/password", ["currentPassword": demoPassword, "newPassword": "NewSecret2026", "newPasswordConfirm": "NewSecret2026"])
            #expect(res.status == .seeOther)
            #expect(laptop.cookie != old)
            #expect(try await laptop.get("/account").status == .ok)
            let phoneAfter = try await phone.get("/account")
            #expect(phoneAfter.status == .seeOther && phoneAfter.headers.first(name: .location)?.hasPrefix("/login") == true)
            #expect(try await app.testing().sendRequest(.GET, "/account", headers: ["cookie": old]).status == .seeOther)
            #expect(try await auditCount(app, action: "session.revoked") == 1)
            // The new password signs in; the old one no longer does.
            let again = Browser(app)
            try await again.get("/login")
            #expect(try await again.post("/login", ["username": "enterprise", "password": demoPassword]).status == .unauthorized)
            #expect(try await again.post("/login", ["username": "enterprise", "password": "NewSecret2026"]).status == .seeOther)
        }
    }

    @Test("A role change ends the user's sessions; they sign in again under a new id and the new role; an admin cannot change their own")
    func roleChangeRotates() async throws {
        try await withPlatform { app in
            let admin = Browser(app), user = Browser(app)
            try await admin.signIn("admin")
            try await user.signIn("broker")
            let old = try #require(user.cookie)
            try await admin.get("/admin/users")
            #expect(try await admin.post("/admin/users/broker/role", ["role": "nonsense"]).status == .unprocessableEntity)
            #expect(try await admin.post("/admin/users/broker/role", ["role": "reviewer"]).status == .seeOther)
            #expect(try await user.get("/account").status == .seeOther)
            try await user.signIn("broker")
            #expect(user.cookie != old)
            let record = try #require(try await UserRecord.query(on: app.db).filter(\.$username == "broker").first())
            #expect(record.role == .reviewer && record.sessionVersion == 1)
            #expect(try await auditCount(app, action: "user.role_change") == 1)
            try await admin.get("/admin/users")
            #expect(try await admin.post("/admin/users/admin/role", ["role": "reviewer"]).status == .conflict)
            #expect(try await admin.get("/admin/users").status == .ok)
            // Only an admin changes roles.
            let reviewer = Browser(app)
            try await reviewer.signIn("reviewer")
            try await reviewer.get("/account")
            #expect(try await reviewer.post("/admin/users/talent/role", ["role": "admin"]).status == .forbidden)
        }
    }

    @Test("Searches over the limit get 429 with Retry-After; the count is in the database, shared by every process")
    func searchLimit() async throws {
        try await withPlatform(adjust: { $0.rateLimits = RateLimitPolicy.standard.with(.search, RateLimit(hits: 3, seconds: 60)) }) { app in
            for _ in 0..<2 { #expect(try await json(app, .GET, "/api/v1/instruments?q=色谱").status == .ok) }
            // Another server process on the same database counts a search from the same address.
            _ = try await RateLimitStore(db: app.db).hit(.search, subject: "ip:unknown", limit: RateLimit(hits: 3, seconds: 60))
            let refused = try await json(app, .GET, "/api/v1/market/demands?q=氢能")
            #expect(refused.status == .tooManyRequests)
            let wait = Int(refused.headers.first(name: .retryAfter) ?? "") ?? 0
            #expect((1...60).contains(wait))
            #expect(try errorBody(refused).code == "rate.limited")
            // Pages that are not searches are not counted.
            #expect(try await app.testing().sendRequest(.GET, "/policy").status == .ok)
        }
    }

    @Test("Token creation is limited per address, and per account when signed in; the HTML page says when to retry")
    func tokenAndLoginLimits() async throws {
        try await withPlatform(adjust: {
            $0.rateLimits = RateLimitPolicy.standard.with(.token, RateLimit(hits: 2, seconds: 300)).with(.login, RateLimit(hits: 3, seconds: 300))
        }) { app in
            _ = try await apiToken(app, "admin")
            _ = try await apiToken(app, "reviewer")
            let third = try await json(app, .POST, "/api/v1/tokens", body: #"{"username":"talent","password":"Demo@2026"}"#)
            #expect(third.status == .tooManyRequests && third.headers.first(name: .retryAfter) != nil)
            let b = Browser(app)
            try await b.get("/login")
            for _ in 0..<3 { try await b.post("/login", ["username": "nobody\(Int.random(in: 0..<1000))", "password": "x1234567"]) }
            let page = try await b.post("/login", ["username": "admin", "password": demoPassword])
            #expect(page.status == .tooManyRequests && page.headers.first(name: .retryAfter) != nil)
            #expect(page.body.string.contains("秒后再试"))
        }
    }

    @Test("A body over the limit gets 413 with a JSON error; an import over the row limit names the file and the limit")
    func sizeLimits() async throws {
        try await withPlatform { app in
            let big = "{\"facts\":\"" + String(repeating: "x", count: 3 * 1024 * 1024) + "\"}"
            let res = try await json(app, .POST, "/api/v1/policy/match", body: big)
            #expect(res.status == .payloadTooLarge)
            #expect(try errorBody(res).code == "body.too_large")
            let rows = (0...UploadedTable.maxRows + 1).map { "row\($0),1" }.joined(separator: "\n")
            let file = File(data: ByteBuffer(string: rows), filename: "big.csv")
            #expect(throws: DomainError.self) { try UploadedTable.rows(file) }
            do { _ = try UploadedTable.rows(file) } catch let e as DomainError {
                #expect(e.code == "import.too_many_rows" && e.field == "file" && e.arguments["max"] == String(UploadedTable.maxRows))
            }
        }
    }
}

@Suite("Public page cache")
struct PublicPageCacheTests {
    @Test("Visitors get the home page and articles from memory; signed-in users and each language get their own page")
    func cachedForVisitors() async throws {
        try await withPlatform(adjust: { $0.publicPageCacheSeconds = 60 }) { app in
            let first = try await app.testing().sendRequest(.GET, "/")
            #expect(first.status == .ok && first.headers.setCookie == nil)
            // A change within the time limit is not seen by visitors: the page is the stored one, headers included.
            try await OrganizationRecord(kind: .enterprise, name: "缓存后新增的企业").create(on: app.db)
            let again = try await app.testing().sendRequest(.GET, "/")
            #expect(again.body.string == first.body.string)
            #expect(again.headers.first(name: "Content-Security-Policy") != nil)
            let en = try await app.testing().sendRequest(.GET, "/", headers: ["cookie": "kechuang_lang=en"])
            #expect(en.body.string.contains("<html lang=\"en\">") && first.body.string.contains("<html lang=\"zh-CN\">"))
            let b = Browser(app)
            try await b.signIn("enterprise")
            let mine = try await b.get("/")
            #expect(mine.body.string != first.body.string && mine.body.string.contains("/logout"))
        }
    }
}

extension RateLimitPolicy {
    func with(_ action: RateLimitedAction, _ limit: RateLimit) -> RateLimitPolicy {
        var p = self
        p.perAddress[action] = limit
        return p
    }
}
