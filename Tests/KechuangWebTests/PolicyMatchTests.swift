import Foundation
import KechuangCore
import KechuangStore
import Fluent
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("Policy match: API and pages")
struct PolicyMatchTests {
    struct Report: Decodable {
        struct Result: Decodable {
            let rule: String
            let status: String
            let amount: String?
            let provisional: Bool
            let missingInputs: [String]
            let trace: Trace
        }
        struct Trace: Decodable {
            struct C: Decodable { let condition: String; let result: String; let gap: String? }
            let conditions: [C]
            let failedCondition: Int?
            let parameters: [P]
        }
        struct P: Decodable { let name: String; let status: String; let source: String }
        let results: [Result]
        let eligibleAwardTotal: String
        let missingInputs: [M]
        struct M: Decodable { let name: String; let decides: [String] }
    }

    func decode(_ res: TestingHTTPResponse) throws -> Report {
        try JSONDecoder().decode(Report.self, from: Data(res.body.readableBytesView))
    }

    @Test("A profile gets every enterprise rule, eligible ones first with exact amounts, traces and provisional marks")
    func matchProfile() async throws {
        try await withPlatform(demo: false) { app in
            let res = try await json(app, .POST, "/api/v1/policy/match", body: """
                {"kind":"enterprise","date":"2025-06-30","inputs":{"rd_expense":2000000,"rd_expense_last_year":"1500000.00","newly_recognized_hte":true,"tech_contract_income":null}}
                """)
            #expect(res.status == .ok)
            let r = try decode(res)
            #expect(r.results.first?.status == "eligible")
            let rd = try #require(r.results.first { $0.rule == "rd_post_subsidy" })
            #expect(rd.amount == "300000.00")
            #expect(rd.provisional)
            #expect(rd.trace.parameters.contains { $0.name == "rd_subsidy.base_rate" && $0.status == "provisional" })
            #expect(r.eligibleAwardTotal == "600000.00")
            let tt = try #require(r.results.first { $0.rule == "tech_transaction_subsidy" })
            #expect(tt.status == "undetermined")
            #expect(tt.missingInputs == ["tech_contract_income"])
            #expect(r.missingInputs.contains { $0.name == "tech_contract_income" })
        }
    }

