import Fluent
import Foundation
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("Cultivation ladder pages and API")
struct LadderPagesTests {
    static let company = "鄂尔多斯市康巴什氢能科技有限公司"

    func org(_ app: Application, _ name: String = company) async throws -> OrganizationRecord {
        try #require(try await OrganizationRecord.query(on: app.db).filter(\.$name == name).first())
    }

    @Test("Given the demo data, the enterprise sees its own ladder: 高企 one R&D gap short, with value, threshold and gap")
    func ownPage() async throws {
        try await withPlatform { app in
            let id = try await org(app).id!.uuidString
            let b = Browser(app)
            try await b.signIn("enterprise")
            let res = try await b.get("/organizations/\(id)/ladder")
            #expect(res.status == .ok)
            let html = res.body.string
            for title in ["科技型中小企业", "创新型中小企业", "高新技术企业", "专精特新中小企业", "小巨人"] { #expect(html.contains(title), "\(title)") }
            #expect(html.contains("下一步目标"))
            #expect(html.contains("近三年研发费用占同期销售收入比例"))
            #expect(html.contains("万元</strong>"))
            #expect(html.contains("已认定"))
            // The account page links to it.
            #expect(try await b.get("/account").body.string.contains("/organizations/\(id)/ladder"))
            // English switch: same page, English titles.
            let session = b.cookie
            b.cookie = (session ?? "") + "; kechuang_lang=en"
            let en = try await b.get("/organizations/\(id)/ladder")
            b.cookie = session
            #expect(en.body.string.contains("High- and new-technology enterprise") && en.body.string.contains("Next rung to aim for"))
            #expect(en.body.string.contains("short by "))
        }
    }

    @Test("Another enterprise, an institution and a visitor cannot open an enterprise's ladder; staff can")
    func ownership() async throws {
        try await withPlatform { app in
            let other = try await OrganizationRecord.query(on: app.db).filter(\.$kindRaw == "enterprise").filter(\.$name != Self.company).first()!
            let b = Browser(app)
            try await b.signIn("enterprise")
            #expect(try await b.get("/organizations/\(other.id!.uuidString)/ladder").status == .notFound)
            let inst = Browser(app)
            try await inst.signIn("institution")
            let mine = try await org(app).id!.uuidString
            #expect(try await inst.get("/organizations/\(mine)/ladder").status == .notFound)
            let visitor = try await Browser(app).get("/organizations/\(mine)/ladder")
            #expect(visitor.status == .seeOther || visitor.status == .unauthorized)
            let staff = Browser(app)
            try await staff.signIn("reviewer")
            #expect(try await staff.get("/organizations/\(other.id!.uuidString)/ladder").status == .ok)
            // An institution has no ladder page even for its own members.
            let lab = try await org(app, "鄂尔多斯实验室").id!.uuidString
            #expect(try await inst.get("/organizations/\(lab)/ladder").status == .notFound)
        }
    }

    @Test("The public form assesses a typed profile; a bad value names the field; nothing blank is read as zero")
    func publicForm() async throws {
        try await withPlatform(demo: false) { app in
            let b = Browser(app)
            let empty = try await b.get("/ladder")
            #expect(empty.status == .ok)
            #expect(empty.body.string.contains("in-tech_staff_count"))
            let q = "/ladder?run=1&date=2026-06-30&staff_count=100&tech_staff_count=30&revenue=1000%E4%B8%87&total_assets=800%E4%B8%87"
                + "&rd_expense=60%E4%B8%87&total_costs=900%E4%B8%87&ip_class1_count=1&ip_class2_count=0&restricted_industry=false&serious_violation=false"
            let res = try await b.get(q)
            #expect(res.status == .ok)
            let html = res.body.string
            #expect(html.contains("rung-tech_sme\" class=\"result eligible"))
            #expect(html.contains("待定"))
            let bad = try await b.get("/ladder?run=1&staff_count=abc")
            #expect(bad.status == .ok)
            #expect(bad.body.string.contains("field-error"))
        }
    }

    @Test("POST /api/v1/ladder: a profile, an enterprise's stored data by entityId (members and staff only), and refusals")
    func api() async throws {
        try await withPlatform { app in
            let profile = #"{"date":"2026-06-30","inputs":{"staff_count":100,"tech_staff_count":9,"revenue":"1000万","total_assets":"800万","rd_expense":"60万","total_costs":"900万","ip_class1_count":1,"restricted_industry":false,"serious_violation":false,"is_hte":false,"national_award_top3_5y":false,"provincial_rd_institution":false,"led_standard_5y":false}}"#
            let res = try await json(app, .POST, "/api/v1/ladder", body: profile)
            #expect(res.status == .ok)
            struct Out: Decodable {
                struct Rung: Decodable {
                    struct Req: Decodable {
                        struct Crit: Decodable {
                            struct Line: Decodable { let gap: String?; let unit: String }
                            let rule: String; let status: String; let lines: [Line]
                        }
                        let criteria: [Crit]
                    }
                    let rung: String; let status: String; let requirements: [Req]
                }
                let rungs: [Rung]; let nextRung: String?
            }
            let out = try JSONDecoder().decode(Out.self, from: Data(res.body.readableBytesView))
            let tech = try #require(out.rungs.first { $0.rung == "tech_sme" })
            #expect(tech.status == "not_eligible")
            let scored = try #require(tech.requirements.flatMap(\.criteria).first { $0.rule == "tech_sme_score_pass" })
            #expect(scored.status == "not_eligible")
            // 9 of 100 tech staff scores 0 points: the first line fails with a gap in points.
            #expect(scored.lines.first?.unit == "points")
            #expect(out.nextRung == "tech_sme")

            let id = try await org(app).id!.uuidString
            let mine = try await json(app, .POST, "/api/v1/ladder", token: try await apiToken(app, "enterprise"), body: #"{"entityId":"\#(id)","year":\#(lastYear)}"#)
            #expect(mine.status == .ok)
            #expect(mine.body.string.contains(#""rung":"hnte""#))
            let other = try await json(app, .POST, "/api/v1/ladder", token: try await apiToken(app, "institution"), body: #"{"entityId":"\#(id)"}"#)
            #expect(other.status == .notFound)
            #expect(try await json(app, .POST, "/api/v1/ladder", body: #"{"entityId":"\#(id)"}"#).status == .unauthorized)
            let kind = try await json(app, .POST, "/api/v1/ladder", body: #"{"kind":"institution","inputs":{}}"#)
            #expect(kind.status == .unprocessableEntity)
            #expect(try errorBody(kind).field == "kind")
            let bad = try await json(app, .POST, "/api/v1/ladder", body: #"{"inputs":{"staff_count":"many"}}"#)
            #expect(bad.status == .unprocessableEntity)
            #expect(try errorBody(bad).field == "inputs.staff_count")
            let year = try await json(app, .POST, "/api/v1/ladder", token: try await apiToken(app, "enterprise"), body: #"{"entityId":"\#(id)","year":1800}"#)
            #expect(year.status == .unprocessableEntity)
        }
    }

    @Test("Demo data puts enterprises on every rung: someone meets each of 科技型中小企业, 创新型中小企业 and 小巨人, and someone is short")
    func demoSpread() async throws {
        try await withPlatform { app in
            let token = try await apiToken(app, "admin")
            var met: [String: Int] = [:], short: [String: Int] = [:]
            for o in try await OrganizationRecord.query(on: app.db).filter(\.$kindRaw == "enterprise").all() {
                let res = try await json(app, .POST, "/api/v1/ladder", token: token, body: #"{"entityId":"\#(o.id!.uuidString)"}"#)
                #expect(res.status == .ok)
                struct Out: Decodable { struct R: Decodable { let rung: String; let status: String }; let rungs: [R] }
                for r in try JSONDecoder().decode(Out.self, from: Data(res.body.readableBytesView)).rungs {
                    if r.status == "eligible" { met[r.rung, default: 0] += 1 }
                    if r.status == "not_eligible" { short[r.rung, default: 0] += 1 }
                }
            }
            for rung in ["tech_sme", "innovative_sme", "little_giant"] { #expect((met[rung] ?? 0) > 0, "\(rung) met: \(met)") }
            for rung in ["tech_sme", "hnte", "specialized_sme"] { #expect((short[rung] ?? 0) > 0, "\(rung) short: \(short)") }
        }
    }
}
