import Fluent
import Foundation
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import SQLKit
import Testing
import VaporTesting

/// The package root, where `data/` and `Resources/` live.
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
}()

/// Which database the HTTP tests run on: in-memory SQLite, or PostgreSQL when `TEST_DATABASE_URL` is set.
/// On PostgreSQL every test app gets its own schema, so Swift Testing may run suites in parallel.
func testConfig() -> (AppConfig, String?) {
    if let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !url.isEmpty {
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        var config = AppConfig(database: .postgres(url: url, schema: String(schema)), bcryptCost: 4, logLevel: "warning", resourceDirectory: packageRoot)
        // Every suite runs at once on two cores, so a request can queue for a pooled connection far longer than it
        // would on a server; the 10-second production wait would turn that test-harness queue into 503s.
        config.databaseWaitSeconds = 300
        return (config, String(schema))
    }
    return (AppConfig(database: .sqliteMemory, bcryptCost: 4, logLevel: "warning", resourceDirectory: packageRoot), nil)
}

/// Given a migrated platform with the policy text and demo data, run `body`, then tear everything down.
func withPlatform(demo: Bool = true, adjust: (inout AppConfig) -> Void = { _ in }, _ body: (Application) async throws -> Void) async throws {
    let (config, schema) = testConfig()
    var cfg = config
    cfg.loadDemoData = demo
    // Tests change data and read pages back at once; the page cache has its own test.
    cfg.publicPageCacheSeconds = 0
    adjust(&cfg)
    cfg.runJobs = false
    let app = try await Application.make(.testing)
    do {
        try await configure(app, config: cfg)
        if let schema { try await StoreSQL.sql(app.db).raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run() }
        try await KechuangApp.prepare(app, config: cfg)
        try await body(app)
        if let schema { try await StoreSQL.sql(app.db).raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run() }
    } catch {
        if let schema { try? await StoreSQL.sql(app.db).raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run() }
        try? await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}

let demoPassword = "Demo@2026"

/// A browser-like client: keeps the session cookie and the CSRF token of the last page with a form.
final class Browser: @unchecked Sendable {
    let app: Application
    var cookie: String?
    var csrf: String?

    init(_ app: Application) { self.app = app }

    @discardableResult
    func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var h = headers
        if let cookie { h.replaceOrAdd(name: .cookie, value: cookie) }
        let res = try await app.testing().sendRequest(.GET, path, headers: h)
        absorb(res)
        return res
    }

    /// Posts a form, adding the CSRF token unless `csrf: false`.
    @discardableResult
    func post(_ path: String, _ fields: [String: String], csrf withToken: Bool = true) async throws -> TestingHTTPResponse {
        var h = HTTPHeaders()
        if let cookie { h.replaceOrAdd(name: .cookie, value: cookie) }
        h.contentType = .urlEncodedForm
        var all = fields
        if withToken, let csrf { all["_csrf"] = csrf }
        let body = all.map { "\(escape($0.key))=\(escape($0.value))" }.joined(separator: "&")
        let res = try await app.testing().sendRequest(.POST, path, headers: h, body: ByteBuffer(string: body))
        absorb(res)
        return res
    }

    func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
    }

    private func absorb(_ res: TestingHTTPResponse) {
        if let set = res.headers.setCookie?["kechuang_session"] {
            cookie = "kechuang_session=\(set.string)"
        }
        let html = res.body.string
        if let r = html.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) {
            csrf = String(html[r]).components(separatedBy: "value=\"")[1].dropLast().description
        }
    }

    /// Signs in through the login form, as a person would.
    func signIn(_ username: String, _ password: String = demoPassword) async throws {
        try await get("/login")
        let res = try await post("/login", ["username": username, "password": password])
        #expect(res.status == .seeOther, "sign-in of \(username) failed: \(res.status)")
        try await get("/account")
    }
}

/// Issues an API token through the JSON endpoint.
func apiToken(_ app: Application, _ username: String, _ password: String = demoPassword) async throws -> String {
    let res = try await app.testing().sendRequest(.POST, "/api/v1/tokens", headers: ["content-type": "application/json"],
                                                  body: ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)"}"#))
    #expect(res.status == .created)
    struct T: Decodable { let token: String }
    return try JSONDecoder().decode(T.self, from: Data(res.body.readableBytesView)).token
}

func json(_ app: Application, _ method: HTTPMethod, _ path: String, token: String? = nil, body: String? = nil) async throws -> TestingHTTPResponse {
    var h = HTTPHeaders()
    h.contentType = .json
    h.replaceOrAdd(name: .accept, value: "application/json")
    if let token { h.bearerAuthorization = BearerAuthorization(token: token) }
    return try await app.testing().sendRequest(method, path, headers: h, body: body.map { ByteBuffer(string: $0) })
}

struct ErrorBody: Decodable {
    struct Inner: Decodable { let code: String; let message: String; let field: String? }
    let error: Inner
}

func errorBody(_ res: TestingHTTPResponse) throws -> ErrorBody.Inner {
    try JSONDecoder().decode(ErrorBody.self, from: Data(res.body.readableBytesView)).error
}

func auditCount(_ app: Application, action: String) async throws -> Int {
    try await AuditEntryRecord.query(on: app.db).filter(\.$action == action).count()
}
