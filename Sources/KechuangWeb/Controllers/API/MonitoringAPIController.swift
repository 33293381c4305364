import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// `GET /api/v1/monitoring/indicators`: definitions, targets with status, and every value with its source.
struct MonitoringAPIController {
    struct IndicatorJSON: Content {
        let key: String
        let name: String
        let nameEn: String
        let unit: String
        let direction: String
        let department: String
        let definition: String
        let targets: [TargetJSON]
        let values: [ValueJSON]
    }

    struct TargetJSON: Content {
        let value: String
        let year: Int?
        let kind: String
        let citation: String
        let status: String
        let latest: String?
        let latestYear: Int?
        let recentGrowth: String?
        let requiredGrowth: String?
        let projection: String?
        let rule: String
    }

    struct ValueJSON: Content {
        let region: String
        let year: Int
        /// Exact decimal text.
        let value: String
        let unit: String
        let source: String
        let note: String
        let flags: [String]
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "api", "v1", "monitoring", "indicators", access: .everyone, use: indicators)
    }

    @Sendable func indicators(req: Request) async throws -> [IndicatorJSON] {
        let catalog = try MonitoringData.catalog(resourceDirectory: req.services.config.resourceDirectory)
        let values = Dictionary(grouping: try await MonitoringStore(db: req.db).allCatalogued(), by: { $0.indicator ?? "" })
        let targets = try await req.policyText.targets()
        return catalog.indicators.map { def in
            let vs = values[def.key] ?? []
            return IndicatorJSON(
                key: def.key, name: def.name, nameEn: def.nameEn, unit: def.unit, direction: def.direction.rawValue, department: def.department,
                definition: def.definition,
                targets: targets.filter { $0.indicator == def.key }.map { t in
                    let v = TargetView.build(t, def: def, values: vs, req: req)
                    return TargetJSON(value: t.value, year: t.year, kind: t.kind, citation: v.citation, status: v.status, latest: v.latest,
                                      latestYear: v.latestYear, recentGrowth: v.recentGrowth, requiredGrowth: v.requiredGrowth,
                                      projection: v.projection, rule: v.rule)
                },
                values: vs.map { ValueJSON(region: $0.region, year: $0.year, value: $0.value, unit: $0.unit, source: $0.source, note: $0.note, flags: $0.flagList) })
        }
    }
}
