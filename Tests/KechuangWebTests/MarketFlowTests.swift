import Fluent
import Foundation
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import SQLKit
import Testing
import VaporTesting

@Suite("Technology market end to end: listings, matching, 揭榜挂帅/赛马, contracts, brokers, points, exports")
struct MarketFlowTests {
    static func day(_ days: Int) -> String { ChinaTime.dateString(Date().addingTimeInterval(TimeInterval(days * 86400))) }

    static let demandForm = ["title": "降低碱性电解槽直流电耗", "problem": "风光制氢项目碱性电解槽直流电耗约4.8千瓦时每标方，电极活性衰减快，希望引进高活性电极。",
                             "expected": "直流电耗降至4.3以下", "field": "hydrogen", "budget": "800000", "deadline": day(60), "min_trl": "6", "confidentiality": "public"]
    static let achievementForm = ["title": "高活性镍钼析氢电极", "abstract": "开发镍钼合金多孔析氢电极，碱性电解槽槽电压降低150毫伏，直流电耗降至4.25千瓦时每标方，已完成中试。",
                                  "keywords": "电解槽 析氢电极", "field": "hydrogen", "trl": "7", "patents": "ZL202310001234.5:granted", "modes": "license,transfer",
                                  "price": "1200000", "contact_name": "王工", "contact_phone": "0477-8888888"]

    static func points(_ app: Application, _ org: UUID) async throws -> Int { try await PointsStore(db: app.db).balance(org) }

    @Test("Demand: bad input re-shows the form with nothing written; owner submits, staff publish (points), matches show their reasons")
    func listings() async throws {
        try await withPlatform { app in
            let ent = Browser(app), inst = Browser(app), rev = Browser(app)
            try await ent.signIn("enterprise"); try await inst.signIn("institution"); try await rev.signIn("reviewer")
            try await ent.get("/market/demands/new")
            let before = try await DemandRecord.query(on: app.db).count()
            for (field, value) in [("budget", "-5"), ("budget", "10.001"), ("min_trl", "10"), ("deadline", Self.day(-1)), ("field", "alchemy"), ("title", String(repeating: "长", count: 101))] {
                let res = try await ent.post("/market/demands", Self.demandForm.merging([field: value]) { $1 })
                #expect(res.status == .unprocessableEntity, "\(field)=\(value)")
                #expect(res.body.string.contains("field-error"))
            }
            #expect(try await DemandRecord.query(on: app.db).count() == before)
            #expect(try await ent.post("/market/demands", Self.demandForm).status == .seeOther)
            let d = try #require(try await DemandRecord.query(on: app.db).filter(\.$title == "降低碱性电解槽直流电耗").first())
            #expect(d.status == "draft")
            #expect(try await Browser(app).get("/market/demands/\(d.id!.uuidString)").status == .notFound) // drafts are private
            #expect(try await inst.post("/market/demands/\(d.id!.uuidString)/edit", Self.demandForm).status == .notFound)
            #expect(try await ent.post("/market/demands/\(d.id!.uuidString)/status", ["action": "publish"]).status == .conflict) // owners cannot publish
            #expect(try await ent.post("/market/demands/\(d.id!.uuidString)/status", ["action": "submit"]).status == .seeOther)
            #expect(try await rev.get("/market/review").body.string.contains("降低碱性电解槽直流电耗"))
            // Returning needs a reason; the owner finds the returned demand and the reason under 我的成果与需求, and resubmits.
            let bare = try await rev.post("/market/demands/\(d.id!.uuidString)/status", ["action": "reject"])
            #expect(bare.status.code / 100 == 4)
            #expect(try await DemandRecord.find(d.id, on: app.db)?.status == "submitted")
            #expect(try await rev.post("/market/demands/\(d.id!.uuidString)/status", ["action": "reject", "note": "请补充电耗基线数据"]).status == .seeOther)
            let mine = try await ent.get("/market/mine?kind=demand&status=rejected")
            #expect(mine.status == .ok && mine.body.string.contains("降低碱性电解槽直流电耗") && mine.body.string.contains("请补充电耗基线数据"))
            #expect(!(try await inst.get("/market/mine").body.string.contains("降低碱性电解槽直流电耗"))) // another organisation's
            let sheet = try XLSXReader.rows(from: Data(try await ent.get("/market/mine?status=rejected&format=xlsx").body.readableBytesView))
            #expect(sheet.count == 2 && sheet[1].contains("请补充电耗基线数据"))
            #expect(try await ent.get("/market/mine?status=lost").status.code / 100 == 4)
            #expect(try await ent.post("/market/demands/\(d.id!.uuidString)/status", ["action": "submit"]).status == .seeOther)
            #expect(try await rev.post("/market/demands/\(d.id!.uuidString)/status", ["action": "publish"]).status == .seeOther)
            #expect(try await Self.points(app, d.organizationID) == 10)
            let page = try await ent.get("/market/demands/\(d.id!.uuidString)")
            #expect(page.body.string.contains("高活性镍基析氢电极")) // a demo achievement of the labelled set matches
            #expect(page.body.string.contains("共同关键词"))
            #expect(try await auditCount(app, action: "demand.publish") == 1)
        }
    }

