import FluentKit
import Foundation
import KechuangCore

/// Demo recognitions and platforms: the titles the demo yearly data says enterprises hold, with dates relative to the
/// day the demo loads (so one is always about to expire and one 高企 is a first recognition of this year), one revoked
/// record, and recognised platforms of every award kind across the banners with performance reports.
enum DemoRegistry {
    static func recognitions(enterprises: [OrganizationRecord], today: Day, on tx: any Database, actor: Actor) async throws {
        let store = RecognitionStore(db: tx)
        for (i, org) in enterprises.enumerated() {
            let fixed = DemoEntityFacts.profiles[i % DemoEntityFacts.profiles.count].fixed
            for rung in LadderRung.allCases where fixed[rung.heldVariable] == "true" {
                // Spread recognition dates; some 专精特新 titles run out within 90 days.
                let years = Recognition.defaultValidityYears(rung)
                var start = today.adding(days: -(200 + (i * 37) % 500))
                if rung == .specializedSME && i % 12 == 5 { start = today.adding(days: -(years * 365 - 45)) }
                // A tech-SME registration number is issued each year: this year's if the window has passed, else last year's.
                if rung == .techSME { start = today.adding(days: -(30 + (i * 11) % 200)) }
                let r = Recognition(rung: rung, level: rung == .littleGiant || rung == .hnte || rung == .techSME ? .national : .region,
                                    certificateNumber: certificate(rung, i, start), recognizedOn: start,
                                    expiresOn: start.adding(days: years * 365), issuingBody: issuer(rung),
                                    firstTime: rung == .hnte && i % 12 == 5, revoked: false)
                try await store.record(r, organization: org, evidence: nil, actor: actor)
            }
        }
        // A 高企 recognised for the first time this year (its art. 7 award shows), and one record revoked with its reason.
        if enterprises.count > 10 {
            let first = Recognition(rung: .hnte, level: .national, certificateNumber: "GR\(today.year)15000" + String(format: "%03d", 999),
                                    recognizedOn: Day("\(today.year)-01-15")!, expiresOn: Day("\(today.year + 3)-01-14")!,
                                    issuingBody: issuer(.hnte), firstTime: true, revoked: false)
            try await store.record(first, organization: enterprises[10], evidence: nil, actor: actor)
            let wrong = Recognition(rung: .innovativeSME, level: .region, certificateNumber: "NMCX-\(today.year - 1)-0417",
                                    recognizedOn: Day("\(today.year - 1)-09-01")!, expiresOn: Day("\(today.year + 2)-08-31")!,
                                    issuingBody: issuer(.innovativeSME), firstTime: true, revoked: false)
            let rec = try await store.record(wrong, organization: enterprises[7], evidence: nil, actor: actor)
            _ = try await store.revoke(rec.id!, reason: "公示期内收到异议，核实营业收入数据有误，自治区工信厅撤销认定", on: today, actor: actor)
        }
    }

    static func certificate(_ rung: LadderRung, _ i: Int, _ day: Day) -> String {
        switch rung {
        case .techSME: "\(day.year)150600\(String(format: "%04d", 1000 + i))"
        case .hnte: "GR\(day.year)15000\(String(format: "%03d", 100 + i))"
        case .innovativeSME: "NMCX-\(day.year)-\(String(format: "%04d", 200 + i))"
        case .specializedSME: "NMZJTX-\(day.year)-\(String(format: "%04d", 300 + i))"
        case .littleGiant: "MIIT-XJR-\(day.year)-\(String(format: "%04d", 400 + i))"
        }
    }

    static func issuer(_ rung: LadderRung) -> String {
        switch rung {
        case .techSME: "科学技术部火炬高技术产业开发中心"
        case .hnte: "内蒙古自治区高新技术企业认定管理工作领导小组"
        case .innovativeSME, .specializedSME: "内蒙古自治区工业和信息化厅"
        case .littleGiant: "工业和信息化部"
        }
    }

    struct DemoPlatform {
        let name: String
        let kind: PlatformKind
        let level: Recognition.Level
        let subtype: String?
        let host: String
        let banner: Banner
        let field: PriorityField
        let yearsAgo: Int
        let regionAwardYuan: Int64?
        let grades: [PerformanceGrade]
    }

