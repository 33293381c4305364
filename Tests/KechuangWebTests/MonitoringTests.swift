import Fluent
import Foundation
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("Monitoring pages and API")
struct MonitoringPagesTests {
    @Test("The targets page tells the true state with sources, and names the department when data are missing")
    func targets() async throws {
        try await withPlatform(demo: false) { app in
            #expect(try await IndicatorValueRecord.query(on: app.db).count() == 144)
            let res = try await app.testing().sendRequest(.GET, "/monitoring")
            #expect(res.status == .ok)
            let html = res.body.string
            #expect(html.contains("0.91 %"))
            #expect(html.contains("(2023)"))
            #expect(html.contains("请向市统计局索取"))
            #expect(html.contains("<svg"))
            #expect(!html.contains("<script"))
            // 99th in the 2023 edition; the 2030 goal is the top 80.
            #expect(html.contains("99 位"))
        }
    }

    @Test("Staff add a value with a source; impossible values, unknown banners and missing sources are refused")
    func addValue() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.signIn("reviewer")
            try await b.get("/monitoring/indicators/rd_intensity")
            let bad = try await b.post("/monitoring/indicators/rd_intensity/values", ["region": "火星旗", "year": "1990", "value": "150", "source": ""])
            #expect(bad.status == .unprocessableEntity)
            let html = bad.body.string
            #expect(html.contains("未知旗区") && html.contains("应在 2000 到 2100 之间") && html.contains("数值不可能") && html.contains("此项为必填项"))
            let before = try await IndicatorValueRecord.query(on: app.db).count()
            let ok = try await b.post("/monitoring/indicators/rd_intensity/values", ["region": "鄂尔多斯市", "year": "2023", "value": "0.93",
                                                                                   "source": "测试来源 2025 统计公报", "note": ""])
            #expect(ok.status == .seeOther)
            #expect(try await IndicatorValueRecord.query(on: app.db).count() == before + 1)
            #expect(try await auditCount(app, action: "indicator_value.create") == 1)
            let page = try await b.get("/monitoring/indicators/rd_intensity")
            #expect(page.body.string.contains("数值不一致"))
            #expect(page.body.string.contains("测试来源 2025 统计公报"))
        }
    }

    @Test("GET /api/v1/monitoring/indicators gives definitions, targets with status and values with sources")
    func api() async throws {
        try await withPlatform(demo: false) { app in
            let res = try await json(app, .GET, "/api/v1/monitoring/indicators")
            #expect(res.status == .ok)
            struct I: Decodable {
                struct T: Decodable { let status: String; let year: Int? }
                struct V: Decodable { let year: Int; let value: String; let source: String }
                let key: String
                let targets: [T]
                let values: [V]
            }
            let list = try JSONDecoder().decode([I].self, from: Data(res.body.readableBytesView))
            let rd = try #require(list.first { $0.key == "rd_intensity" })
            #expect(rd.targets.map(\.year) == [2027, 2030])
            #expect(rd.values.contains { $0.year == 2023 && $0.value == "0.91" && !$0.source.isEmpty })
            #expect(list.first { $0.key == "high_value_patents_per_10k" }?.targets.first?.status == "insufficient_data")
        }
    }
}

