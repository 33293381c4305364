import Foundation
import KechuangCore
import Testing

let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

@Suite("Configuration")
struct ConfigTests {
    @Test("Defaults: SQLite under ./var, 127.0.0.1:8080, demo data on")
    func defaults() throws {
        let c = try AppConfig.load(environment: [:], workingDirectory: "/x")
        #expect(c.database == .sqlite(path: "var/kechuang.sqlite"))
        #expect(c.hostname == "127.0.0.1" && c.port == 8080 && c.loadDemoData)
    }

    @Test("DATABASE_URL and KECHUANG_DATA_DIR and flags are honoured")
    func overrides() throws {
        let c = try AppConfig.load(environment: ["DATABASE_URL": "postgres://u:p@db:5432/k", "KECHUANG_DATA_DIR": "/srv/k"],
                                   overrides: .init(hostname: "0.0.0.0", port: 9000, noDemo: true), workingDirectory: "/x")
        #expect(c.database == .postgres(url: "postgres://u:p@db:5432/k", schema: nil))
        #expect(c.dataDirectory == "/srv/k" && c.port == 9000 && !c.loadDemoData)
    }

    @Test("All bad settings are listed together")
    func problems() {
        do {
            _ = try AppConfig.load(environment: ["DATABASE_URL": "mysql://x", "KECHUANG_PORT": "eighty", "KECHUANG_LOG_LEVEL": "loud",
                                                 "KECHUANG_BCRYPT_COST": "2"], workingDirectory: "/x")
            Issue.record("expected problems")
        } catch {
            #expect(error.messages.count == 4)
            #expect(error.description.contains("DATABASE_URL"))
            #expect(error.description.contains("KECHUANG_PORT"))
        }
    }
}

@Suite("The structured policy text")
struct PolicyDataTests {
    func document() throws -> PolicyDocument {
        try PolicyDocument.decode(Data(contentsOf: URL(fileURLWithPath: repoRoot + "/data/policy/ordos-2024-implementation.json")))
    }

    @Test("Thirty articles numbered 1…30 in ten chapters, each with text and responsible units")
    func shape() throws {
        let doc = try document()
        try doc.validate()
        #expect(doc.articles.count == 30)
        #expect(doc.chapters.count == 10)
        #expect(doc.articles[6].title == "强化企业科技创新主体地位")
        #expect(doc.articles[6].responsibleUnits.first == "市科学技术局")
    }

    @Test("Extraction damage is repaired and every repair is noted")
    func repairs() throws {
        let doc = try document()
        let all = doc.preamble + doc.chapters.map(\.text).joined() + doc.articles.map(\.text).joined()
        #expect(!all.contains("认 真"))
        #expect(!all.contains("— 6 —"))
        let a13 = doc.articles[12].text
        #expect(a13.components(separatedBy: "按自治区奖补金额给予等额奖补").count == 2)
        #expect(!a13.contains("责任单位"))
        #expect(doc.fixes.contains { $0.kind == "duplicate" && $0.article == 13 })
        // No space may sit between two Chinese characters anywhere in the text.
        #expect(all.range(of: #"[\u4e00-\u9fff] +[\u4e00-\u9fff]"#, options: .regularExpression) == nil)
        #expect(doc.responsibleUnits.contains("市国有资产监督管理委员会"))
        #expect(!doc.responsibleUnits.contains("市国有资产管理委员会"))
    }

    @Test("Targets of 一、总体要求 and art. 29 are exact decimals with their citations")
    func targets() throws {
        let file = try IndicatorTargetFile.decode(Data(contentsOf: URL(fileURLWithPath: repoRoot + "/data/policy/indicator-targets.json")))
        #expect(file.targets.count == 9)
        let rd = file.targets.filter { $0.indicator == "rd_intensity" }
        #expect(rd.map(\.decimalValue) == [Decimal(string: "1.2"), Decimal(string: "1.5")])
        #expect(file.targets.first { $0.indicator == "city_st_special_fund_budget" }?.article == 29)
        #expect(file.targets.allSatisfy { !$0.quote.isEmpty })
    }
}
