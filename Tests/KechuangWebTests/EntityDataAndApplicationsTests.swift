import Fluent
import Foundation
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("Yearly data, organisation match, applications and review")
struct EntityDataAndApplicationsTests {
    static let company = "鄂尔多斯市康巴什氢能科技有限公司"

    func orgID(_ app: Application, _ name: String = company) async throws -> String {
        try #require(try await OrganizationRecord.query(on: app.db).filter(\.$name == name).first()).id!.uuidString
    }

    func multipart(_ b: Browser, _ path: String, filename: String, content: Data) async throws -> TestingHTTPResponse {
        let boundary = "----kechuangtest"
        var body = Data()
        func part(_ s: String) { body.append(Data(s.utf8)) }
        part("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(b.csrf!)\r\n")
        part("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: text/csv\r\n\r\n")
        body.append(content)
        part("\r\n--\(boundary)--\r\n")
        var h = HTTPHeaders()
        h.replaceOrAdd(name: .cookie, value: b.cookie!)
        h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await b.app.testing().sendRequest(.POST, path, headers: h, body: ByteBuffer(data: body))
    }

    @Test("An enterprise enters a year of data; it is stored self-declared and audited")
    func enterYear() async throws {
        try await withPlatform { app in
            let id = try await orgID(app)
            let b = Browser(app)
            try await b.signIn("enterprise")
            try await b.get("/organizations/\(id)/data")
            // 2022: a year the demo data (2023–2025) leaves empty.
            let audits = try await auditCount(app, action: "entity_data.save")
            let res = try await b.post("/organizations/\(id)/data", ["year": "2022", "rd_expense": "300万", "newly_recognized_hte": "true"])
            #expect(res.status == .seeOther)
            let facts = try await EntityFactRecord.query(on: app.db).filter(\.$year == 2022).all()
            #expect(Set(facts.map(\.variable)) == ["rd_expense", "newly_recognized_hte"])
            #expect(facts.first { $0.variable == "rd_expense" }?.value == "3000000")
            #expect(facts.allSatisfy { $0.source == EntityFact.selfDeclared && !$0.verified })
            #expect(try await auditCount(app, action: "entity_data.save") == audits + 1)
            let bad = try await b.post("/organizations/\(id)/data", ["year": "2024", "rd_expense": "-5", "standard_level": "galactic"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("不能小于 0"))
        }
    }

    @Test("Another company's data is not reachable")
    func ownership() async throws {
        try await withPlatform { app in
            let other = try await orgID(app, "准格尔旗煤基新材料有限公司")
            let b = Browser(app)
            try await b.signIn("enterprise")
            #expect(try await b.get("/organizations/\(other)/data").status == .notFound)
            try await b.get("/account")
            let before = try await EntityFactRecord.query(on: app.db).count()
            let post = try await b.post("/organizations/\(other)/data", ["year": "2022", "rd_expense": "1"])
            #expect(post.status == .notFound)
            #expect(try await EntityFactRecord.query(on: app.db).count() == before)
        }
    }

    @Test("A CSV import is all or nothing and lists every bad row")
    func importCSV() async throws {
        try await withPlatform { app in
            let id = try await orgID(app)
            let b = Browser(app)
            try await b.signIn("enterprise")
            try await b.get("/organizations/\(id)/data")
            let bad = try await multipart(b, "/organizations/\(id)/data/import", filename: "d.csv",
                                          content: Data("year,rd_expense,is_soe\n2021,1000000,0\n2022,abc,1\n1800,5,maybe\n".utf8))
            #expect(bad.status == .unprocessableEntity)
            let html = bad.body.string
            #expect(html.contains("第3行") && html.contains("第4行"))
            // Years before the demo data's 2023–2025, so every fact counted here came from this import.
            #expect(try await EntityFactRecord.query(on: app.db).filter(\.$year < 2023).count() == 0)
            try await b.get("/organizations/\(id)/data")
            let good = try await multipart(b, "/organizations/\(id)/data/import", filename: "d.csv",
                                           content: Data("\u{FEFF}year,rd_expense,is_soe\n2021,1000000,0\n2022,\"1,500,000\",0\n".utf8))
            #expect(good.status == .seeOther)
            #expect(try await EntityFactRecord.query(on: app.db).filter(\.$year < 2023).count() == 4)
        }
    }

    @Test("An XLSX import reads the first sheet, numbers exactly")
    func importXLSX() async throws {
        try await withPlatform { app in
            let id = try await orgID(app)
            let b = Browser(app)
            try await b.signIn("enterprise")
            try await b.get("/organizations/\(id)/data")
            let xlsx = try XLSXWriter.workbook(sheetName: "data", header: ["year", "rd_expense", "standard_level"],
                                               rows: [[.number("2022"), .number("1234567.89"), .text("national")]])
            let res = try await multipart(b, "/organizations/\(id)/data/import", filename: "data.xlsx", content: xlsx)
            #expect(res.status == .seeOther)
            let facts = try await EntityFactRecord.query(on: app.db).filter(\.$year == 2022).all()
            #expect(facts.first { $0.variable == "rd_expense" }?.value == "1234567.89")
            #expect(facts.first { $0.variable == "standard_level" }?.value == "national")
        }
    }

    @Test("Match from stored data, apply, and a reviewer approves: the decision keeps amount, version and inputs")
    func applyAndApprove() async throws {
        try await withPlatform { app in
            let id = try await orgID(app)
            let b = Browser(app)
            try await b.signIn("enterprise")
            try await b.get("/organizations/\(id)/data")
            try await b.post("/organizations/\(id)/data", ["year": "2023", "rd_expense": "1000000"])
            try await b.get("/organizations/\(id)/data")
            try await b.post("/organizations/\(id)/data", ["year": "2024", "rd_expense": "2000000"])
            let match = try await b.get("/organizations/\(id)/match?year=2024")
            #expect(match.status == .ok)
            // 10% of 2,000,000 + 20% of the 1,000,000 increment.
            #expect(match.body.string.contains("¥400,000.00"))
            let applied = try await b.post("/organizations/\(id)/applications", ["rule": "rd_post_subsidy", "year": "2024"])
            #expect(applied.status == .seeOther)
            let again = try await b.post("/organizations/\(id)/applications", ["rule": "rd_post_subsidy", "year": "2024"])
            #expect(again.status == .conflict)
            let notEligible = try await b.post("/organizations/\(id)/applications", ["rule": "hte_first_recognition_award", "year": "2024"])
            #expect(notEligible.status == .conflict)
            let a = try #require(try await ApplicationRecord.query(on: app.db).first())
            #expect(a.computedAmountFen == 40_000_000)
            #expect(a.inputsJSON.contains("rd_expense_last_year"))

            let r = Browser(app)
            try await r.signIn("reviewer")
            let page = try await r.get("/review/applications/\(a.id!.uuidString)")
            #expect(page.body.string.contains("rd_subsidy.base_rate"))
            let noReason = try await r.post("/review/applications/\(a.id!.uuidString)/decision", ["decision": "reject", "reason": ""])
            #expect(noReason.status == .unprocessableEntity)
            let ok = try await r.post("/review/applications/\(a.id!.uuidString)/decision", ["decision": "approve", "reason": ""])
            #expect(ok.status == .seeOther)
            let decided = try #require(try await ApplicationRecord.find(a.id, on: app.db))
            #expect(decided.status == .approved)
            #expect(decided.decidedAmountFen == 40_000_000)
            #expect(decided.decisionRuleBaseVersion == app.services.rules.current?.version)
            #expect(try await auditCount(app, action: "application.approve") == 1)
            // Data changed afterwards: the decision does not move.
            try await b.get("/organizations/\(id)/data")
            try await b.post("/organizations/\(id)/data", ["year": "2024", "rd_expense": "9000000"])
            #expect(try await ApplicationRecord.find(a.id, on: app.db)?.decidedAmountFen == 40_000_000)
            let twice = try await r.post("/review/applications/\(a.id!.uuidString)/decision", ["decision": "reject", "reason": "x"])
            #expect(twice.status == .conflict)
        }
    }

    @Test("Applicants cannot review")
    func applicantsCannotReview() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.signIn("enterprise")
            #expect(try await b.get("/review/applications").status == .forbidden)
        }
    }
}