    @Test("A failed threshold shows which condition failed and the gap")
    func gap() async throws {
        try await withPlatform(demo: false) { app in
            let res = try await json(app, .POST, "/api/v1/policy/match", body: #"{"kind":"project","date":"2025-06-30","inputs":{"is_horizontal_project":true,"non_fiscal_funds":350000,"project_accepted":true}}"#)
            let r = try decode(res)
            let h = try #require(r.results.first { $0.rule == "horizontal_project_as_city_project" })
            #expect(h.status == "not_eligible")
            #expect(h.trace.failedCondition == 1)
            #expect(h.trace.conditions[1].gap == "50000")
        }
    }

    @Test("Unknown variables, wrong types, bad kinds and dates get a 4xx naming the field")
    func badRequests() async throws {
        try await withPlatform(demo: false) { app in
            let unknown = try await json(app, .POST, "/api/v1/policy/match", body: #"{"kind":"enterprise","inputs":{"rd_expence":1}}"#)
            #expect(unknown.status == .unprocessableEntity)
            #expect(try errorBody(unknown).field == "inputs.rd_expence")
            let type = try await json(app, .POST, "/api/v1/policy/match", body: #"{"kind":"enterprise","inputs":{"rd_expense":"lots"}}"#)
            #expect(try errorBody(type).field == "inputs.rd_expense")
            let nested = try await json(app, .POST, "/api/v1/policy/match", body: #"{"kind":"enterprise","inputs":{"rd_expense":[1]}}"#)
            #expect(nested.status == .unprocessableEntity)
            #expect(try errorBody(nested).field == "inputs.rd_expense")
            let kind = try await json(app, .POST, "/api/v1/policy/match", body: #"{"kind":"company"}"#)
            #expect(try errorBody(kind).field == "kind")
            let date = try await json(app, .POST, "/api/v1/policy/match", body: #"{"kind":"enterprise","date":"1899-01-01"}"#)
            #expect(try errorBody(date).field == "date")
            let extra = try await json(app, .POST, "/api/v1/policy/match", body: #"{"kind":"enterprise","foo":1}"#)
            #expect(try errorBody(extra).field == "foo")
            let fen = try await json(app, .POST, "/api/v1/policy/match", body: #"{"kind":"enterprise","inputs":{"rd_expense":"1.001"}}"#)
            #expect(try errorBody(fen).field == "inputs.rd_expense")
        }
    }

    @Test("The match page asks for the missing inputs and shows the working")
    func page() async throws {
        try await withPlatform(demo: false) { app in
            let res = try await app.testing().sendRequest(.GET, "/policy/match?run=1&kind=enterprise&date=2025-06-30&rd_expense=30%E4%B8%87&newly_recognized_hte=true")
            #expect(res.status == .ok)
            let html = res.body.string
            #expect(html.contains("¥300,000.00"))
            #expect(html.contains("暂定"))
            #expect(html.contains("待补充数据"))
            #expect(html.contains("class=\"field missing\""))
            let bad = try await app.testing().sendRequest(.GET, "/policy/match?run=1&kind=enterprise&rd_expense=abc")
            #expect(bad.status == .ok)
            #expect(bad.body.string.contains("类型错误"))
        }
    }

    @Test("The rule pages list every rule with its article and parameters")
    func rulePages() async throws {
        try await withPlatform(demo: false) { app in
            let list = try await app.testing().sendRequest(.GET, "/policy/rules")
            #expect(list.body.string.contains("/policy/rules/instrument_must_share"))
            let one = try await app.testing().sendRequest(.GET, "/policy/rules/instrument_must_share")
            #expect(one.body.string.contains("instruments.must_share_min_value"))
            #expect(one.body.string.contains("30万元及以上"))
            #expect(try await app.testing().sendRequest(.GET, "/policy/rules/nope").status == .notFound)
        }
    }
}

@Suite("Match by entity id, and a broken rule file")
struct EntityMatchAndReloadTests {
    @Test("An enterprise matches its stored data by entityId; others cannot")
    func entityID() async throws {
        try await withPlatform { app in
            let org = try #require(try await OrganizationRecord.query(on: app.db).filter(\.$name == "鄂尔多斯市康巴什氢能科技有限公司").first())
            try await EntityDataStore(db: app.db).save(organizationID: org.id!, year: 2024, values: ["newly_recognized_hte": "true"],
                                                      source: "市科学技术局", verified: true, actor: .system)
            let token = try await apiToken(app, "enterprise")
            let res = try await json(app, .POST, "/api/v1/policy/match", token: token, body: #"{"entityId":"\#(org.id!.uuidString)","year":2024}"#)
            #expect(res.status == .ok)
            #expect(res.body.string.contains(#""rule":"hte_first_recognition_award""#))
            #expect(res.body.string.contains(#""amount":"300000.00""#))
            let other = try await json(app, .POST, "/api/v1/policy/match", token: try await apiToken(app, "institution"),
                                       body: #"{"entityId":"\#(org.id!.uuidString)"}"#)
            #expect(other.status == .notFound)
            let visitor = try await json(app, .POST, "/api/v1/policy/match", body: #"{"entityId":"\#(org.id!.uuidString)"}"#)
            #expect(visitor.status == .unauthorized)
            let both = try await json(app, .POST, "/api/v1/policy/match", token: token, body: #"{"entityId":"\#(org.id!.uuidString)","kind":"enterprise"}"#)
            #expect(both.status == .unprocessableEntity)
        }
    }

    @Test("A reload that fails keeps the last good rule base serving and reports file:line:column")
    func brokenReload() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The rules with the variables they read (the talent benefits read the talent module's variables).
        for name in try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/policies/ordos/rules") {
            try FileManager.default.copyItem(atPath: packageRoot + "/policies/ordos/rules/" + name, toPath: dir + "/" + name)
        }
        try FileManager.default.copyItem(atPath: packageRoot + "/policies/ordos/variables.yaml", toPath: dir + "/variables.yaml")
        try FileManager.default.copyItem(atPath: packageRoot + "/policies/ordos/talent/variables.yaml", toPath: dir + "/talent-variables.yaml")
        let holder = RuleBaseHolder(directory: dir)
        let good = try #require(holder.current?.version)
        let broken = dir + "/art07-enterprises.yaml"
        let text = try String(contentsOfFile: broken, encoding: .utf8).replacingOccurrences(of: "rd_expense >= rd_subsidy.min_rd_expense", with: "rd_expense >= = 1")
        try text.write(toFile: broken, atomically: true, encoding: .utf8)
        #expect(!holder.reload())
        #expect(holder.current?.version == good)
        #expect(holder.snapshot.lastErrors.first?.contains("art07-enterprises.yaml:") == true)
    }
}
