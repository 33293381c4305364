import Fluent
import Foundation
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("Recognitions and the platform registry")
struct RegistryTests {
    static let company = "鄂尔多斯市康巴什氢能科技有限公司"

    func org(_ app: Application, _ name: String = company) async throws -> OrganizationRecord {
        try #require(try await OrganizationRecord.query(on: app.db).filter(\.$name == name).first())
    }

    func multipart(_ b: Browser, _ path: String, fields: [String: String], file: (name: String, filename: String, content: Data)?) async throws -> TestingHTTPResponse {
        let boundary = "----kechuang\(UUID().uuidString.prefix(8))"
        var body = Data()
        var all = fields
        if let csrf = b.csrf { all["_csrf"] = csrf }
        for (k, v) in all.sorted(by: { $0.key < $1.key }) {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8))
        }
        if let file {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: application/pdf\r\n\r\n".utf8))
            body.append(file.content)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        var h = HTTPHeaders()
        if let c = b.cookie { h.replaceOrAdd(name: .cookie, value: c) }
        h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await b.app.testing().sendRequest(.POST, path, headers: h, body: ByteBuffer(data: body))
    }

    @Test("Staff record a first 高企 recognition with evidence; the award comes from the engine; the ladder counts it as held")
    func recordRecognition() async throws {
        try await withPlatform { app in
            let company = try await org(app)
            let id = company.id!.uuidString
            let staff = Browser(app)
            try await staff.signIn("admin")
            try await staff.get("/organizations/\(id)/recognitions")
            let audits = try await auditCount(app, action: "recognition.create")
            // Recognised ten days ago (Beijing), so it is in force today whatever the date of the run.
            let start = Day(ChinaTime.dateString(Date()))!.adding(days: -10)
            let year = start.year
            let res = try await multipart(staff, "/organizations/\(id)/recognitions", fields: [
                "rung": "hnte", "level": "national", "certificate_number": "GR\(year)15000777", "recognized_on": start.description,
                "expires_on": start.adding(days: 3 * 365).description, "issuing_body": "内蒙古自治区高新技术企业认定管理工作领导小组", "first_time": "true",
            ], file: ("evidence", "证书.pdf", Data("%PDF-1.4 test".utf8)))
            #expect(res.status == .seeOther)
            #expect(try await auditCount(app, action: "recognition.create") == audits + 1)
            let page = try await staff.get("/organizations/\(id)/recognitions").body.string
            #expect(page.contains("GR\(year)15000777"))
            #expect(page.contains("¥300,000.00"))
            // The enterprise sees it and its evidence; another enterprise does not.
            let owner = Browser(app)
            try await owner.signIn("enterprise")
            let own = try await owner.get("/organizations/\(id)/recognitions")
            #expect(own.status == .ok)
            #expect(!own.body.string.contains("action=\"/organizations/\(id)/recognitions\""))
            let rec = try #require(try await RecognitionRecord.query(on: app.db).filter(\.$certificateNumber == "GR\(year)15000777").first())
            let file = try await owner.get("/recognitions/\(rec.id!.uuidString)/evidence")
            #expect(file.status == .ok)
            #expect(file.body.string == "%PDF-1.4 test")
            let inst = Browser(app)
            try await inst.signIn("institution")
            #expect(try await inst.get("/recognitions/\(rec.id!.uuidString)/evidence").status == .notFound)
            #expect(try await inst.get("/organizations/\(id)/recognitions").status == .notFound)
            // The ladder now shows 高企 as held, from the record.
            let ladder = try await owner.get("/organizations/\(id)/ladder").body.string
            #expect(ladder.contains("id=\"rung-hnte\""))
            let hnte = String(ladder[ladder.range(of: "id=\"rung-hnte\"")!.lowerBound...].prefix(600))
            #expect(hnte.contains("已认定"))
            // And 一键匹配 finds the first-recognition award from the record, not from a typed fact.
            let match = try await json(app, .POST, "/api/v1/policy/match", token: try await apiToken(app, "enterprise"),
                                       body: #"{"entityId":"\#(id)","year":\#(year)}"#)
            #expect(match.body.string.contains(#""rule":"hte_first_recognition_award""#))
            #expect(match.body.string.contains(#""amount":"300000.00""#))
        }
    }

    @Test("Bad recognition input names each field; a duplicate number is refused; an enterprise cannot record")
    func recognitionValidation() async throws {
        try await withPlatform { app in
            let id = try await org(app).id!.uuidString
            let staff = Browser(app)
            try await staff.signIn("reviewer")
            try await staff.get("/organizations/\(id)/recognitions")
            let before = try await RecognitionRecord.query(on: app.db).count()
            let bad = try await multipart(staff, "/organizations/\(id)/recognitions", fields: [
                "rung": "galactic", "level": "", "certificate_number": "", "recognized_on": "2026-02-30", "expires_on": "2025-01-01", "issuing_body": "",
            ], file: nil)
            #expect(bad.status == .unprocessableEntity)
            let html = bad.body.string
            #expect(html.contains("field-error"))
            #expect(try await RecognitionRecord.query(on: app.db).count() == before)
            let order = try await multipart(staff, "/organizations/\(id)/recognitions", fields: [
                "rung": "tech_sme", "level": "national", "certificate_number": "X-1", "recognized_on": "2026-03-01", "expires_on": "2026-02-01",
                "issuing_body": "火炬中心",
            ], file: nil)
            #expect(order.status == .unprocessableEntity)
            #expect(order.body.string.contains("有效期须晚于认定日期"))
            let fields = ["rung": "tech_sme", "level": "national", "certificate_number": "X-2", "recognized_on": "2026-03-01",
                          "expires_on": "2027-02-28", "issuing_body": "火炬中心"]
            #expect(try await multipart(staff, "/organizations/\(id)/recognitions", fields: fields, file: nil).status == .seeOther)
            try await staff.get("/organizations/\(id)/recognitions")
            let again = try await multipart(staff, "/organizations/\(id)/recognitions", fields: fields, file: nil)
            #expect(again.status == .unprocessableEntity)
            #expect(again.body.string.contains("同类别、同编号"))
            let owner = Browser(app)
            try await owner.signIn("enterprise")
            try await owner.get("/organizations/\(id)/ladder")
            #expect(try await multipart(owner, "/organizations/\(id)/recognitions", fields: fields, file: nil).status == .forbidden)
        }
    }

    @Test("A recognition is revoked with a reason and never deleted; the revocation is audited; expiring ones are listed")
    func revokeAndExpiry() async throws {
        try await withPlatform { app in
            let staff = Browser(app)
            try await staff.signIn("admin")
            let rec = try #require(try await RecognitionRecord.query(on: app.db).filter(\.$revoked == false).with(\.$organization).first())
            try await staff.get("/organizations/\(rec.organization.id!.uuidString)/recognitions")
            let none = try await staff.post("/recognitions/\(rec.id!.uuidString)/revoke", ["reason": "  "])
            #expect(none.status == .unprocessableEntity)
            let ok = try await staff.post("/recognitions/\(rec.id!.uuidString)/revoke", ["reason": "证书编号录入错误"])
            #expect(ok.status == .seeOther)
            let after = try #require(try await RecognitionRecord.find(rec.id, on: app.db))
            #expect(after.revoked && after.revokedReason == "证书编号录入错误")
            let entry = try #require(try await AuditEntryRecord.query(on: app.db).filter(\.$action == "recognition.revoke").filter(\.$entityID == rec.id!.uuidString).first())
            #expect(entry.beforeJSON?.contains("\"revoked\":false") == true && entry.afterJSON?.contains("证书编号录入错误") == true)
            // The demo has a 专精特新 title running out within 90 days; the expiring filter finds it, CSV too.
            let list = try await staff.get("/admin/recognitions?expiring=1").body.string
            #expect(list.contains("即将到期"))
            let csv = try await staff.get("/admin/recognitions?expiring=1&format=csv")
            #expect(csv.headers.contentType?.description.contains("text/csv") == true)
            #expect(csv.body.string.contains("specialized_sme"))
            let bad = try await staff.get("/admin/recognitions?rung=nope")
            #expect(bad.status == .unprocessableEntity || bad.status == .badRequest)
        }
    }

    @Test("The public registry filters by kind, level, banner and field; awards come from the engine per level")
    func registry() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            let all = try await b.get("/platforms")
            #expect(all.status == .ok)
            #expect(all.body.string.contains("康巴什科技企业孵化器"))
            let incubators = try await b.get("/platforms?kind=incubator&level=national").body.string
            #expect(incubators.contains("康巴什科技企业孵化器") && !incubators.contains("伊金霍洛旗新能源专业孵化器"))
            let banner = try await b.get("/platforms?banner=150626").body.string
            #expect(banner.contains("乌审旗煤化工院士专家工作站") && !banner.contains("康巴什科技企业孵化器"))
            #expect(try await b.get("/platforms?kind=castle").status == .unprocessableEntity)
            let api = try await json(app, .GET, "/api/v1/platforms?kind=talent_enclave&per=1")
            #expect(api.status == .ok && api.body.string.contains(#""total":2"#) && api.body.string.contains(#""per":1"#))
            let badAPI = try await json(app, .GET, "/api/v1/platforms?level=galactic")
            #expect(badAPI.status == .unprocessableEntity)
            #expect(try errorBody(badAPI).field == "level")
            let xlsx = try await b.get("/platforms?kind=talent_enclave&format=xlsx")
            let rows = try XLSXReader.rows(from: Data(xlsx.body.readableBytesView))
            #expect(rows.count == 3)
            // The concept-verification centre: the city matches the region's 100万 one for one, labelled as such.
            let p = try #require(try await PlatformRecord.query(on: app.db).filter(\.$kind == "concept_verification").first())
            let page = try await b.get("/platforms/\(p.id!.uuidString)").body.string
            #expect(page.contains("¥1,000,000.00") && page.contains("按自治区金额等额"))
            // Staff see the awards due this year with the total; others may not.
            let staff = Browser(app)
            try await staff.signIn("admin")
            let due = try await staff.get("/admin/platforms/awards").body.string
            #expect(due.contains("自治区级概念验证平台等额奖补") && due.contains("应发合计"))
            let owner = Browser(app)
            try await owner.signIn("enterprise")
            #expect(try await owner.get("/admin/platforms/awards").status == .forbidden)
        }
    }

    @Test("Staff register a platform (errors name fields); the host's members file a report; imports are all rows or none")
    func registerAndReport() async throws {
        try await withPlatform { app in
            let staff = Browser(app)
            try await staff.signIn("admin")
            try await staff.get("/platforms/new")
            let host = try await org(app).id!.uuidString
            let bad = try await staff.post("/platforms", ["name": "", "kind": "talent_enclave", "subtype": "", "level": "city", "host": host,
                                                          "banner": "150603", "field": "hydrogen", "recognized_on": "2026-05-01"])
            #expect(bad.status == .unprocessableEntity)
            let ok = try await staff.post("/platforms", ["name": "鄂尔多斯（深圳）人才科创飞地", "kind": "talent_enclave", "subtype": "incubation", "level": "city",
                                                         "host": host, "banner": "150603", "field": "hydrogen", "recognized_on": "2026-05-01",
                                                         "document_number": "鄂科发〔2026〕9号", "issuing_body": "鄂尔多斯市科学技术局"])
            #expect(ok.status == .seeOther)
            let location = try #require(ok.headers.first(name: .location))
            #expect(try await auditCount(app, action: "platform.create") > 0)
            // The host's member files a yearly report through the form.
            let member = Browser(app)
            try await member.signIn("enterprise")
            try await member.get(location)
            let report = try await member.post(location + "/reports", ["year": "2026", "grade": "good", "summary": "孵化企业12家", "incubatees": "12"])
            #expect(report.status == .seeOther)
            let badReport = try await member.post(location + "/reports", ["year": "1800", "grade": "stellar", "summary": ""])
            #expect(badReport.status == .unprocessableEntity)
            // Another organisation's member may not.
            let inst = Browser(app)
            try await inst.signIn("institution")
            try await inst.get(location)
            #expect(try await inst.post(location + "/reports", ["year": "2026", "grade": "good", "summary": "x"]).status == .notFound)
            // Import: one unknown platform and nothing is written.
            try await staff.get("/platforms/new")
            let count = try await PlatformReportRecord.query(on: app.db).count()
            let csv = "platform,year,grade,summary\n鄂尔多斯（深圳）人才科创飞地,2025,excellent,好\n不存在的平台,2025,good,x\n"
            let rejected = try await multipart(staff, "/platforms/reports/import", fields: [:], file: ("file", "r.csv", Data(csv.utf8)))
            #expect(rejected.status == .unprocessableEntity)
            #expect(rejected.body.string.contains("不存在的平台"))
            #expect(try await PlatformReportRecord.query(on: app.db).count() == count)
            let good = "platform,year,grade,summary\n鄂尔多斯（深圳）人才科创飞地,2025,excellent,好\n"
            #expect(try await multipart(staff, "/platforms/reports/import", fields: [:], file: ("file", "r.csv", Data(good.utf8))).status == .seeOther)
            #expect(try await PlatformReportRecord.query(on: app.db).count() == count + 1)
        }
    }
}

