import FluentKit
import Foundation
import KechuangCore

/// Indicator values: the sourced statistics loaded once from the data file, and values staff add later.
public struct MonitoringStore: Sendable {
    public static let loadedKey = "indicator_values_loaded"
    public let db: any Database
    public init(db: any Database) { self.db = db }

    /// Loads `ordos_indicators.csv` (header region,indicator,year,value,unit,source,note) once, in one transaction.
    @discardableResult
    public func loadSourcedValues(rows: [[String]], catalog: IndicatorCatalog, actor: Actor) async throws -> Int {
        if try await PlatformSettingRecord.find(Self.loadedKey, on: db) != nil { return 0 }
        guard let header = rows.first, header == ["region", "indicator", "year", "value", "unit", "source", "note"] else {
            throw DomainError(.invalidInput, code: "monitoring.bad_data_file")
        }
        return try await db.transaction { tx in
            var count = 0
            for row in rows.dropFirst() where row.count == 7 {
                guard let year = Int(row[2]), let value = Fixed(parsing: row[3]) else { continue }
                let r = IndicatorValueRecord()
                r.indicator = catalog.key(forCSVName: row[1])
                r.rawName = row[1]
                r.region = row[0]
                r.year = year
                r.value = value.description
                r.unit = row[4]
                r.source = row[5]
                r.note = row[6]
                r.flags = IndicatorValueInput.tags.filter { row[6].hasPrefix($0) }.joined(separator: ",")
                r.enteredByName = "data file"
                try await r.create(on: tx)
                count += 1
            }
            try await PlatformSettingRecord(key: Self.loadedKey, value: String(count)).create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "monitoring.load", entityType: "indicator_values", entityID: "ordos_indicators.csv",
                                       detail: ["rows": String(count)])
            return count
        }
    }

    public func values(indicator: String) async throws -> [IndicatorValueRecord] {
        try await IndicatorValueRecord.query(on: db).filter(\.$indicator == indicator).sort(\.$year).sort(\.$region).all()
    }

    public func allCatalogued() async throws -> [IndicatorValueRecord] {
        try await IndicatorValueRecord.query(on: db).filter(\.$indicator != nil).sort(\.$year).all()
    }

    public struct ValueSnapshot: Codable {
        let indicator: String
        let region: String
        let year: Int
        let value: String
        let source: String
    }

    /// All rows or none.
    public func addAll(_ values: [IndicatorValueInput], actor: Actor) async throws {
        try await db.transaction { tx in
            for v in values { _ = try await MonitoringStore(db: tx).insert(v, actor: actor) }
        }
    }

    public func add(_ v: IndicatorValueInput, actor: Actor) async throws -> IndicatorValueRecord {
        try await db.transaction { tx in try await MonitoringStore(db: tx).insert(v, actor: actor) }
    }

    func insert(_ v: IndicatorValueInput, actor: Actor) async throws -> IndicatorValueRecord {
        let r = IndicatorValueRecord()
        r.indicator = v.indicator
        r.rawName = v.indicator
        r.region = v.region
        r.year = v.year
        r.value = v.valueText
        r.unit = v.unit
        r.source = v.source
        r.note = v.note
        r.flags = v.flags.joined(separator: ",")
        r.enteredByName = actor.name
        try await r.create(on: db)
        try await AuditTrail.record(on: db, actor: actor, action: "indicator_value.create", entityType: "indicator_value", entityID: r.id!.uuidString,
                                    before: Optional<ValueSnapshot>.none,
                                    after: ValueSnapshot(indicator: v.indicator, region: v.region, year: v.year, value: v.valueText, source: v.source))
        return r
    }
}
