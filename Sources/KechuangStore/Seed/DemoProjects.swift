import FluentKit
import Foundation
import KechuangCore

/// Demo projects, made through the stores (so the engine checks every step as it would for a user): an expert pool
/// of six, a decided competitive call whose 公示 is over with a contracted project carrying a flagged expense, a
/// 先立项后补助 包干制 call taking applications with drafts, submitted, returned and withdrawn applications, a
/// milestone call in review with part of its sheets in, and an integrity ban that fails an enterprise's formal check.
public struct DemoProjects: Sendable {
    public static let markerKey = "demo_projects_loaded_at"
    public static let experts: [(username: String, name: String, org: String, fields: [PriorityField], title: String)] = [
        ("expert1", "王建国", "北京大学鄂尔多斯能源研究院", [.hydrogen, .energyStorage, .newEnergy], "研究员"),
        ("expert2", "李慧敏", "中国矿业大学(北京)内蒙古研究院", [.hydrogen, .modernCoalChemical, .ccus], "教授"),
        ("expert3", "张志远", "辽宁工程技术大学鄂尔多斯研究院", [.hydrogen, .modernEquipment, .energyStorage], "教授"),
        ("expert4", "刘晓燕", "中国地质大学(武汉)内蒙古研究院", [.hydrogen, .ecology, .newEnergy], "研究员"),
        ("expert5", "陈立新", "鄂尔多斯应用技术学院", [.hydrogen, .energyStorage, .cashmere], "副教授"),
        ("expert6", "赵明", "内蒙古大学鄂尔多斯学院", [.energyStorage, .digitalEconomy, .ai], "副教授"),
    ]
    /// An enterprise user whose company carries an integrity ban (its draft fails the formal check).
    public static let bannedUser = (username: "cashmere", name: "东胜羊绒申报员", org: "东胜区羊绒新材料科技有限公司")
    public static let colleague = (username: "kbs2", name: "康巴什氢能项目专员")

    let db: any Database
    let passwordHash: String
    public init(db: any Database, passwordHash: String) {
        self.db = db
        self.passwordHash = passwordHash
    }

    static let criteria = "创新性:30\n技术可行性:30\n团队能力:20\n预期效益:20"

