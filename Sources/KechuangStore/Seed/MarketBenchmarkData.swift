import FluentKit
import Foundation
import KechuangCore
import SQLKit

/// Synthetic market for the benchmark: achievements and demands written from the labelled set's texts (varied
/// titles, sentences recombined within a field), owned round-robin by the demo organisations, all published.
public enum MarketBenchmarkData {
    public struct Seeds: Decodable, Sendable {
        public struct Item: Decodable, Sendable {
            public let title: String, text: String, field: String, trl: Int

            public init(title: String, text: String, field: String, trl: Int) {
                self.title = title
                self.text = text
                self.field = field
                self.trl = trl
            }
        }
        public let achievements: [Item]
        public let demands: [Item]

        public init(achievements: [Item], demands: [Item]) {
            self.achievements = achievements
            self.demands = demands
        }
    }

    static let prefixes = ["", "新一代", "低成本", "高效", "模块化", "智能化", "绿色", "规模化", "一体化", "国产化", "长寿命", "高可靠"]
    static let suffixes = ["", "技术", "及装备", "关键技术", "集成应用", "工艺包", "示范工程", "研究与应用"]

    public static func generate(on db: any Database, seeds: Seeds, achievements: Int, demands: Int, progress: @Sendable (String, Int) -> Void = { _, _ in }) async throws {
        let institutions = try await OrganizationRecord.query(on: db).filter(\.$kindRaw == OrganizationKind.institution.rawValue).all().map { $0.id! }
        let enterprises = try await OrganizationRecord.query(on: db).filter(\.$kindRaw == OrganizationKind.enterprise.rawValue).all().map { $0.id! }
        guard !institutions.isEmpty, !enterprises.isEmpty, !seeds.achievements.isEmpty, !seeds.demands.isEmpty else {
            throw DomainError(.invalidInput, code: "bench.no_demo_data")
        }
        var seed: UInt64 = 20_261_128
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        func sentences(_ text: String) -> [String] { text.split(whereSeparator: { "，。；".contains($0) }).map(String.init).filter { $0.count > 3 } }
        let byField = Dictionary(grouping: seeds.achievements, by: \.field)
        let sql = try StoreSQL.sql(db)
        let now = Date()
        let system = UUID()
        func b(_ v: some Encodable & Sendable) -> any SQLExpression { SQLBind(v) }
        for start in stride(from: 0, to: achievements, by: 500) {
            let ins = sql.insert(into: "achievements").columns(["id", "organization_id", "created_by", "title", "abstract", "keywords", "field", "trl", "patents", "modes",
                                                                 "price_fen", "contact_name", "contact_phone", "status", "review_note", "published_at", "created_at", "updated_at"])
            for k in start..<min(achievements, start + 500) {
                let s = seeds.achievements[next(seeds.achievements.count)]
                let mates = byField[s.field] ?? [s]
                let extra = sentences(mates[next(mates.count)].text)
                let abstract = s.text + (extra.isEmpty ? "" : extra[next(extra.count)] + "。")
                let title = prefixes[next(prefixes.count)] + s.title + suffixes[next(suffixes.count)]
                let when = now.addingTimeInterval(-Double(achievements - k))
                let row: [any SQLExpression] = [b(UUID()), b(institutions[k % institutions.count]), b(system), b(String(title.prefix(100))), b(abstract), b(""), b(s.field),
                                                b(max(1, min(9, s.trl + next(3) - 1))), b(""), b("transfer,license"), b(Int64(100_000 + next(5_000_000)) * 100),
                                                b("成果转化办公室"), b("0477-8888000"), b("published"), b(""), b(when), b(when), b(when)]
                ins.values(row)
            }
            try await ins.run()
            progress("achievements", min(achievements, start + 500))
        }
        let deadline = ChinaTime.dateString(now.addingTimeInterval(180 * 86400))
        for start in stride(from: 0, to: demands, by: 500) {
            let ins = sql.insert(into: "demands").columns(["id", "organization_id", "created_by", "title", "problem", "expected", "field", "budget_fen", "deadline",
                                                            "min_trl", "confidentiality", "status", "review_note", "published_at", "created_at", "updated_at"])
            for k in start..<min(demands, start + 500) {
                let s = seeds.demands[next(seeds.demands.count)]
                let when = now.addingTimeInterval(-Double(demands - k))
                let row: [any SQLExpression] = [b(UUID()), b(enterprises[k % enterprises.count]), b(system), b(String((prefixes[next(prefixes.count)] + s.title).prefix(100))),
                                                b(s.text), b("形成可工程化的解决方案"), b(s.field), b(Int64(200_000 + next(3_000_000)) * 100), b(deadline), b(s.trl),
                                                b("public"), b("published"), b(""), b(when), b(when), b(when)]
                ins.values(row)
            }
            try await ins.run()
            progress("demands", min(demands, start + 500))
        }
    }
}
