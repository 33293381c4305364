import Fluent
import KechuangStore
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("Policy text pages and API")
struct PolicyPagesTests {
    @Test("/policy lists all ten chapters and thirty articles with their lead units")
    func index() async throws {
        try await withPlatform(demo: false) { app in
            let res = try await app.testing().sendRequest(.GET, "/policy")
            #expect(res.status == .ok)
            let html = res.body.string
            for n in 1...30 { #expect(html.contains("href=\"/policy/articles/\(n)\""), "article \(n) missing") }
            #expect(html.contains("十、强化科技创新保障"))
            #expect(html.contains("到2027年"))
            #expect(html.contains("年均增长 ≥ 20%"))
        }
    }

    @Test("/policy/articles/7 shows the article's text and its responsible units, lead first")
    func article7() async throws {
        try await withPlatform(demo: false) { app in
            let res = try await app.testing().sendRequest(.GET, "/policy/articles/7")
            #expect(res.status == .ok)
            let html = res.body.string
            #expect(html.contains("(七) 强化企业科技创新主体地位"))
            #expect(html.contains("增量部分按150%加计"))
            let lead = try #require(html.range(of: "市科学技术局"))
            let other = try #require(html.range(of: "市国有资产监督管理委员会"))
            #expect(lead.lowerBound < other.lowerBound)
        }
    }

    @Test("GET /api/v1/policy/articles/7 returns the article as JSON")
    func articleJSON() async throws {
        try await withPlatform(demo: false) { app in
            let res = try await json(app, .GET, "/api/v1/policy/articles/7")
            #expect(res.status == .ok)
            struct A: Decodable { let number: Int; let title: String; let text: String; let responsibleUnits: [String]; let leadUnit: String? }
            let a = try JSONDecoder().decode(A.self, from: Data(res.body.readableBytesView))
            #expect(a.number == 7)
            #expect(a.title == "强化企业科技创新主体地位")
            #expect(a.responsibleUnits == ["市科学技术局", "各旗区人民政府", "市国有资产监督管理委员会"])
            #expect(a.leadUnit == "市科学技术局")
        }
    }

    @Test("Unknown and malformed article numbers are 404 and 422, in JSON and HTML")
    func badNumbers() async throws {
        try await withPlatform(demo: false) { app in
            #expect(try await json(app, .GET, "/api/v1/policy/articles/31").status == .notFound)
            let bad = try await json(app, .GET, "/api/v1/policy/articles/abc")
            #expect(bad.status == .unprocessableEntity)
            #expect(try errorBody(bad).field == "number")
            let page = try await app.testing().sendRequest(.GET, "/policy/articles/99")
            #expect(page.status == .notFound)
            #expect(page.body.string.contains("class=\"status-code\">404"))
        }
    }

    @Test("Responsible units are departments, linked to their articles; targets keep their citation")
    func departmentsAndTargets() async throws {
        try await withPlatform(demo: false) { app in
            let departments = try await OrganizationRecord.query(on: app.db).filter(\.$kindRaw == "department").all()
            #expect(departments.count == 29)
            let targets = try await json(app, .GET, "/api/v1/policy/targets")
            struct T: Decodable { let indicator: String; let value: String; let year: Int?; let article: Int? }
            let list = try JSONDecoder().decode([T].self, from: Data(targets.body.readableBytesView))
            #expect(list.contains { $0.indicator == "rd_intensity" && $0.value == "1.2" && $0.year == 2027 })
            #expect(list.contains { $0.indicator == "rd_intensity" && $0.value == "1.5" && $0.year == 2030 })
            #expect(list.contains { $0.indicator == "city_innovation_rank" && $0.value == "60" && $0.year == 2035 })
            #expect(list.contains { $0.indicator == "city_st_special_fund_budget" && $0.article == 29 })
        }
    }

    @Test("Loading the policy twice changes nothing")
    func idempotentLoad() async throws {
        try await withPlatform(demo: false) { app in
            let before = try await PolicyArticleRecord.query(on: app.db).count()
            try await KechuangApp.loadPolicy(app, config: app.services.config)
            #expect(try await PolicyArticleRecord.query(on: app.db).count() == before)
        }
    }
}