    @Test("Connection: the demand's owner or a broker asks, the achievement's owner accepts; both earn points; the broker is attributed")
    func connections() async throws {
        try await withPlatform { app in
            let ent = Browser(app), inst = Browser(app), broker = Browser(app)
            try await ent.signIn("enterprise"); try await inst.signIn("institution"); try await broker.signIn("broker")
            let d = try #require(try await DemandRecord.query(on: app.db).filter(\.$status == "published").sort(\.$title).first())
            let owned = try await OrganizationRecord.query(on: app.db).filter(\.$name == "鄂尔多斯实验室").first()!.id!
            let a = try #require(try await AchievementRecord.query(on: app.db).filter(\.$organizationID == owned).first())
            try await broker.get("/market")
            #expect(try await broker.post("/market/matches", ["demand_id": d.id!.uuidString, "achievement_id": a.id!.uuidString, "note": "经纪人推荐"]).status == .seeOther)
            #expect(try await broker.post("/market/matches", ["demand_id": d.id!.uuidString, "achievement_id": a.id!.uuidString]).status == .conflict)
            let m = try #require(try await MarketMatchRecord.query(on: app.db).first())
            #expect(m.brokerID != nil)
            try await ent.get("/market")
            #expect(try await ent.post("/market/matches/\(m.id!.uuidString)/decide", ["accept": "true"]).status == .notFound) // not the achievement's owner
            // The achievement's owner sees the request waiting under 我的成果与需求, then accepts it on the achievement's page.
            let waiting = try await inst.get("/market/mine")
            #expect(waiting.body.string.contains(d.title) && waiting.body.string.contains("/market/achievements/\(a.id!.uuidString)"))
            try await inst.get("/market/achievements/\(a.id!.uuidString)")
            #expect(try await inst.post("/market/matches/\(m.id!.uuidString)/decide", ["accept": "true"]).status == .seeOther)
            #expect(!(try await inst.get("/market/mine").body.string.contains(d.title)))
            #expect(try await Self.points(app, a.organizationID) == 20)
            #expect(try await Self.points(app, d.organizationID) == 20)
            let profile = try #require(try await BrokerProfileRecord.query(on: app.db).first())
            #expect(try await Browser(app).get("/market/brokers/\(profile.id!.uuidString)").body.string.contains(d.title))
        }
    }