/// The demo data's latest year: the year before the current one (Beijing).
var lastYear: Int { Day(ChinaTime.dateString(Date()))!.year - 1 }

@Suite("Innovation points and 双倍增/三清零 pages")
struct PointsAndTrackingTests {
    @Test("Staff see the ranked points list with the method and version, export XLSX; an enterprise sees only its own profile")
    func points() async throws {
        try await withPlatform { app in
            let staff = Browser(app)
            try await staff.signIn("admin")
            let page = try await staff.get("/entities/points?year=\(lastYear)")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("ordos-pilot-v1") && html.contains("百分位") && html.contains("组内排名"))
            #expect(html.contains("鄂尔多斯市康巴什氢能科技有限公司"))
            let xlsx = try await staff.get("/entities/points?year=\(lastYear)&format=xlsx")
            let rows = try XLSXReader.rows(from: Data(xlsx.body.readableBytesView))
            #expect(rows.first?.contains("rd_intensity") == true)
            #expect(rows.count == 37)
            #expect(try await staff.get("/entities/points?version=v9").status == .unprocessableEntity)
            #expect(try await staff.get("/entities/points?stage=teenage").status == .unprocessableEntity)
            let company = try #require(try await OrganizationRecord.query(on: app.db).filter(\.$name == "鄂尔多斯市康巴什氢能科技有限公司").first())
            let owner = Browser(app)
            try await owner.signIn("enterprise")
            #expect(try await owner.get("/entities/points").status == .forbidden)
            let mine = try await owner.get("/organizations/\(company.id!.uuidString)/points?year=\(lastYear)")
            #expect(mine.status == .ok)
            #expect(mine.body.string.contains("研发费用占营业收入比重") && mine.body.string.contains("组内百分位"))
            let other = try #require(try await OrganizationRecord.query(on: app.db).filter(\.$kindRaw == "enterprise").filter(\.$id != company.id!).first())
            #expect(try await owner.get("/organizations/\(other.id!.uuidString)/points").status == .notFound)
        }
    }

    @Test("双倍增 counts by year and banner from the records; 三清零 lists the 规上 firms still at zero; CSV of the list")
    func tracking() async throws {
        try await withPlatform { app in
            let staff = Browser(app)
            try await staff.signIn("reviewer")
            let page = try await staff.get("/entities/tracking")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("双倍增") && html.contains("三清零") && html.contains("尚未清零的企业"))
            #expect(html.contains("无研发机构"))
            let csv = try await staff.get("/entities/tracking?format=csv")
            #expect(csv.body.string.contains("no_rd_institution"))
            #expect(try await staff.get("/entities/tracking?zero=everything").status == .unprocessableEntity)
            let owner = Browser(app)
            try await owner.signIn("enterprise")
            #expect(try await owner.get("/entities/tracking").status == .forbidden)
            // The monitoring indicator 国家高新技术企业数 now has a value computed from the records.
            let indicator = try await staff.get("/monitoring/indicators/hte_count").body.string
            #expect(indicator.contains("持有有效高新技术企业认定的企业"))
        }
    }
}

