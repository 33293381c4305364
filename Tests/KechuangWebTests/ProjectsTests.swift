import Fluent
import Foundation
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("Projects: calls, applications, expert review, 公示, funds and the negative list, integrity")
struct ProjectsTests {
    static let today = Day(ChinaTime.dateString(Date()))!

    func user(_ app: Application, _ name: String) async throws -> UserRecord {
        try #require(try await UserRecord.query(on: app.db).filter(\.$username == name).first())
    }

    func call(_ app: Application, titled t: String) async throws -> ProjectCallRecord {
        try #require(try await ProjectCallRecord.query(on: app.db).filter(\.$title == t).first())
    }

    func id(from res: TestingHTTPResponse, prefix: String) throws -> String {
        let loc = try #require(res.headers.first(name: .location))
        #expect(loc.hasPrefix(prefix), "went to \(loc)")
        return String(loc.dropFirst(prefix.count).prefix(36))
    }

    static let draft: [String: String] = [
        "title": "高效PEM电解水制氢膜电极研发", "field": "hydrogen", "leader_name": "李研究员", "duration_months": "24",
        "objectives": "研制低铱载量膜电极并完成千小时耐久测试，形成可在鄂尔多斯落地的工程化方案。",
        "team": "李研究员|鄂尔多斯实验室|负责人\n王工|鄂尔多斯应用技术学院|合作单位", "milestones": "膜电极样品|样品10片，铱载量≤0.5mg/cm²|2027-06-30",
        "budget_equipment": "200000", "budget_business": "600000.50", "budget_labour": "200000", "budget_indirect": "240000", "self_funds": "0",
    ]

    @Test("Call → draft → formal check names each failing rule → signed submission frozen → review with conflicts kept out → ranking → 公示 → 任务书")
    func wholeFlow() async throws {
        try await withPlatform { app in
            let staff = Browser(app)
            try await staff.signIn("admin")
            try await staff.get("/projects/calls/new")
            var form = ["title": "2027年度测试专项", "programme": "科技计划", "summary": "面向氢能产业链关键技术需求组织攻关。", "field_hydrogen": "on",
                        "selection_mode": "competitive", "funding_mode": "budget", "ceiling": "1000000", "kind_institution": "on", "kind_enterprise": "on",
                        "opens_on": Self.today.description, "deadline": Self.today.description, "criteria": "创新性:60\n可行性:40",
                        "experts_per_application": "3", "max_expert_load": "10", "objection_days": "7"]
            form["criteria"] = "创新性:60\n可行性:30"
            let bad = try await staff.post("/projects/calls", form)
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("100"))
            form["criteria"] = "创新性:60\n可行性:40"
            let created = try await staff.post("/projects/calls", form)
            #expect(created.status == .seeOther)
            let callID = try id(from: created, prefix: "/projects/calls/")

            let applicant = Browser(app)
            try await applicant.signIn("institution")
            try await applicant.get("/projects/calls/\(callID)/apply")
            let saved = try await applicant.post("/projects/calls/\(callID)/applications", Self.draft)
            #expect(saved.status == .seeOther)
            let appID = try id(from: saved, prefix: "/projects/applications/")
            // 1,240,000.50 yuan asked of a 1,000,000 ceiling, and indirect above 30% of (direct − equipment) = 240,000.15.
            let page = try await applicant.get("/projects/applications/\(appID)").body.string
            #expect(page.contains(#"class="unmet" data-rule="pf_budget_within_ceiling""#))
            #expect(page.contains(#"class="met" data-rule="pf_indirect_within_cap""#))
            #expect(page.contains("¥240,000.15"))
            let refused = try await applicant.post("/projects/applications/\(appID)/submit", ["commitment": "on"])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("pf_budget_within_ceiling"))
            var fixed = Self.draft
            fixed["budget_business"] = "360000"
            fixed["budget_indirect"] = "168000"
            #expect(try await applicant.post("/projects/applications/\(appID)", fixed).status == .seeOther)
            let unsigned = try await applicant.post("/projects/applications/\(appID)/submit", [:])
            #expect(unsigned.status == .unprocessableEntity)
            #expect(try await applicant.post("/projects/applications/\(appID)/submit", ["commitment": "on"]).status == .seeOther)
            let a = try #require(try await ProjectApplicationRecord.find(UUID(uuidString: appID), on: app.db))
            #expect(a.applicationState == .submitted && a.commitmentSignedAt != nil && a.submittedCopy?.contains("168000") == true)
            #expect(a.budget.total == Money(fen: 92_800_000))
            // Frozen: no change after submission.
            #expect(try await applicant.post("/projects/applications/\(appID)", Self.draft).status == .conflict)