    static let platforms: [DemoPlatform] = [
        .init(name: "鄂尔多斯实验室（内蒙古实验室）", kind: .keyLab, level: .region, subtype: nil, host: "鄂尔多斯实验室", banner: .kangbashi, field: .hydrogen, yearsAgo: 2, regionAwardYuan: nil, grades: [.excellent]),
        .init(name: "煤基固废综合利用自治区重点实验室", kind: .keyLab, level: .region, subtype: nil, host: "准格尔旗粉煤灰综合利用有限公司", banner: .jungar, field: .modernCoalChemical, yearsAgo: 4, regionAwardYuan: nil, grades: [.good, .good]),
        .init(name: "绿氢制储运技术创新中心", kind: .techInnovationCenter, level: .region, subtype: nil, host: "乌审旗图克绿氢化工有限公司", banner: .uxin, field: .hydrogen, yearsAgo: 1, regionAwardYuan: nil, grades: [.pass]),
        .init(name: "北京大学鄂尔多斯能源研究院新型研发机构", kind: .newRDInstitute, level: .region, subtype: nil, host: "北京大学鄂尔多斯能源研究院", banner: .kangbashi, field: .newEnergy, yearsAgo: 3, regionAwardYuan: nil, grades: [.excellent, .good]),
        .init(name: "康巴什科技企业孵化器", kind: .incubator, level: .national, subtype: "general", host: "康巴什数字经济产业发展有限公司", banner: .kangbashi, field: .digitalEconomy, yearsAgo: 5, regionAwardYuan: nil, grades: [.excellent, .excellent]),
        .init(name: "伊金霍洛旗新能源专业孵化器", kind: .incubator, level: .city, subtype: "specialised", host: "伊金霍洛旗蒙苏零碳产业科技有限公司", banner: .ejinHoro, field: .newEnergy, yearsAgo: 0, regionAwardYuan: nil, grades: []),
        .init(name: "东胜羊绒创意众创空间", kind: .makerSpace, level: .region, subtype: nil, host: "东胜区羊绒新材料科技有限公司", banner: .dongsheng, field: .cashmere, yearsAgo: 0, regionAwardYuan: nil, grades: []),
        .init(name: "蒙苏零碳产业加速器", kind: .accelerator, level: .region, subtype: nil, host: "伊金霍洛旗蒙苏零碳产业科技有限公司", banner: .ejinHoro, field: .energyStorage, yearsAgo: 2, regionAwardYuan: nil, grades: [.good]),
        .init(name: "准格尔旗煤基新材料中试基地", kind: .pilotPlatform, level: .city, subtype: nil, host: "准格尔旗煤基新材料有限公司", banner: .jungar, field: .newChemicalMaterials, yearsAgo: 0, regionAwardYuan: nil, grades: []),
        .init(name: "鄂尔多斯储能材料概念验证中心", kind: .conceptVerification, level: .region, subtype: nil, host: "中国矿业大学(北京)内蒙古研究院", banner: .kangbashi, field: .energyStorage, yearsAgo: 0, regionAwardYuan: 1_000_000, grades: []),
        .init(name: "鄂尔多斯技术转移中心", kind: .techTransferAgency, level: .city, subtype: nil, host: "鄂尔多斯应用技术学院", banner: .dongsheng, field: .other, yearsAgo: 0, regionAwardYuan: nil, grades: []),
        .init(name: "鄂尔多斯市科技成果转移转化示范区", kind: .transferDemoZone, level: .city, subtype: nil, host: "鄂尔多斯应用技术学院", banner: .dongsheng, field: .other, yearsAgo: 3, regionAwardYuan: nil, grades: [.excellent, .excellent]),
        .init(name: "乌审旗煤化工院士专家工作站", kind: .academicianWorkstation, level: .region, subtype: nil, host: "乌审旗煤制烯烃新材料有限公司", banner: .uxin, field: .modernCoalChemical, yearsAgo: 0, regionAwardYuan: 500_000, grades: []),
        .init(name: "鄂尔多斯（北京）人才科创飞地", kind: .talentEnclave, level: .city, subtype: "rd", host: "鄂尔多斯市零碳智能装备有限公司", banner: .kangbashi, field: .modernEquipment, yearsAgo: 0, regionAwardYuan: nil, grades: []),
        .init(name: "鄂尔多斯（上海）人才科创飞地", kind: .talentEnclave, level: .city, subtype: "incubation", host: "康巴什数字经济产业发展有限公司", banner: .kangbashi, field: .ai, yearsAgo: 1, regionAwardYuan: nil, grades: [.good]),
    ]

    static func platforms(today: Day, on tx: any Database, actor: Actor) async throws {
        for p in platforms {
            guard let host = try await OrganizationRecord.query(on: tx).filter(\.$name == p.host).first() else {
                throw DomainError(.invalidInput, code: "demo.bad_row", arguments: ["name": p.name])
            }
            // Dates before today, spread by platform: the newest were recognised within the last three months.
            let recognized = today.adding(days: -(30 + 365 * p.yearsAgo + (p.name.count * 7) % 60))
            // Through the same checks as the staff form, so demo rows cannot hold what the form would refuse.
            let checked = try PlatformDraft(name: p.name, kind: p.kind.rawValue, level: p.level.rawValue, subtype: p.subtype, banner: p.banner.rawValue,
                                            field: p.field.rawValue, recognizedOn: recognized.description,
                                            documentNumber: (p.level == .national ? "国科发" : (p.level == .region ? "内科发" : "鄂科发")) + "〔\(recognized.year)〕\(10 + p.name.count)号",
                                            issuingBody: p.level == .national ? "科学技术部" : (p.level == .region ? "内蒙古自治区科学技术厅" : "鄂尔多斯市科学技术局"),
                                            regionAward: p.regionAwardYuan.map(String.init), underConstruction: "false").validate()
            let rec = try await PlatformStore.register(checked, host: host, actor: actor, on: tx)
            // Grades of the last full years, most recent first: the current year has no report yet.
            for (k, g) in p.grades.enumerated() {
                let report = PlatformReportInput(year: today.year - 1 - k, grade: g, incubatees: p.kind == .incubator ? 40 + k * 5 : nil,
                                                  graduates: p.kind == .incubator ? 6 + k : nil, areaM2: p.kind == .incubator ? 12_000 : nil,
                                                  rdSpendFen: 3_000_000_00 + Int64(k) * 500_000_00, summary: "\(today.year - 1 - k)年度运行绩效评价：\(g.rawValue)")
                try await PlatformStore.file(report, platformID: rec.id!, actor: actor, on: tx)
            }
        }
    }
}
