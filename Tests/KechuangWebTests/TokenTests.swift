import Fluent
import KechuangStore
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("API bearer tokens")
struct TokenTests {
    @Test("A token issued with a password authenticates API calls until it is revoked")
    func issueUseRevoke() async throws {
        try await withPlatform { app in
            let token = try await apiToken(app, "enterprise")
            let me = try await json(app, .GET, "/api/v1/me", token: token)
            #expect(me.status == .ok)
            #expect(me.body.string.contains("\"username\":\"enterprise\""))
            let list = try await json(app, .GET, "/api/v1/tokens", token: token)
            struct T: Decodable { let id: String }
            let ids = try JSONDecoder().decode([T].self, from: Data(list.body.readableBytesView))
            #expect(ids.count == 1)
            #expect(!list.body.string.contains(token))
            let revoked = try await json(app, .DELETE, "/api/v1/tokens/\(ids[0].id)", token: token)
            #expect(revoked.status == .ok)
            let after = try await json(app, .GET, "/api/v1/me", token: token)
            #expect(after.status == .unauthorized)
            #expect(try errorBody(after).code == "token.invalid")
            #expect(try await auditCount(app, action: "token.revoke") == 1)
            #expect(try await auditCount(app, action: "token.rejected") == 1)
        }
    }

    @Test("Nobody can revoke someone else's token")
    func revokeOthers() async throws {
        try await withPlatform { app in
            let mine = try await apiToken(app, "enterprise")
            let theirs = try await apiToken(app, "institution")
            let list = try await json(app, .GET, "/api/v1/tokens", token: theirs)
            struct T: Decodable { let id: String }
            let id = try JSONDecoder().decode([T].self, from: Data(list.body.readableBytesView))[0].id
            let res = try await json(app, .DELETE, "/api/v1/tokens/\(id)", token: mine)
            #expect(res.status == .notFound)
            #expect(try await json(app, .GET, "/api/v1/me", token: theirs).status == .ok)
        }
    }

    @Test("Wrong credentials get 401 with a JSON error; missing fields name the field")
    func badIssue() async throws {
        try await withPlatform { app in
            let wrong = try await json(app, .POST, "/api/v1/tokens", body: #"{"username":"admin","password":"nope12345"}"#)
            #expect(wrong.status == .unauthorized)
            #expect(try errorBody(wrong).code == "login.invalid")
            let missing = try await json(app, .POST, "/api/v1/tokens", body: #"{"username":"admin"}"#)
            #expect(missing.status == .unprocessableEntity)
            #expect(try errorBody(missing).field == "password")
        }
    }

    @Test("Tokens are listed and revoked in the UI; the secret is shown once")
    func tokensInUI() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.signIn("broker")
            try await b.get("/account/tokens")
            let created = try await b.post("/account/tokens", ["name": "脚本"])
            #expect(created.status == .created)
            let html = created.body.string
            let secret = try #require(html.range(of: #"kc_[A-Za-z0-9_-]+"#, options: .regularExpression).map { String(html[$0]) })
            #expect(try await json(app, .GET, "/api/v1/me", token: secret).status == .ok)
            let page = try await b.get("/account/tokens")
            #expect(!page.body.string.contains(secret))
            let token = try #require(try await APITokenRecord.query(on: app.db).first())
            let revoke = try await b.post("/account/tokens/\(token.id!.uuidString)/revoke", [:])
            #expect(revoke.status == .seeOther)
            #expect(try await json(app, .GET, "/api/v1/me", token: secret).status == .unauthorized)
        }
    }
}