    @discardableResult
    public func load(base: RuleBase, now: Date = Date()) async throws -> Bool {
        if try await PlatformSettingRecord.find(Self.markerKey, on: db) != nil { return false }
        guard let enterpriseUser = try await UserRecord.query(on: db).filter(\.$username == "enterprise").first(),
              let institutionUser = try await UserRecord.query(on: db).filter(\.$username == "institution").first() else { return false }
        let today = Day(ChinaTime.dateString(now))!
        let actor = Actor.system
        let reviewStore = ReviewStore(db: db)
        for e in Self.experts {
            let u = try await user(e.username, e.name, role: .institution, org: e.org)
            _ = try await reviewStore.saveExpert(userID: u.id!, fields: e.fields, title: e.title, active: true, now: now, actor: actor)
        }
        let banned = try await user(Self.bannedUser.username, Self.bannedUser.name, role: .enterprise, org: Self.bannedUser.org)
        // A second member of the hydrogen company: `enterprise` leads the contracted project, and a leader may hold
        // only one open project (pf_open_projects), so the company's other applications are this colleague's.
        let colleague = try await user(Self.colleague.username, Self.colleague.name, role: .enterprise, org: "鄂尔多斯市康巴什氢能科技有限公司")
        let orgs = try await OrganizationRecord.query(on: db).all()
        func org(_ name: String) -> UUID { orgs.first { $0.name == name }!.id! }
        let apps = ProjectApplicationStore(db: db)
        let calls = ProjectCallStore(db: db)
        func at(_ d: Day) -> Date { ChinaTime.date(d, hour: 10)! }

        // 1. A decided competitive call: reviewed, ranked, published, its 公示 over, one project under contract.
        let a = try await calls.create(try draft(title: "2026年度鄂尔多斯市科技重大专项（氢能与储能）", programme: "科技重大专项", mode: .competitive, funding: .budget,
                                                 ceiling: "5000000", fields: "hydrogen,energy_storage", opens: today.adding(days: -130),
                                                 deadline: today.adding(days: -90), made: today.adding(days: -131)),
                                       demandID: nil, challenge: nil, panel: [], now: at(today.adding(days: -131)), actor: actor)
        let a1 = try await application(a, org: org("鄂尔多斯市康巴什氢能科技有限公司"), user: enterpriseUser, title: "兆瓦级碱性电解水制氢系统关键技术研发",
                                       field: "hydrogen", equipment: "800000", business: "1500000", labour: "500000", indirect: "450000", own: "3500000",
                                       day: today.adding(days: -100), milestonesFrom: today.adding(days: -40), submit: true, base: base)
        let a2 = try await application(a, org: org("鄂尔多斯实验室"), user: institutionUser, title: "大规模液流储能电池系统集成与示范",
                                       field: "energy_storage", equipment: "600000", business: "1200000", labour: "600000", indirect: "300000", own: "0",
                                       day: today.adding(days: -98), milestonesFrom: today.adding(days: -40), submit: true, base: base)
        _ = try await reviewStore.startReview(a, today: today.adding(days: -88), now: at(today.adding(days: -88)), actor: actor)
        try await scoreAll(a, high: a1.id!, day: today.adding(days: -80))
        try await apps.act(try await apps.find(a1.id!)!, .approve, note: "评审排名第一，同意立项", by: .staff, now: at(today.adding(days: -70)), actor: actor)
        try await apps.act(try await apps.find(a2.id!)!, .reject, note: "示范场景落地条件不足，本年度不予立项", by: .staff, now: at(today.adding(days: -70)), actor: actor)
        _ = try await calls.publish(a.id!, ranking: try await reviewStore.ranking(a).rows, today: today.adding(days: -65), actor: actor)
        let project = try await apps.contract(try await apps.find(a1.id!)!, today: today.adding(days: -50), now: at(today.adding(days: -50)), actor: actor)
        let projects = ProjectStore(db: db)
        _ = try await projects.disburse(project, amount: Money(yuanString: "1625000")!, purpose: "首期拨付（50%）", paidOn: today.adding(days: -45), actor: actor)
        for (kind, cat, amount, payee, desc, invoice) in [
            ("materials", BudgetCategory.business, "86500.00", "内蒙古新材料供应有限公司", "电极材料与隔膜", "04400212"),
            ("testing", .business, "32000.00", "鄂尔多斯市检验检测中心", "电解槽性能检测", "04400213"),
            ("entertainment", .business, "4860.50", "康巴什大酒店", "项目交流晚宴", "04400214"),
        ] {
            _ = try await projects.addExpense(project, .init(kind: kind, category: cat, amount: Money(yuanString: amount)!, payee: payee, relatedParty: false,
                                                             invoiceNo: invoice, procurementFollowed: true, spentOn: today.adding(days: -30), description: desc),
                                              base: base, now: at(today.adding(days: -30)), actor: actor)
        }

        // 2. An open 先立项后补助 call (包干制) with applications in several states.
        let b = try await calls.create(try draft(title: "2026年度企业研发投入后补助项目", programme: "先立项后补助", mode: .postSubsidy, funding: .lumpSum,
                                                 ceiling: "1000000", fields: "cashmere,energy_storage,hydrogen,digital_economy", opens: today.adding(days: -20),
                                                 deadline: today.adding(days: 40), made: today.adding(days: -21)),
                                       demandID: nil, challenge: nil, panel: [], now: at(today.adding(days: -21)), actor: actor)
        let b1 = try await application(b, org: org("鄂尔多斯实验室"), user: institutionUser, title: "储能电站安全预警平台", field: "energy_storage",
                                       equipment: "0", business: "600000", labour: "200000", indirect: "0", own: "0", day: today.adding(days: -10),
                                       milestonesFrom: today.adding(days: 60), submit: true, base: base)
        _ = b1
        let b2 = try await application(b, org: org("鄂尔多斯市康巴什氢能科技有限公司"), user: colleague, title: "加氢站安全监测系统", field: "hydrogen",
                                       equipment: "0", business: "500000", labour: "100000", indirect: "0", own: "600000", day: today.adding(days: -9),
                                       milestonesFrom: today.adding(days: 60), submit: true, base: base)
        try await apps.act(try await apps.find(b2.id!)!, .returnForChanges, note: "请补充企业研发投入佐证材料和可考核的验收指标", by: .staff,
                           now: at(today.adding(days: -5)), actor: actor)
        let b3 = try await application(b, org: org("鄂尔多斯实验室"), user: institutionUser, title: "数字孪生储能运维（撤回）", field: "digital_economy",
                                       equipment: "0", business: "300000", labour: "0", indirect: "0", own: "0", day: today.adding(days: -8),
                                       milestonesFrom: today.adding(days: 60), submit: false, base: base)
        try await apps.act(b3, .withdraw, note: "与其他项目内容重复，主动撤回", by: .applicant, now: at(today.adding(days: -7)), actor: actor)
        _ = try await application(b, org: org("鄂尔多斯市康巴什氢能科技有限公司"), user: colleague, title: "氢燃料电池重卡示范（草稿）", field: "hydrogen",
                                  equipment: "0", business: "400000", labour: "100000", indirect: "0", own: "500000", day: today.adding(days: -3),
                                  milestonesFrom: today.adding(days: 90), submit: false, base: base)
        // The ban: a grave ghost-writing finding against the cashmere company; its draft fails pf_no_integrity_ban.
        _ = try await IntegrityStore(db: db).create(.init(
            subject: .organization, userID: nil, organizationID: org(Self.bannedUser.org), category: .ghostwriting, severity: .serious,
            finding: "2025年市级项目验收材料由第三方代写，检测报告篡改关键数据。", sanction: "取消项目、追回资金，3年内禁止承担财政性资金支持的科技活动",
            decisionNo: "鄂科信〔2025〕3号", decidedBy: "鄂尔多斯市科学技术局", decidedOn: today.adding(days: -200), banFrom: today.adding(days: -200),
            banUntil: today.adding(days: 895),
            evidence: .init(filename: "处理决定.txt", contentType: "text/plain", content: Data("鄂科信〔2025〕3号 处理决定（演示）".utf8))),
            now: at(today.adding(days: -200)), actor: actor)
        _ = try await application(b, org: org(Self.bannedUser.org), user: banned, title: "羊绒纤维功能化改性技术", field: "cashmere",
                                  equipment: "0", business: "300000", labour: "100000", indirect: "0", own: "400000", day: today.adding(days: -2),
                                  milestonesFrom: today.adding(days: 90), submit: false, base: base)

        // 3. A milestone call past its deadline and in review: expert1 and expert2 have sheets to write.
        let c = try await calls.create(try draft(title: "2026年度绿氢装备里程碑式攻关项目", programme: "重点研发计划", mode: .milestone, funding: .budget,
                                                 ceiling: "3000000", fields: "hydrogen", opens: today.adding(days: -40), deadline: today.adding(days: -5),
                                                 made: today.adding(days: -41), perApplication: 3),
                                       demandID: nil, challenge: nil, panel: [], now: at(today.adding(days: -41)), actor: actor)
        for (o, u, title) in [("鄂尔多斯市康巴什氢能科技有限公司", colleague, "PEM电解槽膜电极国产化"), ("鄂尔多斯实验室", institutionUser, "高压储氢瓶碳纤维缠绕工艺")] {
            _ = try await application(c, org: org(o), user: u, title: title, field: "hydrogen", equipment: "500000", business: "1000000", labour: "300000",
                                      indirect: "300000", own: o.hasSuffix("公司") ? "2100000" : "0", day: today.adding(days: -10),
                                      milestonesFrom: today.adding(days: 90), submit: true, base: base)
        }
        _ = try await reviewStore.startReview(c, today: today.adding(days: -2), now: at(today.adding(days: -2)), actor: actor)

        try await PlatformSettingRecord(key: Self.markerKey, value: ChinaTime.iso(now)).create(on: db)
        return true
    }