            // expert4 declares a conflict with the applicant; expert5 works for the partner named on the team.
            let e4 = Browser(app)
            try await e4.signIn("expert4")
            try await e4.get("/projects/reviews")
            #expect(try await e4.post("/projects/reviews/conflicts", ["organization": "鄂尔多斯实验室", "reason": "近三年合作发表论文"]).status == .seeOther)
            // Before the deadline has passed the review cannot start; then the deadline passes.
            #expect(try await staff.post("/projects/calls/\(callID)/review", [:]).status == .conflict)
            let c = try #require(try await ProjectCallRecord.find(UUID(uuidString: callID), on: app.db))
            c.deadline = Self.today.adding(days: -1).description
            try await c.update(on: app.db)
            #expect(try await staff.post("/projects/calls/\(callID)/review", [:]).status == .seeOther)
            let assigned = try await ReviewAssignmentRecord.query(on: app.db).filter(\.$applicationID == a.id!).all()
            #expect(assigned.count == 3)
            let assignedIDs = Set(assigned.map(\.expertUserID))
            var expertIDs: [String: UUID] = [:]
            for n in ["expert1", "expert2", "expert3", "expert4", "expert5"] { expertIDs[n] = try await user(app, n).id! }
            #expect(!assignedIDs.contains(expertIDs["expert4"]!) && !assignedIDs.contains(expertIDs["expert5"]!))
            #expect(assignedIDs == Set([expertIDs["expert1"]!, expertIDs["expert2"]!, expertIDs["expert3"]!]))

            // Each assigned expert scores once; an unassigned one cannot reach the sheet or the application.
            let assignedNames = try await UserRecord.query(on: app.db).filter(\.$id ~~ assigned.map(\.expertUserID)).all()
            let outsider = try #require(DemoProjects.experts.map(\.username).first { n in !assignedNames.contains { $0.username == n } })
            let o = Browser(app)
            try await o.signIn(outsider)
            #expect(try await o.get("/projects/reviews/\(assigned[0].id!.uuidString)").status == .notFound)
            #expect(try await o.get("/projects/applications/\(appID)").status == .notFound)
            for (i, asg) in assigned.enumerated() {
                let e = Browser(app)
                try await e.signIn(try #require(assignedNames.first { $0.id == asg.expertUserID }).username)
                let sheet = try await e.get("/projects/reviews/\(asg.id!.uuidString)").body.string
                // Another expert's comment never shows on this expert's page.
                #expect(!sheet.contains("评审意见第"))
                let r = try await e.post("/projects/reviews/\(asg.id!.uuidString)", ["score_创新性": String(80 + i), "score_可行性": "90", "comment": "评审意见第\(i)份：方案可行。"])
                #expect(r.status == .seeOther)
                #expect(try await e.post("/projects/reviews/\(asg.id!.uuidString)", ["score_创新性": "1", "score_可行性": "1", "comment": "再评一次的尝试"]).status == .conflict)
            }
            let ranking = try await staff.get("/projects/calls/\(callID)/ranking").body.string
            // Sheets 84.00, 84.60, 85.20 (60%·80 + 40%·90, …): fewer than five sheets, so the plain mean 84.60.
            #expect(ranking.contains("84.60"))
            let xlsx = try await staff.get("/projects/calls/\(callID)/ranking?format=xlsx")
            #expect(xlsx.status == .ok && xlsx.body.readableBytesView.starts(with: [0x50, 0x4B]))

            #expect(try await staff.post("/projects/applications/\(appID)/act", ["action": "approve", "note": ""]).status == .seeOther)
            #expect(try await staff.post("/projects/calls/\(callID)/publicity", [:]).status == .seeOther)
            let publicity = try await Browser(app).get("/projects/publicity").body.string
            #expect(publicity.contains("高效PEM电解水制氢膜电极研发"))
            // The applicant sees the score, never who gave it.
            let seen = try await applicant.get("/projects/applications/\(appID)").body.string
            #expect(seen.contains("84.60") && seen.contains("评审意见第0份"))
            for u in assignedNames { #expect(!seen.contains(u.displayName), "applicant saw \(u.username)") }
            // Objection during the period; the contract waits for the period's end and the answer.
            let broker = Browser(app)
            try await broker.signIn("broker")
            try await broker.get("/projects/calls/\(callID)")
            #expect(try await broker.post("/projects/calls/\(callID)/objections", ["application": appID, "text": "该团队成员同时承担另一项同类项目。"]).status == .seeOther)
            #expect(try await staff.post("/projects/applications/\(appID)/act", ["action": "contract"]).status == .conflict)
            let c2 = try #require(try await ProjectCallRecord.find(c.id, on: app.db))
            c2.publicityUntil = Self.today.adding(days: -1).description
            try await c2.update(on: app.db)
            let blocked = try await staff.post("/projects/applications/\(appID)/act", ["action": "contract"])
            #expect(blocked.status == .conflict && blocked.body.string.contains("1"))
            let objection = try #require(try await ProjectObjectionRecord.query(on: app.db).filter(\.$applicationID == a.id!).first())
            #expect(try await staff.post("/projects/objections/\(objection.id!.uuidString)/answer", ["answer": "经核实，两项目研究内容不同。"]).status == .seeOther)
            let contracted = try await staff.post("/projects/applications/\(appID)/act", ["action": "contract"])
            #expect(contracted.status == .seeOther)
            let p = try #require(try await ProjectRecord.query(on: app.db).filter(\.$applicationID == a.id!).first())
            #expect(p.projectState == .executing && p.budget.total == Money(fen: 92_800_000))
            #expect(try await ProjectMilestoneRecord.query(on: app.db).filter(\.$projectID == p.id!).count() == 1)
            // The demo data contracted one application already; this is the second.
            #expect(try await auditCount(app, action: "project_application.contract") == 2)
        }
    }