@Suite("Ladder batch job")
struct LadderRunJobTests {
    @Test("Staff start a ladder run; the job reports progress, finishes with counts per rung and CSV/XLSX; a bad year names the field")
    func run() async throws {
        try await withPlatform { app in
            let staff = Browser(app)
            try await staff.signIn("reviewer")
            try await staff.get("/admin/ladder/runs")
            let bad = try await staff.post("/admin/ladder/runs", ["year": "19"])
            #expect(bad.status == .unprocessableEntity)
            let started = try await staff.post("/admin/ladder/runs", ["year": String(lastYear)])
            #expect(started.status == .seeOther)
            let location = try #require(started.headers.first(name: .location))
            #expect(try await staff.get(location).body.string.contains("http-equiv=\"refresh\""))
            #expect(await JobWorker.runNext(app))
            let done = try await staff.get(location).body.string
            #expect(done.contains("已完成") && done.contains("36 家企业") && done.contains("ladder.xlsx"))
            let csv = try await staff.get(location + "/files/ladder.csv").body.string
            #expect(csv.contains("next_rung") && csv.contains("鄂尔多斯市康巴什氢能科技有限公司"))
            let xlsx = try await staff.get(location + "/files/ladder.xlsx")
            let rows = try XLSXReader.rows(from: Data(xlsx.body.readableBytesView))
            #expect(rows.count == 37 && rows[0].contains("little_giant"))
            let owner = Browser(app)
            try await owner.signIn("enterprise")
            #expect(try await owner.get(location).status == .forbidden)
        }
    }
}