@Suite("Banner index and leadership dashboard")
struct BannerAndDashboardTests {
    @Test("The banner page ranks the nine banners from platform data and asks the engine for the art. 25 award")
    func banners() async throws {
        try await withPlatform { app in
            let res = try await app.testing().sendRequest(.GET, "/monitoring/banners")
            #expect(res.status == .ok)
            let html = res.body.string
            for b in Banner.allCases { #expect(html.contains(b.nameZh)) }
            #expect(html.contains("自治区已给予的奖补金额"))
            #expect(html.contains("<svg"))
            let api = try await json(app, .GET, "/api/v1/monitoring/banners")
            struct R: Decodable { struct B: Decodable { let code: String; let rank: Int? }; let banners: [B]; let version: String }
            let r = try JSONDecoder().decode(R.self, from: Data(api.body.readableBytesView))
            #expect(r.banners.count == 9)
            #expect(r.banners.first?.rank == 1)
            #expect(r.version == "ordos-banner-index-2026.1")
        }
    }

    @Test("The dashboard lists targets, banners and tracking, and after a report is issued shows what changed")
    func dashboard() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.signIn("admin")
            let first = try await b.get("/dashboard")
            #expect(first.status == .ok)
            #expect(first.body.string.contains("全社会R&amp;D经费投入强度") || first.body.string.contains("全社会R&D经费投入强度"))
            #expect(first.body.string.contains("尚未出具过报告"))
            let issued = try await b.post("/dashboard/issued", [:])
            #expect(issued.status == .seeOther)
            try await b.get("/monitoring/indicators/rd_intensity")
            try await b.post("/monitoring/indicators/rd_intensity/values", ["region": "鄂尔多斯市", "year": "2024", "value": "1.01", "source": "测试：2024年统计公报"])
            let after = try await b.get("/dashboard")
            #expect(after.body.string.contains("2024") && after.body.string.contains("1.01"))
            #expect(try await auditCount(app, action: "dashboard.issued") == 1)
        }
    }
}

@Suite("Values computed from platform records")
struct ComputedValuesTests {
    @Test("Registered technology-contract income becomes a turnover value beside the statistics, with its computation")
    func turnover() async throws {
        try await withPlatform { app in
            let orgs = try await OrganizationRecord.query(on: app.db).filter(\.$kindRaw == "enterprise").range(0..<2).all()
            for (k, org) in orgs.enumerated() {
                try await EntityDataStore(db: app.db).save(organizationID: org.id!, year: 2024, values: ["tech_contract_income": k == 0 ? "150000000" : "50000000"],
                                                          source: "市科学技术局", verified: true, actor: .system)
            }
            let page = try await app.testing().sendRequest(.GET, "/monitoring/indicators/tech_market_turnover")
            let html = page.body.string
            #expect(html.contains("2 亿元"))
            #expect(html.contains("平台上2家单位登记的技术合同交易额合计"))
            #expect(html.contains("输出技术合同成交额(1-8月)") || html.contains("3.1"))
        }
    }
}

@Suite("Indicator value import")
struct IndicatorImportTests {
    func upload(_ b: Browser, _ csv: String) async throws -> TestingHTTPResponse {
        let boundary = "----values"
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(b.csrf!)\r\n".utf8)
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n".utf8))
        var h = HTTPHeaders()
        h.replaceOrAdd(name: .cookie, value: b.cookie!)
        h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await b.app.testing().sendRequest(.POST, "/monitoring/import", headers: h, body: ByteBuffer(data: body))
    }

    @Test("All rows or none: bad units, impossible magnitudes, unknown banners and missing sources are listed by line")
    func importValues() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.signIn("admin")
            try await b.get("/monitoring")
            let before = try await IndicatorValueRecord.query(on: app.db).count()
            let bad = try await upload(b, """
                indicator,region,year,value,unit,source,note
                rd_intensity,鄂尔多斯市,2024,1.02,%,2024年统计公报,
                rd_intensity,东胜区,2024,120,%,统计公报,
                fiscal_st_spending,火星旗,2024,-3,万元,,
                """)
            #expect(bad.status == .unprocessableEntity)
            let html = bad.body.string
            #expect(html.contains("第3行") && html.contains("第4行"))
            #expect(html.contains("单位应为 亿元") && html.contains("未知旗区") && html.contains("数值不可能"))
            #expect(try await IndicatorValueRecord.query(on: app.db).count() == before)
            try await b.get("/monitoring")
            let good = try await upload(b, "indicator,region,year,value,unit,source,note\nrd_intensity,鄂尔多斯市,2024,1.02,%,2024年统计公报,\nrd_expenditure,准格尔旗,2024,12.5,亿元,准格尔旗统计公报,\n")
            #expect(good.status == .seeOther)
            #expect(try await IndicatorValueRecord.query(on: app.db).count() == before + 2)
        }
    }
}