    @Test("An expense is checked against the negative list with the rule named; staff resolve it; totals stay exact to the fen")
    func negativeList() async throws {
        try await withPlatform { app in
            let p = try #require(try await ProjectRecord.query(on: app.db).first())
            let member = Browser(app)
            try await member.signIn("enterprise")
            try await member.get("/projects/\(p.id!.uuidString)")
            let base = ["category": "business", "payee": "鄂尔多斯某供应商", "spent_on": Self.today.description, "description": "测试支出", "procurement_followed": "on"]
            var fine = base
            fine["kind"] = "fine"; fine["amount"] = "200.01"; fine["invoice_no"] = "T-1"
            #expect(try await member.post("/projects/\(p.id!.uuidString)/expenses", fine).status == .seeOther)
            var dup = base
            dup["kind"] = "materials"; dup["amount"] = "99.99"; dup["invoice_no"] = "T-1"
            #expect(try await member.post("/projects/\(p.id!.uuidString)/expenses", dup).status == .seeOther)
            var ok = base
            ok["kind"] = "materials"; ok["amount"] = "0.10"; ok["invoice_no"] = "T-2"
            #expect(try await member.post("/projects/\(p.id!.uuidString)/expenses", ok).status == .seeOther)
            let rows = try await ExpenseRecord.query(on: app.db).filter(\.$projectID == p.id!).all()
            #expect(rows.first { $0.invoiceNo == "T-1" && $0.kind == "fine" }?.flagIDs == ["nl7_personal_and_fines"])
            #expect(rows.first { $0.invoiceNo == "T-1" && $0.kind == "materials" }?.flagIDs == ["nl2_duplicate_invoice"])
            #expect(rows.first { $0.invoiceNo == "T-2" }?.expenseState == .clear)
            let page = try await member.get("/projects/\(p.id!.uuidString)").body.string
            #expect(page.contains(#"data-rule="nl7_personal_and_fines""#) && page.contains("建立科研经费监管负面清单管理制度"))
            // A member cannot resolve; staff can, and a disallowed expense stops counting as spent.
            let fineRow = try #require(rows.first { $0.kind == "fine" })
            #expect(try await member.post("/projects/\(p.id!.uuidString)/expenses/\(fineRow.id!.uuidString)/resolve", ["decision": "accept", "note": "x"]).status == .forbidden)
            let staff = Browser(app)
            try await staff.signIn("admin")
            try await staff.get("/projects/\(p.id!.uuidString)")
            let before = try await ProjectStore(db: app.db).totals(p)
            #expect(try await staff.post("/projects/\(p.id!.uuidString)/expenses/\(fineRow.id!.uuidString)/resolve", ["decision": "disallow", "note": "罚款不得列支，责令退回。"]).status == .seeOther)
            let after = try await ProjectStore(db: app.db).totals(p)
            #expect(before.spent.fen - after.spent.fen == 20_001)
            // Bad input is named: a third decimal, an unknown kind.
            var bad = base
            bad["kind"] = "yacht"; bad["amount"] = "1.005"
            let r = try await member.post("/projects/\(p.id!.uuidString)/expenses", bad)
            #expect(r.status == .unprocessableEntity)
            // The JSON API answers the flags.
            let token = try await apiToken(app, "enterprise")
            let j = try await json(app, .POST, "/api/v1/projects/\(p.id!.uuidString)/expenses", token: token,
                                   body: #"{"kind":"entertainment","category":"business","amount":"88.80","payee":"某酒店","spent_on":"\#(Self.today)","description":"宴请"}"#)
            #expect(j.status == .created && j.body.string.contains("nl1_entertainment"))
            // Paying more than approved is refused with what is left.
            let over = try await staff.post("/projects/\(p.id!.uuidString)/disbursements", ["amount": "99999999", "purpose": "超额", "paid_on": Self.today.description])
            #expect(over.status == .unprocessableEntity)
        }
    }

    @Test("An active integrity ban fails the formal check with its rule and keeps the person out of review; closing the record (audited) lifts it")
    func integrityBan() async throws {
        try await withPlatform { app in
            let banned = Browser(app)
            try await banned.signIn("cashmere")
            let mine = try await banned.get("/projects/mine").body.string
            let appID = try #require(mine.firstMatch(of: #/projects/applications/([0-9A-F-]{36})/#)).output.1
            let page = try await banned.get("/projects/applications/\(appID)").body.string
            #expect(page.contains(#"class="unmet" data-rule="pf_no_integrity_ban""#))
            #expect(try await banned.post("/projects/applications/\(appID)/submit", ["commitment": "on"]).status == .unprocessableEntity)
            #expect(try await banned.get("/integrity/me").body.string.contains("鄂科信〔2025〕3号"))
            // Another company's user does not see it.
            let other = Browser(app)
            try await other.signIn("enterprise")
            #expect(!(try await other.get("/integrity/me").body.string.contains("鄂科信〔2025〕3号")))
            #expect(try await other.get("/integrity").status == .forbidden)
            let record = try #require(try await IntegrityCaseRecord.query(on: app.db).first())
            let staff = Browser(app)
            try await staff.signIn("admin")
            try await staff.get("/integrity")
            #expect(try await staff.post("/integrity/\(record.id!.uuidString)/close", ["reason": ""]).status == .unprocessableEntity)
            #expect(try await staff.post("/integrity/\(record.id!.uuidString)/close", ["reason": "复核撤销处理决定"]).status == .seeOther)
            #expect(try await IntegrityCaseRecord.query(on: app.db).count() == 1)
            #expect(try await auditCount(app, action: "integrity.close") == 1)
            try await banned.get("/projects/applications/\(appID)")
            #expect(try await banned.post("/projects/applications/\(appID)/submit", ["commitment": "on"]).status == .seeOther)

            // A banned expert is never assigned.
            let expert = try await user(app, "expert1")
            _ = try await IntegrityStore(db: app.db).create(.init(subject: .person, userID: expert.id, organizationID: nil, category: .fabrication, severity: .serious,
                                                                  finding: "篡改评审数据", sanction: "取消评审专家资格", decisionNo: "测-1", decidedBy: "市科技局",
                                                                  decidedOn: Self.today, banFrom: Self.today, banUntil: Self.today.adding(days: 365),
                                                                  evidence: .init(filename: "e.txt", contentType: "text/plain", content: Data("e".utf8))), actor: .system)
            let c = try await call(app, titled: "2026年度企业研发投入后补助项目")
            c.deadline = Self.today.adding(days: -1).description
            try await c.update(on: app.db)
            #expect(try await staff.post("/projects/calls/\(c.id!.uuidString)/review", [:]).status == .seeOther)
            #expect(try await ReviewAssignmentRecord.query(on: app.db).filter(\.$callID == c.id!).filter(\.$expertUserID == expert.id!).count() == 0)
            #expect(try await ReviewAssignmentRecord.query(on: app.db).filter(\.$callID == c.id!).count() > 0)
        }
    }

    @Test("Lifecycle over HTTP: mid-term before acceptance, milestones reviewed first; 先立项后补助 pays only after acceptance")
    func lifecycle() async throws {
        try await withPlatform { app in
            let p = try #require(try await ProjectRecord.query(on: app.db).first())
            let leader = Browser(app)
            try await leader.signIn("enterprise")
            try await leader.get("/projects/\(p.id!.uuidString)")
            #expect(try await leader.post("/projects/\(p.id!.uuidString)/act", ["action": "apply_acceptance"]).status == .conflict)
            #expect(try await leader.post("/projects/\(p.id!.uuidString)/act", ["action": "pass_midterm"]).status == .forbidden)
            #expect(try await leader.post("/projects/\(p.id!.uuidString)/act", ["action": "submit_midterm", "note": "中期报告"]).status == .seeOther)
            let staff = Browser(app)
            try await staff.signIn("admin")
            try await staff.get("/projects/\(p.id!.uuidString)")
            #expect(try await staff.post("/projects/\(p.id!.uuidString)/act", ["action": "pass_midterm"]).status == .seeOther)
            let refused = try await leader.post("/projects/\(p.id!.uuidString)/act", ["action": "apply_acceptance"])
            #expect(refused.status == .conflict && refused.body.string.contains("2"))
            for m in try await ProjectMilestoneRecord.query(on: app.db).filter(\.$projectID == p.id!).all() {
                #expect(try await staff.post("/projects/\(p.id!.uuidString)/milestones/\(m.id!.uuidString)", ["passed": "true", "note": "指标达到"]).status == .seeOther)
            }
            #expect(try await leader.post("/projects/\(p.id!.uuidString)/act", ["action": "apply_acceptance"]).status == .seeOther)
            #expect(try await staff.post("/projects/\(p.id!.uuidString)/act", ["action": "accept", "note": "通过验收"]).status == .seeOther)
            #expect(try await staff.post("/projects/\(p.id!.uuidString)/act", ["action": "evaluate"]).status == .unprocessableEntity)
            #expect(try await staff.post("/projects/\(p.id!.uuidString)/act", ["action": "evaluate", "grade": "good"]).status == .seeOther)
            #expect(try await ProjectRecord.find(p.id, on: app.db)?.projectState == .evaluated)

            // A 先立项后补助 project is not paid before acceptance.
            p.selectionMode = SelectionMode.postSubsidy.rawValue
            p.state = ProjectState.executing.rawValue
            try await p.update(on: app.db)
            let early = try await staff.post("/projects/\(p.id!.uuidString)/disbursements", ["amount": "1.00", "purpose": "补助", "paid_on": Self.today.description])
            #expect(early.status == .conflict)
            // Lists and exports.
            let list = try await staff.get("/projects/list?format=xlsx")
            #expect(list.status == .ok && list.body.readableBytesView.starts(with: [0x50, 0x4B]))
            let csv = try await staff.get("/projects/list?format=csv").body.string
            #expect(csv.contains(p.code) && csv.contains("3250000.00"))
        }
    }

    static func callForm(_ title: String, mode: String, extra: [String: String] = [:]) -> [String: String] {
        var f = ["title": title, "programme": "科技计划", "summary": "面向氢能产业链关键技术需求组织攻关，企业出题、政府立题、院所答题。", "field_hydrogen": "on",
                 "selection_mode": mode, "funding_mode": "lump_sum", "ceiling": "800000", "kind_institution": "on", "kind_enterprise": "on",
                 "opens_on": today.description, "deadline": today.adding(days: 30).description, "criteria": "方案:70\n团队:30"]
        for (k, v) in extra { f[k] = v }
        return f
    }

    @Test("定向委托 names its organisation and only it passes the applicant condition; 揭榜挂帅 runs as a market challenge from a demand and its award becomes a project")
    func directedAndChallenge() async throws {
        try await withPlatform { app in
            let staff = Browser(app)
            try await staff.signIn("admin")
            try await staff.get("/projects/calls/new")
            #expect(try await staff.post("/projects/calls", Self.callForm("定向委托测试", mode: "directed")).status == .unprocessableEntity)
            let made = try await staff.post("/projects/calls", Self.callForm("定向委托测试", mode: "directed", extra: ["directed_to": "鄂尔多斯实验室"]))
            let callID = try id(from: made, prefix: "/projects/calls/")
            #expect(try await staff.get("/projects/calls/\(callID)").body.string.contains(#"id="directed-to">鄂尔多斯实验室"#))
            var draft = Self.draft
            draft["budget_business"] = "300000"
            draft["budget_indirect"] = "0"
            draft["self_funds"] = "800000"
            for (who, passes) in [("institution", true), ("kbs2", false)] {
                let b = Browser(app)
                try await b.signIn(who)
                try await b.get("/projects/calls/\(callID)/apply")
                let appID = try id(from: try await b.post("/projects/calls/\(callID)/applications", draft), prefix: "/projects/applications/")
                let page = try await b.get("/projects/applications/\(appID)").body.string
                #expect(page.contains(passes ? #"class="met" data-rule="pf_applicant_kind""# : #"class="unmet" data-rule="pf_applicant_kind""#), "\(who)")
            }

            let demand = try #require(try await DemandRecord.query(on: app.db).filter(\.$status == "published").first())
            let d = Self.today.adding(days: 30)
            let jb = try await staff.post("/projects/calls", Self.callForm("揭榜挂帅测试", mode: "jiebang", extra: [
                "demand": demand.id!.uuidString, "conditions": "具备中试条件的单位或联合体", "panel": "expert1, expert2",
                "milestones": "中试|6|40|\(d.adding(days: 90))\n验收|8|60|\(d.adding(days: 300))"]))
            #expect(jb.status == .seeOther)
            let call = try await call(app, titled: "揭榜挂帅测试")
            let challenge = try #require(try await ChallengeRecord.find(call.challengeID, on: app.db))
            #expect(challenge.demandID == demand.id && challenge.rewardFen == 80_000_000 && challenge.mode == "jiebang")
            #expect(try await staff.get("/projects/calls/\(call.id!.uuidString)").body.string.contains("/market/challenges/\(challenge.id!.uuidString)"))
            // Not awarded yet: nothing to make.
            #expect(try await staff.post("/projects/calls/\(call.id!.uuidString)/award", [:]).status == .conflict)
            let lab = try #require(try await OrganizationRecord.query(on: app.db).filter(\.$name == "鄂尔多斯实验室").first())
            let bid = try await ChallengeStore(db: app.db).bid(challenge, organizationID: lab.id!, consortium: "", proposal: "方案", claimedTRL: 5,
                                                              budget: .yuan(1_000_000), actor: Actor(userID: try await user(app, "institution").id, name: "institution", address: "test"),
                                                              today: Self.today)
            bid.status = "selected"
            try await bid.update(on: app.db)
            #expect(try await staff.post("/projects/calls/\(call.id!.uuidString)/award", [:]).status == .seeOther)
            let p = try #require(try await ProjectRecord.query(on: app.db).filter(\.$callID == call.id!).first())
            #expect(p.organizationID == lab.id && p.budget.total == Money(fen: 80_000_000) && p.selection == .jiebang)
            #expect(try await ProjectMilestoneRecord.query(on: app.db).filter(\.$projectID == p.id!).count() == 2)
            // Twice makes no second project.
            #expect(try await staff.post("/projects/calls/\(call.id!.uuidString)/award", [:]).status == .seeOther)
            #expect(try await ProjectRecord.query(on: app.db).filter(\.$callID == call.id!).count() == 1)
        }
    }
}