    @Test("赛马: bids until the deadline only; only the panel scores; no award before every score; TRL-gated milestones release exact funds and eliminate")
    func raceChallenge() async throws {
        try await withPlatform { app in
            let admin = Browser(app), rev = Browser(app), inst = Browser(app), other = Browser(app), ent = Browser(app)
            try await admin.signIn("admin"); try await rev.signIn("reviewer"); try await inst.signIn("institution"); try await ent.signIn("enterprise")
            let d = try #require(try await DemandRecord.query(on: app.db).filter(\.$status == "published").first())
            try await admin.get("/market/challenges/new?demand=\(d.id!.uuidString)")
            let form = ["title": "矿区氢能重卡低温冷启动", "description": "面向零下30度矿区运输场景，攻克燃料电池重卡冷启动难题，形成工程化方案。", "conditions": "具有燃料电池系统研发基础",
                        "mode": "saima", "teams": "2", "reward": "1000000.01", "deadline": Self.day(20), "criteria": "技术方案:60\n团队能力:40",
                        "milestones": "样机|5|30|\(Self.day(120))\n示范|7|70|\(Self.day(300))", "panel": "reviewer,admin", "demand_id": d.id!.uuidString]
            #expect(try await admin.post("/market/challenges", form.merging(["criteria": "技术方案:60\n团队能力:30"]) { $1 }).status == .unprocessableEntity)
            #expect(try await admin.post("/market/challenges", form.merging(["panel": "enterprise"]) { $1 }).status == .unprocessableEntity)
            #expect(try await admin.post("/market/challenges", form).status == .seeOther)
            let c = try #require(try await ChallengeRecord.query(on: app.db).first())
            #expect(try await inst.post("/market/challenges", form).status == .forbidden) // only staff set challenges
            // The list filters by text, mode and the state as of today; bad filters name the parameter.
            let visitor = Browser(app)
            #expect(try await visitor.get("/market/challenges?q=冷启动&mode=saima&state=open").body.string.contains("矿区氢能重卡低温冷启动"))
            let jiebang = try await visitor.get("/market/challenges?mode=jiebang")
            #expect(jiebang.status == .ok && !jiebang.body.string.contains("矿区氢能重卡低温冷启动"))
            #expect(!(try await visitor.get("/market/challenges?state=review").body.string.contains("矿区氢能重卡低温冷启动")))
            #expect(try await visitor.get("/market/challenges?state=sleeping").status.code / 100 == 4)
            #expect(try await visitor.get("/market/challenges?mode=saima&format=csv").body.string.contains("矿区氢能重卡低温冷启动"))
            // Three organisations bid: the institution, a second institution's member (made here) and the enterprise.
            let second = try await OrganizationRecord.query(on: app.db).filter(\.$name == "北京大学鄂尔多斯能源研究院").first()!
            let u = UserRecord(username: "pku", displayName: "北大研究院", passwordHash: try app.services.hasher.hash(demoPassword), role: .institution)
            try await u.create(on: app.db)
            try await MembershipRecord(userID: u.id!, organizationID: second.id!, level: .owner).create(on: app.db)
            try await other.signIn("pku")
            let bid = ["proposal": "采用膜电极含水量预估与自加热策略，零下30度无辅助冷启动小于3分钟。", "claimed_trl": "5", "budget": "900000"]
            for b in [inst, other, ent] {
                try await b.get("/market/challenges/\(c.id!.uuidString)")
                #expect(try await b.post("/market/challenges/\(c.id!.uuidString)/bids", bid).status == .seeOther)
            }
            #expect(try await inst.post("/market/challenges/\(c.id!.uuidString)/bids", bid).status == .conflict) // once per organisation
            let bids = try await BidRecord.query(on: app.db).filter(\.$challengeID == c.id!).sort(\.$createdAt).all()
            // Scoring before the deadline is refused; then the deadline passes.
            try await rev.get("/market/challenges/\(c.id!.uuidString)")
            #expect(try await rev.post("/market/bids/\(bids[0].id!.uuidString)/scores", ["score_0": "90", "score_1": "80"]).status == .conflict)
            c.deadline = Self.day(-1)
            try await c.update(on: app.db)
            #expect(try await ent.post("/market/challenges/\(c.id!.uuidString)/bids", bid).status == .conflict) // no bid after the deadline
            #expect(try await inst.post("/market/bids/\(bids[0].id!.uuidString)/scores", ["score_0": "90", "score_1": "80"]).status == .forbidden) // not on the panel
            #expect(try await rev.post("/market/bids/\(bids[0].id!.uuidString)/scores", ["score_0": "190", "score_1": "80"]).status == .unprocessableEntity)
            #expect(try await admin.post("/market/challenges/\(c.id!.uuidString)/award", [:]).status == .conflict) // no award without scores
            try await admin.get("/market/challenges/\(c.id!.uuidString)")
            for (k, (s1, s2)) in [(90, 80), (70, 75), (85, 60)].enumerated() {
                #expect(try await rev.post("/market/bids/\(bids[k].id!.uuidString)/scores", ["score_0": String(s1), "score_1": String(s2)]).status == .seeOther)
                #expect(try await admin.post("/market/bids/\(bids[k].id!.uuidString)/scores", ["score_0": String(s1 - 5), "score_1": String(s2)]).status == .seeOther)
            }
            #expect(try await admin.post("/market/challenges/\(c.id!.uuidString)/award", [:]).status == .seeOther)
            let selected = try await BidRecord.query(on: app.db).filter(\.$challengeID == c.id!).filter(\.$status == "selected").all()
            #expect(Set(selected.map { $0.id! }) == Set([bids[0].id!, bids[2].id!])) // top two: 84.0 and 75.0 ahead of 72.0
            // Milestone 1 (TRL ≥ 5): a pass with TRL 4 is refused; both pass with 5 and share 300000.00 exactly.
            let m1 = ["trl_\(bids[0].id!.uuidString)": "4", "pass_\(bids[0].id!.uuidString)": "true", "trl_\(bids[2].id!.uuidString)": "5",
                      "pass_\(bids[2].id!.uuidString)": "true", "note": "样机评审"]
            #expect(try await admin.post("/market/challenges/\(c.id!.uuidString)/milestones", m1).status == .unprocessableEntity)
            #expect(try await admin.post("/market/challenges/\(c.id!.uuidString)/milestones", m1.merging(["trl_\(bids[0].id!.uuidString)": "5"]) { $1 }).status == .seeOther)
            var reviews = try await MilestoneReviewRecord.query(on: app.db).all()
            #expect(reviews.map(\.amountFen).sorted() == [15_000_000, 15_000_000])
            // Milestone 2: only one team may pass the last stage of a 赛马; the other is eliminated; the rest of the reward is released.
            let both = ["trl_\(bids[0].id!.uuidString)": "7", "pass_\(bids[0].id!.uuidString)": "true", "trl_\(bids[2].id!.uuidString)": "7",
                        "pass_\(bids[2].id!.uuidString)": "true", "note": "示范评审"]
            #expect(try await admin.post("/market/challenges/\(c.id!.uuidString)/milestones", both).status == .unprocessableEntity)
            #expect(try await admin.post("/market/challenges/\(c.id!.uuidString)/milestones", both.merging(["pass_\(bids[2].id!.uuidString)": "false"]) { $1 }).status == .seeOther)
            reviews = try await MilestoneReviewRecord.query(on: app.db).filter(\.$milestoneIndex == 1).all()
            #expect(reviews.reduce(0) { $0 + $1.amountFen } == 70_000_001) // 1,000,000.01 − 300,000.00
            #expect(try await ChallengeRecord.find(c.id, on: app.db)?.state == "completed")
            #expect(try await BidRecord.find(bids[2].id, on: app.db)?.status == "eliminated")
            #expect(try await auditCount(app, action: "challenge.milestone") == 2)
        }
    }

