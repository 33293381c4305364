import Foundation
import KechuangCore
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("Web shell, translations, operations, OpenAPI")
struct ShellAndOpsTests {
    @Test("The home page shows live counts from the database")
    func homeCounts() async throws {
        try await withPlatform { app in
            let counts = try await HomeController.counts(db: app.db, documentID: PolicyData.documentID)
            #expect(counts.enterprises == 36)
            #expect(counts.institutions == 8)
            #expect(counts.articles == 30)
            let res = try await app.testing().sendRequest(.GET, "/")
            #expect(res.status == .ok)
            #expect(res.body.string.contains("<strong>36</strong>"))
            #expect(res.body.string.contains("lang=\"zh-CN\""))
        }
    }

    @Test("The language switch sets a cookie and the same page comes back in English")
    func englishSwitch() async throws {
        try await withPlatform(demo: false) { app in
            let sw = try await app.testing().sendRequest(.GET, "/lang/en?next=/policy")
            #expect(sw.status == .seeOther)
            #expect(sw.headers.first(name: .location) == "/policy")
            let cookie = try #require(sw.headers.setCookie?[LanguageMiddleware.cookie])
            #expect(cookie.isHTTPOnly)
            let page = try await app.testing().sendRequest(.GET, "/policy", headers: ["cookie": "\(LanguageMiddleware.cookie)=en"])
            #expect(page.body.string.contains("lang=\"en\""))
            #expect(page.body.string.contains("Policy text"))
            let offsite = try await app.testing().sendRequest(.GET, "/lang/zh?next=//evil.example")
            #expect(offsite.headers.first(name: .location) == "/")
        }
    }

    @Test("The session cookie is HttpOnly and SameSite=Lax")
    func cookieFlags() async throws {
        try await withPlatform(demo: false) { app in
            let res = try await app.testing().sendRequest(.GET, "/login")
            let raw = res.headers[.setCookie].joined(separator: "; ")
            #expect(raw.contains("kechuang_session="))
            #expect(raw.contains("HttpOnly"))
            #expect(raw.contains("SameSite=Lax"))
        }
    }

    @Test("Every translation key used in a template exists in both languages, and templates hold no literal Chinese")
    func templatesUseTheTable() throws {
        let table = try Translator.load(path: packageRoot + "/Resources/i18n/strings.json")
        let views = packageRoot + "/Resources/Views"
        let files = FileManager.default.enumerator(atPath: views)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".leaf") }
        #expect(files.count >= 14)
        let keyPattern = try Regex(#"(?:^|[^A-Za-z_.])t\.([a-z0-9_]+)"#)
        for file in files {
            let text = try String(contentsOfFile: views + "/" + file, encoding: .utf8)
            for match in text.matches(of: keyPattern) {
                let key = String(text[match.output[1].range!])
                #expect(table.zh[key] != nil && table.en[key] != nil, "\(file): t.\(key) is not in the translation table")
            }
            #expect(!text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(file) has literal Chinese text")
        }
    }

    @Test("/healthz checks the database; /metrics speaks Prometheus text with per-route counts")
    func operations() async throws {
        try await withPlatform(demo: false) { app in
            let health = try await app.testing().sendRequest(.GET, "/healthz")
            #expect(health.status == .ok)
            #expect(health.body.string.contains("\"database\":\"ok\""))
            _ = try await app.testing().sendRequest(.GET, "/policy/articles/3")
            let metrics = try await app.testing().sendRequest(.GET, "/metrics")
            let text = metrics.body.string
            #expect(text.contains(#"kechuang_http_requests_total{method="GET",route="/policy/articles/:number",status="200"} 1"#))
            #expect(text.contains("# TYPE kechuang_http_request_duration_seconds histogram"))
        }
    }

    @Test("Every documented path and method is routed, and every /api/v1 route is documented")
    func openAPIMatchesRoutes() async throws {
        try await withPlatform(demo: false) { app in
            let res = try await app.testing().sendRequest(.GET, "/api/openapi.json")
            #expect(res.status == .ok)
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(res.body.readableBytesView)) as? [String: Any])
            #expect(doc["openapi"] as? String == "3.1.0")
            let paths = try #require(doc["paths"] as? [String: [String: Any]])
            var documented = Set<String>()
            for (path, ops) in paths {
                for method in ops.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                    // OpenAPI writes {id}; routes write :id.
                    let routePath = path.replacing(#/\{([^}]+)\}/#) { ":" + $0.output.1 }
                    documented.insert("\(method.uppercased()) \(routePath)")
                }
            }
            let routed = Set(app.routes.all.filter { $0.path.first?.description == "api" }
                .map { "\($0.method.rawValue) /" + $0.path.map(\.description).joined(separator: "/") })
            #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed))")
            let v1 = routed.filter { $0.contains(" /api/v1/") }
            #expect(v1.subtracting(documented).isEmpty, "routed but not documented: \(v1.subtracting(documented))")
        }
    }
}