    func user(_ username: String, _ name: String, role: Role, org: String) async throws -> UserRecord {
        if let u = try await UserRecord.query(on: db).filter(\.$username == username).first() { return u }
        let u = UserRecord(username: username, displayName: name, passwordHash: passwordHash, role: role)
        try await u.create(on: db)
        if let o = try await OrganizationRecord.query(on: db).filter(\.$name == org).first() {
            try await MembershipRecord(userID: u.id!, organizationID: o.id!, level: .owner).create(on: db)
        }
        try await AuditTrail.event(on: db, actor: .system, action: "user.create", entityType: "user", entityID: u.id!.uuidString, detail: ["role": role.rawValue])
        return u
    }

    func draft(title: String, programme: String, mode: SelectionMode, funding: FundingMode, ceiling: String, fields: String, opens: Day, deadline: Day,
               made: Day, perApplication: Int = 5) throws -> CallDraft {
        try CallDraft.parse(["title": title, "programme": programme, "summary": "\(title)：围绕第十九条“以需求定任务、以任务定项目”组织实施，面向鄂尔多斯市重点产业链关键技术需求。",
                             "fields": fields, "selection_mode": mode.rawValue, "funding_mode": funding.rawValue, "ceiling": ceiling,
                             "allowed_kinds": "enterprise,institution", "opens_on": opens.description, "deadline": deadline.description,
                             "experts_per_application": String(perApplication), "max_expert_load": "20", "criteria": Self.criteria, "objection_days": "7"],
                            today: made)
    }