    @Test("Contracts: registered once with a 16-digit number; bad amounts name the field; turnover and subsidy follow; points append-only")
    func contracts() async throws {
        try await withPlatform { app in
            let inst = Browser(app)
            try await inst.signIn("institution")
            try await inst.get("/market/contracts/new")
            // Registration year, not signing year: on 1 January a contract signed three days ago counts in the new year.
            let year = String(ChinaTime.dateString(Date()).prefix(4))
            let form = ["contract_number": "KBS-2026-001", "title": "电解槽电极技术许可", "type": "license", "field": "hydrogen", "seller_region": "150603",
                        "buyer_name": "鄂尔多斯市康巴什氢能科技有限公司", "buyer_region": "150603", "total": "1200000.00", "technical_income": "1000000", "signed_on": Self.day(-3)]
            for (field, value) in [("total", "-1"), ("technical_income", "1300000"), ("technical_income", "1.001"), ("buyer_region", "12"), ("signed_on", Self.day(3))] {
                #expect(try await inst.post("/market/contracts", form.merging([field: value]) { $1 }).status == .unprocessableEntity, "\(field)=\(value)")
            }
            #expect(try await TechContractRecord.query(on: app.db).count() == 0)
            #expect(try await inst.post("/market/contracts", form).status == .seeOther)
            #expect(try await inst.post("/market/contracts", form).status == .conflict) // twice
            let c = try #require(try await TechContractRecord.query(on: app.db).first())
            #expect(c.registrationNumber.count == 16 && c.registrationNumber.hasPrefix(year + "150603") && c.sellerName == "鄂尔多斯实验室")
            #expect(c.buyerOrgID != nil)
            let token = try await apiToken(app, "institution")
            let dup = try await json(app, .POST, "/api/v1/market/contracts", token: token, body: try String(decoding: JSONEncoder().encode(form), as: UTF8.self))
            #expect(dup.status == .conflict)
            #expect(try errorBody(dup).field == "contract_number")
            let bad = try await json(app, .POST, "/api/v1/market/contracts", token: token, body: #"{"contract_number":"X-1","total":"abc"}"#)
            #expect(bad.status == .badRequest || bad.status == .unprocessableEntity)
            #expect(try await TechContractRecord.query(on: app.db).count() == 1)
            // The list filters by text, registration year, type, field and Ordos side; bad filters name the parameter.
            #expect(try await inst.get("/market/contracts?q=电解槽&year=\(year)&type=license&field=hydrogen&side=output").body.string.contains(c.registrationNumber))
            #expect(try await inst.get("/market/contracts?type=development").body.string.contains(c.registrationNumber) == false)
            #expect(try await inst.get("/market/contracts?year=\(Int(year)! - 1)").body.string.contains(c.registrationNumber) == false)
            let filtered = try await inst.get("/market/contracts?side=absorbed&format=csv")
            #expect(filtered.body.string.contains(c.contractNumber)) // the buyer is in Ordos too
            for bad in ["type=bogus", "side=both", "year=19", "field=astrology"] {
                #expect(try await inst.get("/market/contracts?\(bad)").status.code / 100 == 4, "\(bad)")
            }
            // The turnover indicator reads registered contracts (output) and the page shows the policy engine's subsidy.
            let computed = try await MonitoringController.computed(req: Request(application: app, on: app.eventLoopGroup.next()), key: "tech_market_turnover")
            #expect(computed.contains { $0.year == Int(year)! && $0.value == Decimal(string: "0.01")! })
            let page = try await inst.get("/market/contracts/\(c.id!.uuidString)")
            #expect(page.body.string.contains("¥20,000.00")) // 2 % of 1,000,000 (provisional rate)
            #expect(try await Self.points(app, c.sellerOrgID!) == 50)
            // The ledger refuses edits at the database; a reversal is a new entry with a reason.
            let entry = try #require(try await PointsEntryRecord.query(on: app.db).first())
            await #expect(throws: (any Error).self) { try await (app.db as! any SQLDatabase).raw("UPDATE points_ledger SET points = 999").run() }
            await #expect(throws: (any Error).self) { try await (app.db as! any SQLDatabase).raw("DELETE FROM points_ledger").run() }
            let rev = Browser(app)
            try await rev.signIn("reviewer")
            try await rev.get("/market/points?org=\(entry.organizationID.uuidString)")
            #expect(try await rev.post("/market/points/\(entry.id!.uuidString)/reverse", ["reason": ""]).status == .unprocessableEntity)
            #expect(try await rev.post("/market/points/\(entry.id!.uuidString)/reverse", ["reason": "合同登记信息有误，撤销积分"]).status == .seeOther)
            #expect(try await rev.post("/market/points/\(entry.id!.uuidString)/reverse", ["reason": "再次冲销"]).status == .conflict)
            #expect(try await Self.points(app, c.sellerOrgID!) == 0)
            #expect(try await PointsEntryRecord.query(on: app.db).count() == 2)
        }
    }

    @Test("Lists export to CSV and XLSX; search and two-way matching are in the API with reasons")
    func exportsAndAPI() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            let csv = try await b.get("/market/achievements?field=hydrogen&format=csv")
            #expect(csv.headers.contentType?.description.hasPrefix("text/csv") == true)
            let lines = csv.body.string.split(separator: "\r\n")
            #expect(lines.count > 2 && lines.dropFirst().allSatisfy { $0.contains("氢能") })
            let xlsx = try await b.get("/market/demands?format=xlsx")
            #expect(try XLSXReader.rows(from: Data(xlsx.body.readableBytesView)).count == 13) // header + 12 demo demands
            #expect([.badRequest, .unprocessableEntity].contains(try await b.get("/market/demands?format=pdf").status))
            #expect(try await b.get("/market/points/leaderboard?format=csv").status == .ok)
            struct Search: Decodable { struct Item: Decodable { let title: String }; let total: Int; let items: [Item] }
            let q = "电解槽".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let s = try JSONDecoder().decode(Search.self, from: Data(try await json(app, .GET, "/api/v1/market/achievements?q=\(q)").body.readableBytesView))
            #expect(s.items.first?.title.contains("电") == true)
            let d = try #require(try await DemandRecord.query(on: app.db).filter(\.$title == "碱性电解槽制氢能耗高，寻求降低直流电耗的方案").first())
            struct Matches: Decodable { struct M: Decodable { let title: String; let sharedTerms: [String]; let sameField: Bool; let reasons: String }; let matches: [M] }
            let token = try await apiToken(app, "broker")
            let res = try await json(app, .GET, "/api/v1/market/demands/\(d.id!.uuidString)/matches?limit=5", token: token)
            let m = try JSONDecoder().decode(Matches.self, from: Data(res.body.readableBytesView))
            #expect(m.matches.first?.title == "高活性镍基析氢电极及其在碱性电解槽中的应用")
            #expect(m.matches.first?.sameField == true && !(m.matches.first?.sharedTerms.isEmpty ?? true))
            let talent = try await apiToken(app, "talent")
            #expect(try await json(app, .GET, "/api/v1/market/demands/\(d.id!.uuidString)/matches", token: talent).status == .notFound)
        }
    }
}
