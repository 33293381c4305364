import AsyncKit
import Fluent
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import SQLKit
import Testing
import VaporTesting

@Suite("Audit log and bad input")
struct AuditAndInputTests {
    @Test("The audit log refuses UPDATE and DELETE at the database")
    func appendOnly() async throws {
        try await withPlatform { app in
            let sql = try StoreSQL.sql(app.db)
            let count = try await AuditEntryRecord.query(on: app.db).count()
            #expect(count > 0)
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE audit_entries SET actor_name = 'x'").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM audit_entries").run() }
            #expect(try await AuditEntryRecord.query(on: app.db).count() == count)
        }
    }

    @Test("Admins filter the audit log by action; others cannot open it")
    func browseAudit() async throws {
        try await withPlatform { app in
            let admin = Browser(app)
            try await admin.signIn("admin")
            let page = try await admin.get("/admin/audit?action=login.success")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("login.success"))
            #expect(!page.body.string.contains("<code>demo.load</code>"))
            let reviewer = Browser(app)
            try await reviewer.signIn("reviewer")
            #expect(try await reviewer.get("/admin/audit").status == .forbidden)
        }
    }

    @Test("JSON with unknown fields, wrong types or bad syntax gets a 4xx naming the problem, and nothing is stored")
    func badJSON() async throws {
        try await withPlatform { app in
            let unknown = try await json(app, .POST, "/api/v1/tokens", body: #"{"username":"admin","password":"Demo@2026","admin":true}"#)
            #expect(unknown.status == .unprocessableEntity)
            #expect(try errorBody(unknown).field == "admin")
            let wrongType = try await json(app, .POST, "/api/v1/tokens", body: #"{"username":["admin"],"password":"Demo@2026"}"#)
            #expect(wrongType.status == .unprocessableEntity)
            #expect(try errorBody(wrongType).field == "username")
            let malformed = try await json(app, .POST, "/api/v1/tokens", body: #"{"username":"admin","#)
            #expect(malformed.status == .badRequest)
            #expect(try errorBody(malformed).code == "body.malformed_json")
            let tooLong = try await json(app, .POST, "/api/v1/tokens", body: #"{"username":"admin","password":"Demo@2026","name":"\#(String(repeating: "长", count: 61))"}"#)
            #expect(tooLong.status == .unprocessableEntity)
            #expect(try errorBody(tooLong).field == "name")
            #expect(try await APITokenRecord.query(on: app.db).count() == 0)
        }
    }

    @Test("A body over the size limit is refused with 413")
    func tooLarge() async throws {
        try await withPlatform { app in
            let big = String(repeating: "a", count: 3 * 1024 * 1024)
            let res = try await json(app, .POST, "/api/v1/tokens", body: #"{"username":"\#(big)"}"#)
            #expect(res.status == .payloadTooLarge)
        }
    }

    @Test("An overloaded database (no pooled connection in time, deadlock victim) is a 503 with Retry-After, not a 500")
    func databaseBusy() async throws {
        try await withPlatform(demo: false) { app in
            app.get("api", "v1", "busy-probe") { _ -> String in throw ConnectionPoolTimeoutError.connectionRequestTimeout }
            let res = try await json(app, .GET, "/api/v1/busy-probe")
            #expect(res.status == .serviceUnavailable)
            #expect(res.headers.first(name: .retryAfter) == "1")
            #expect(try errorBody(res).code == "service.busy")
            #expect(DatabaseBusy.matches(ConnectionPoolTimeoutError.connectionRequestTimeout))
            #expect(!DatabaseBusy.matches(DomainError(.invalidInput, code: "x")))
        }
    }

    @Test("SQL fragments are data, not code")
    func sqlFragments() async throws {
        try await withPlatform { app in
            let res = try await json(app, .GET, "/api/v1/organizations?q=%27%20OR%201%3D1%20--")
            #expect(res.status == .ok)
            #expect(res.body.string.contains("\"total\":0"))
            let login = try await json(app, .POST, "/api/v1/tokens", body: #"{"username":"admin' --","password":"x' OR '1'='1"}"#)
            #expect(login.status == .unauthorized)
        }
    }

    @Test("Unknown pages get the 404 page in the layout; API paths get JSON")
    func notFound() async throws {
        try await withPlatform(demo: false) { app in
            let page = try await app.testing().sendRequest(.GET, "/no/such/page")
            #expect(page.status == .notFound)
            #expect(page.body.string.contains("<main id=\"main\""))
            let api = try await json(app, .GET, "/api/v1/nothing")
            #expect(api.status == .notFound)
            #expect(try errorBody(api).code == "not_found")
        }
    }
}