    func application(_ call: ProjectCallRecord, org: UUID, user: UserRecord, title: String, field: String, equipment: String, business: String,
                     labour: String, indirect: String, own: String, day: Day, milestonesFrom: Day, submit: Bool, base: RuleBase) async throws -> ProjectApplicationRecord {
        let store = ProjectApplicationStore(db: db)
        let d = try ProjectApplicationStore.Draft.parse([
            "title": title, "field": field, "leader_name": user.displayName, "duration_months": "24",
            "objectives": "\(title)：突破关键工艺与装备瓶颈，形成可在鄂尔多斯落地的工程化方案，完成中试验证。",
            "team": "\(user.displayName)|本单位|项目负责人\n周敏|本单位|技术骨干\n孙浩|本单位|工艺工程师",
            "milestones": "关键技术突破|完成样机1台，关键指标达到任务书要求|\(milestonesFrom)\n中试验证|连续运行1000小时，形成中试报告1份|\(milestonesFrom.addingMonths(12))",
            "budget_equipment": equipment, "budget_business": business, "budget_labour": labour, "budget_indirect": indirect, "self_funds": own])
        let a = try await store.create(call: call, organizationID: org, applicantID: user.id!, draft: d, today: day, now: ChinaTime.date(day, hour: 9)!,
                                       actor: Actor(userID: user.id, name: user.username, address: "system"))
        if submit {
            let check = try await store.submit(a, call: call, base: base, commitment: true, today: day, now: ChinaTime.date(day, hour: 11)!,
                                               actor: Actor(userID: user.id, name: user.username, address: "system"))
            if !check.passed { throw DomainError(.invalidInput, code: "demo.bad_row", arguments: ["name": title + ": " + check.failures.map(\.rule.id).joined(separator: ",")]) }
        }
        return a
    }

    /// Every assigned expert scores; `high` gets the higher marks, so the ranking is clear.
    func scoreAll(_ call: ProjectCallRecord, high: UUID, day: Day) async throws {
        let store = ReviewStore(db: db)
        for (i, a) in try await ReviewAssignmentRecord.query(on: db).filter(\.$callID == call.id!).sort(\.$expertUserID).all().enumerated() {
            let base = a.applicationID == high ? 82 : 70
            let scores = ["创新性": base + i % 5, "技术可行性": base + 3 - i % 3, "团队能力": base + 1, "预期效益": base + i % 4]
            _ = try await store.submitSheet(a, expertUserID: a.expertUserID, scores: scores, comment: "技术路线清晰，建议加强中试验证与成本分析。",
                                            now: ChinaTime.date(day, hour: 15)!, actor: Actor(userID: a.expertUserID, name: "expert", address: "system"))
        }
    }
}
