import Fluent
import Foundation
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import SQLKit
import Testing
import VaporTesting

@Suite("Talent: records, personal data, classification, 人才码, green channel")
struct TalentTests {
    func talent(_ app: Application, _ username: String = "talent") async throws -> TalentRecord {
        let user = try #require(try await UserRecord.query(on: app.db).filter(\.$username == username).first())
        return try #require(try await TalentRecord.query(on: app.db).filter(\.$user.$id == user.id!).with(\.$employer).first())
    }

    func request(_ app: Application, of t: TalentRecord, service: String) async throws -> ServiceRequestRecord {
        try #require(try await ServiceRequestRecord.query(on: app.db).filter(\.$talent.$id == t.id!).filter(\.$service == service).first())
    }

    @Test("ID numbers are sealed at rest, masked in lists and exports; the person sees their own in clear")
    func personalDataAtRest() async throws {
        try await withPlatform { app in
            let t = try await talent(app)
            let personal = try TalentStore(db: app.db, cipher: app.services.cipher).ownPersonalData(t)
            #expect(ResidentID.validate(personal.idNumber) == .success(personal.idNumber))
            // The stored bytes carry neither the number nor the phone.
            #expect(t.personalSealed.range(of: Data(personal.idNumber.utf8)) == nil)
            #expect(t.personalSealed.range(of: Data(personal.phone.utf8)) == nil)
            let rows = try await StoreSQL.sql(app.db).raw("SELECT * FROM talents").all()
            for row in rows {
                for column in row.allColumns {
                    if let text = try? row.decode(column: column, as: String.self) { #expect(!text.contains(personal.idNumber), "\(column) holds the ID number") }
                }
            }
            #expect(t.idMasked == ResidentID.masked(personal.idNumber))
            let me = Browser(app)
            try await me.signIn("talent")
            #expect(try await me.get("/talent/me").body.string.contains(personal.idNumber))
            let office = Browser(app)
            try await office.signIn("talentoffice")
            let list = try await office.get("/admin/talent").body.string
            #expect(list.contains(t.idMasked) && !list.contains(personal.idNumber))
            let csv = try await office.get("/admin/talent?format=csv").body.string
            #expect(csv.contains("王明远") && !csv.contains(personal.idNumber) && !csv.contains(personal.phone))
        }
    }

    @Test("An enterprise, a broker, another talent and another department's reviewer cannot read a talent's personal data")
    func othersCannotRead() async throws {
        try await withPlatform { app in
            let t = try await talent(app)
            let personal = try TalentStore(db: app.db, cipher: app.services.cipher).ownPersonalData(t)
            let r = try await request(app, of: t, service: "child_school")
            let paths = ["/admin/talent/\(t.id!.uuidString)?personal=1", "/admin/talent/\(t.id!.uuidString)", "/talent/requests/\(r.id!.uuidString)",
                         "/admin/talent", "/admin/talent?format=xlsx"]
            for user in ["enterprise", "broker", "talent-c", "reviewer", "hrss"] {
                let b = Browser(app)
                try await b.signIn(user)
                for p in paths {
                    let res = try await b.get(p)
                    #expect([.forbidden, .notFound].contains(res.status), "\(user) reached \(p): \(res.status)")
                    #expect(!res.body.string.contains(personal.idNumber) && !res.body.string.contains(personal.phone), "\(user) saw personal data at \(p)")
                }
            }
            // Nobody of those left a trace in the person's access log: they saw nothing.
            #expect(try await TalentAccessRecord.query(on: app.db).filter(\.$talent.$id == t.id!).count() == 0)
        }
    }

    @Test("Every staff view of personal data is in the access log the person reads; opening the record alone is not")
    func accessLog() async throws {
        try await withPlatform { app in
            let t = try await talent(app)
            let personal = try TalentStore(db: app.db, cipher: app.services.cipher).ownPersonalData(t)
            let office = Browser(app)
            try await office.signIn("talentoffice")
            let plain = try await office.get("/admin/talent/\(t.id!.uuidString)")
            #expect(plain.status == .ok && !plain.body.string.contains(personal.idNumber))
            #expect(try await TalentAccessRecord.query(on: app.db).count() == 0)
            let shown = try await office.get("/admin/talent/\(t.id!.uuidString)?personal=1")
            #expect(shown.body.string.contains(personal.idNumber))
            // The education officer handles the child-school request: sees the contact for that request, logged.
            let edu = Browser(app)
            try await edu.signIn("education")
            let r = try await request(app, of: t, service: "child_school")
            let page = try await edu.get("/talent/requests/\(r.id!.uuidString)")
            #expect(page.status == .ok && page.body.string.contains(personal.phone) && !page.body.string.contains(personal.idNumber))
            let log = try await TalentAccessRecord.query(on: app.db).filter(\.$talent.$id == t.id!).sort(\.$at).all()
            #expect(log.map(\.purpose) == ["profile", "service_request:\(r.id!.uuidString)"])
            #expect(log[1].viewerUnit == "市教育体育局")
            let me = Browser(app)
            try await me.signIn("talent")
            let mine = try await me.get("/talent/me/access-log").body.string
            #expect(mine.contains("市教育体育局") && mine.contains("市委组织部") && mine.contains("身份证号"))
        }
    }

    @Test("A profile with a wrong ID check digit is refused naming the field; a saved change is audited without personal data")
    func profileValidationAndAudit() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.signIn("talent")
            let t = try await talent(app)
            let p = try TalentStore(db: app.db, cipher: app.services.cipher).ownPersonalData(t)
            var form = TalentProfileController.values(t, personal: p)
            let good = form["id_number"]!
            let last = good.last == "1" ? "2" : "1"
            form["id_number"] = String(good.dropLast()) + last
            let bad = try await b.post("/talent/me", form)
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("身份证号校验位不对"), "\(bad.body.string.components(separatedBy: "field-error").dropFirst().map { $0.prefix(80) })")
            form["id_number"] = good
            form["phone"] = "13900001111"
            form["awards"] = "煤制烯烃关键技术 | national | 2 | 2 | 2022 | 50000\n第二项 | moon | 1 | 1 | 2020"
            let badLine = try await b.post("/talent/me", form)
            #expect(badLine.status == .unprocessableEntity && badLine.body.string.contains("第 2 行格式不对"))
            form["awards"] = "煤制烯烃关键技术 | national | 2 | 2 | 2022 | 50000"
            let ok = try await b.post("/talent/me", form)
            #expect(ok.status == .seeOther)
            let entry = try #require(try await AuditEntryRecord.query(on: app.db).filter(\.$action == "talent.update").first())
            #expect(entry.afterJSON?.contains("\"personalDataChanged\":true") == true)
            #expect(!(entry.afterJSON ?? "").contains("13900001111") && !(entry.afterJSON ?? "").contains(good))
            // Another talent cannot take the same ID number.
            let other = Browser(app)
            try await other.signIn("talent-f")
            let tf = try await talent(app, "talent-f")
            var f2 = TalentProfileController.values(tf, personal: try TalentStore(db: app.db, cipher: app.services.cipher).ownPersonalData(tf))
            f2["id_number"] = good
            let taken = try await other.post("/talent/me", f2)
            #expect(taken.status == .unprocessableEntity && taken.body.string.contains("已登记在另一个人才档案中"))
        }
    }

    @Test("Classification: the engine's class with criteria; the office confirms with a reason and the rule-base version")
    func classification() async throws {
        try await withPlatform { app in
            let token = try await apiToken(app, "talent-f")
            let res = try await json(app, .GET, "/api/v1/talent/me/classification", token: token)
            struct View: Decodable { struct C: Decodable { let category: String; let status: String; let reached: Bool }; let category: String?; let classes: [C] }
            let view = try JSONDecoder().decode(View.self, from: Data(res.body.readableBytesView))
            // 高雅琪: master's degree, aged about 30 → class F by the young-master route.
            #expect(view.category == "F" && view.classes.count == 6 && view.classes.first { $0.category == "F" }?.reached == true)
            let app1 = try #require(try await TalentClassificationRecord.query(on: app.db).filter(\.$state == "submitted").first())
            #expect(app1.computedCategory == "F" && app1.criteriaMet.contains("tc_f_young_master"))
            let office = Browser(app)
            try await office.signIn("talentoffice")
            _ = try await office.get("/admin/talent/classifications")
            let noReason = try await office.post("/admin/talent/classifications/\(app1.id!.uuidString)/decide", ["decision": "confirm", "reason": " "])
            #expect(noReason.status == .unprocessableEntity)
            let ok = try await office.post("/admin/talent/classifications/\(app1.id!.uuidString)/decide", ["decision": "confirm", "category": "E", "reason": "按相当于E类层次认定"])
            #expect(ok.status == .seeOther)
            let decided = try #require(try await TalentClassificationRecord.find(app1.id!, on: app.db))
            #expect(decided.state == "confirmed" && decided.decidedCategory == "E" && decided.decisionVersion == app.services.rules.current?.version)
            let t = try await talent(app, "talent-f")
            #expect(t.category == "E" && t.categoryVersion == app.services.rules.current?.version)
            #expect(try await auditCount(app, action: "talent_classification.confirm") >= 1)
            // A reviewer of another department may not decide.
            let other = Browser(app)
            try await other.signIn("reviewer")
            #expect(try await other.get("/admin/talent/classifications").status == .forbidden)
        }
    }

    @Test("人才码: issued, verified offline and online, refused when revoked; the old key verifies after rotation")
    func talentCode() async throws {
        try await withPlatform { app in
            let token = try await apiToken(app, "talent")
            struct Issued: Decodable { let code: String; let kid: String; let png: String }
            let first = try JSONDecoder().decode(Issued.self, from: Data(try await json(app, .POST, "/api/v1/talent/me/code", token: token, body: "{}").body.readableBytesView))
            struct Verdict: Decodable { let valid: Bool; let offline: String; let online: String; let category: String?; let name: String? }
            func verify(_ code: String) async throws -> Verdict {
                let res = try await json(app, .POST, "/api/v1/talent/verify", body: #"{"code":"\#(code)"}"#)
                return try JSONDecoder().decode(Verdict.self, from: Data(res.body.readableBytesView))
            }
            let v = try await verify(first.code)
            #expect(v.valid && v.offline == "valid" && v.online == "active" && v.category == "B" && v.name == "王明远")
            // Any other sign-in of the person (the phone at the desk) shows the same live code and its QR.
            let phone = Browser(app)
            try await phone.signIn("talent")
            #expect(try await phone.get("/talent/me/code").body.string.contains(first.code))
            #expect(try await phone.get("/talent/me/code.png").status == .ok)
            // The stored text is sealed, like personal data.
            let rec = try #require(try await TalentCodeRecord.query(on: app.db).filter(\.$revokedAt == nil).filter(\.$kid == first.kid).first())
            #expect(rec.textSealed != nil && rec.textSealed!.range(of: Data(first.code.utf8)) == nil)
            let png = try await app.testing().sendRequest(.GET, first.png, headers: ["authorization": "Bearer \(token)"])
            #expect(png.status == .ok && Array(png.body.readableBytesView.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            // Offline with the published keys, as the CLI does.
            let keys = try JSONDecoder.iso.decode(TalentCodeKeys.self, from: Data(try await app.testing().sendRequest(.GET, "/api/v1/talent/keys").body.readableBytesView))
            #expect(TalentCodeVerifier(keys: keys, check: TalentCodeSigning.check).verify(first.code, now: Date()).payload?.category == .b)
            let adminToken = try await apiToken(app, "admin")
            #expect(try await json(app, .POST, "/admin/talent/keys/rotate", token: adminToken, body: "{}").status == .created)
            #expect(try await verify(first.code).valid, "a code of the rotated-out key still verifies")
            let second = try JSONDecoder().decode(Issued.self, from: Data(try await json(app, .POST, "/api/v1/talent/me/code", token: token, body: "{}").body.readableBytesView))
            #expect(second.kid != first.kid)
            #expect(try await verify(first.code).online == "revoked", "a reissue supersedes the earlier code")
            let t = try await talent(app)
            let office = try await apiToken(app, "talentoffice")
            #expect(try await json(app, .POST, "/admin/talent/\(t.id!.uuidString)/code/revoke", token: office, body: #"{"reason":""}"#).status == .unprocessableEntity)
            #expect(try await json(app, .POST, "/admin/talent/\(t.id!.uuidString)/code/revoke", token: office, body: #"{"reason":"离开本市"}"#).status == .seeOther)
            let revoked = try await verify(second.code)
            #expect(!revoked.valid && revoked.offline == "valid" && revoked.online == "revoked" && revoked.name == nil)
            #expect(try await verify("KC1:AAAA").offline == "malformed")
            // Withdrawing the class revokes codes and stops new ones.
            let third = try JSONDecoder().decode(Issued.self, from: Data(try await json(app, .POST, "/api/v1/talent/me/code", token: token, body: "{}").body.readableBytesView))
            #expect(try await json(app, .POST, "/admin/talent/\(t.id!.uuidString)/withdraw", token: office, body: #"{"reason":"离开本市"}"#).status == .seeOther)
            #expect(try await verify(third.code).online == "revoked")
            #expect(try await json(app, .POST, "/api/v1/talent/me/code", token: token, body: "{}").status == .unprocessableEntity)
        }
    }

    @Test("Green channel: request → unit accepts, asks for documents, completes; the talent sees each step; others cannot act")
    func serviceRequest() async throws {
        try await withPlatform { app in
            let me = Browser(app)
            try await me.signIn("talent")
            _ = try await me.get("/talent/me/requests")
            let empty = try await me.post("/talent/me/requests", ["service": "spouse_employment", "details": ""])
            #expect(empty.status == .unprocessableEntity)
            let created = try await me.post("/talent/me/requests", ["service": "spouse_employment", "details": "配偶求职"])
            #expect(created.status == .seeOther)
            let t = try await talent(app)
            let r = try await request(app, of: t, service: "spouse_employment")
            let path = "/talent/requests/\(r.id!.uuidString)"
            // Another unit's officer and another talent get nothing.
            let edu = Browser(app)
            try await edu.signIn("education")
            #expect(try await edu.get(path).status == .notFound)
            #expect(try await edu.post(path + "/act", ["action": "accept"]).status == .notFound)
            let other = Browser(app)
            try await other.signIn("talent-c")
            #expect(try await other.get(path).status == .notFound)
            let hrss = Browser(app)
            try await hrss.signIn("hrss")
            _ = try await hrss.get(path)
            #expect(try await hrss.post(path + "/act", ["action": "complete", "note": "x"]).status == .unprocessableEntity, "cannot complete before accepting")
            #expect(try await hrss.post(path + "/act", ["action": "accept"]).status == .seeOther)
            #expect(try await hrss.post(path + "/act", ["action": "request_documents", "note": ""]).status == .unprocessableEntity, "a note is required")
            #expect(try await hrss.post(path + "/act", ["action": "request_documents", "note": "请补充配偶学历证书"]).status == .seeOther)
            _ = try await me.get(path)
            #expect(try await me.post(path + "/act", ["action": "accept"]).status == .forbidden, "the talent cannot accept for the unit")
            // The talent answers with a file (multipart, as the page's form sends it).
            let sent = try await RegistryTests().multipart(me, path + "/documents", fields: ["note": "已上传学历证书"],
                                                            file: (name: "documents[]", filename: "学历证书.pdf", content: Data("%PDF-1.4 degree".utf8)))
            #expect(sent.status == .seeOther)
            let file = try #require(try await ServiceRequestFileRecord.query(on: app.db).filter(\.$request.$id == r.id!).first())
            #expect(try await edu.get(path + "/files/\(file.id!.uuidString)").status == .notFound, "another unit cannot open the document")
            let before = try await TalentAccessRecord.query(on: app.db).filter(\.$talent.$id == t.id!).count()
            let download = try await hrss.get(path + "/files/\(file.id!.uuidString)")
            #expect(download.status == .ok && download.body.string == "%PDF-1.4 degree")
            let logged = try await TalentAccessRecord.query(on: app.db).filter(\.$talent.$id == t.id!).sort(\.$at, .descending).first()
            #expect(try await TalentAccessRecord.query(on: app.db).filter(\.$talent.$id == t.id!).count() == before + 1)
            #expect(logged?.fields == "evidence:学历证书.pdf" && logged?.viewerUnit == "市人力资源和社会保障局")
            #expect(try await hrss.post(path + "/act", ["action": "complete", "note": "已推荐岗位"]).status == .seeOther)
            let page = try await me.get(path).body.string
            for word in ["提交申请", "受理", "要求补充材料", "补充材料", "办结", "已推荐岗位", "学历证书.pdf"] { #expect(page.contains(word), "\(word) missing") }
            let done = try #require(try await ServiceRequestRecord.find(r.id!, on: app.db))
            #expect(done.state == "completed" && done.pausedSeconds >= 0 && done.pausedSince == nil)
            #expect(try await ServiceRequestStepRecord.query(on: app.db).filter(\.$request.$id == r.id!).count() == 5)
            #expect(try await auditCount(app, action: "service_request.complete") >= 1)
            // The demo's spouse-employment request of 孙晓岚 (accepted 45 days ago, 30-day service) counts as overdue for the unit.
            let counts = try await ServiceRequestStore(db: app.db).countsByUnit()
            #expect((counts.first { $0.unit == "市人力资源和社会保障局" }?.overdue ?? 0) >= 1)
            let queue = try await hrss.get("/services/requests?overdue=1").body.string
            #expect(queue.contains("已超时") && queue.contains("孙晓岚"))
        }
    }

    @Test("一键匹配 for a person: class B full-time gets up to 5000万 research funds, 300万 settling-in, stable support year by year")
    func personMatch() async throws {
        try await withPlatform { app in
            let token = try await apiToken(app, "talent")
            let res = try await json(app, .GET, "/api/v1/talent/me/match", token: token)
            struct R: Decodable { struct I: Decodable { let rule: String; let status: String; let amount: String?; let ceiling: Bool }; let results: [I]; let eligibleAwardTotal: String }
            let r = try JSONDecoder().decode(R.self, from: Data(res.body.readableBytesView))
            let funds = try #require(r.results.first { $0.rule == "talent_research_funds" })
            #expect(funds.status == "eligible" && funds.amount == "50000000.00" && funds.ceiling)
            #expect(r.results.first { $0.rule == "talent_settle_subsidy" }?.amount == "3000000.00")
            #expect(r.results.first { $0.rule == "top_talent_stable_support" }?.status == "eligible")
            // The 5万 regional prize of 2022 is too old to be matched now.
            #expect(r.results.first { $0.rule == "person_science_award_matching" }?.status == "not_eligible")
            // Ceilings are not entitlements: the total holds the settling-in subsidy only.
            #expect(r.eligibleAwardTotal == "3000000.00")
            let b = Browser(app)
            try await b.signIn("talent")
            let page = try await b.get("/talent/me/match").body.string
            #expect(page.contains("support-schedule") && page.contains("最高"))
        }
    }
}

extension JSONDecoder {
    static var iso: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }
}
