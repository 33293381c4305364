import FluentKit
import Foundation
import KechuangCore
import SQLKit

/// Synthetic enterprises for the ladder benchmark: the demo profiles (every rung represented) scaled per firm, three
/// years of yearly data each, written in multi-row inserts. Never run against a database people use.
public enum LadderBenchmarkData {
    public static func generate(on db: any Database, enterprises: Int, progress: @escaping @Sendable (Int) -> Void) async throws {
        let sql = try StoreSQL.sql(db)
        func b(_ v: some Encodable & Sendable) -> any SQLExpression { SQLBind(v) }
        let now = Date()
        let banners = Banner.allCases
        let chunk = 200
        for start in stride(from: 0, to: enterprises, by: chunk) {
            let range = start..<min(enterprises, start + chunk)
            let orgs = sql.insert(into: "organizations").columns(["id", "kind", "name", "credit_code", "banner_code", "description", "created_at", "updated_at"])
            var factRows: [[any SQLExpression]] = []
            for i in range {
                let id = UUID()
                orgs.values([b(id), b("enterprise"), b("基准企业\(String(format: "%05d", i))"), b(String(format: "91150600BENCH%05d", i)),
                             b(banners[i % banners.count].rawValue), b(""), b(now), b(now)])
                for (back, year) in DemoEntityFacts.years.enumerated() {
                    let values = DemoEntityFacts.values(firm: i, yearsBack: back)
                    for (k, v) in values.sorted(by: { $0.key < $1.key }) {
                        factRows.append([b(UUID()), b(id), b(year), b(k), b(v), b(EntityFact.selfDeclared), b(false), b("benchmark"), b(now), b(now)])
                    }
                }
            }
            try await orgs.run()
            // 1,500 rows × 10 columns stays under SQLite's and PostgreSQL's limits on bound parameters.
            for part in stride(from: 0, to: factRows.count, by: 1500) {
                let facts = sql.insert(into: "entity_facts").columns(["id", "organization_id", "year", "variable", "value", "source", "verified",
                                                                       "recorded_by_name", "created_at", "updated_at"])
                for r in factRows[part..<min(factRows.count, part + 1500)] { facts.values(r) }
                try await facts.run()
            }
            progress(range.upperBound)
        }
    }
}
