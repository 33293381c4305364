import FluentKit
import Foundation
import KechuangCore
import SQLKit

/// Every enterprise with its rule inputs for one data year, loaded in three plain queries (organisations, the facts
/// of the year and the two before it, recognitions) instead of one per enterprise: the innovation points, the
/// 双倍增/三清零 tracking and the ladder batch each read the whole city at once.
public struct EnterpriseRoster: Sendable {
    public struct Entry: Sendable {
        public let id: UUID
        public let name: String
        public let banner: Banner?
        public let inputs: [String: Value]
    }

    public let year: Int
    public let entries: [Entry]

    struct OrgRow: Decodable {
        let id: UUID
        let name: String
        let banner_code: String?
    }

    /// One row per enterprise: its facts of the three years joined into one text (year, variable, value separated by
    /// control characters that never occur in stored values). Decoding 10,000 rows instead of half a million is what
    /// makes the whole-city batch fast.
    struct FactsRow: Decodable {
        let organization_id: UUID
        let facts: String
    }

    struct RecognitionRow: Decodable {
        let organization_id: UUID
        let rung: String
        let level: String
        let certificate_number: String
        let recognized_on: String
        let expires_on: String
        let issuing_body: String
        let first_time: Bool
        let revoked: Bool
    }

    /// `progress` is called with (done, total) every 1,000 enterprises, for batch jobs that show progress.
    public static func load(db: any Database, year: Int, today: Day, base: RuleBase,
                            progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> EnterpriseRoster {
        let sql = try StoreSQL.sql(db)
        let orgs = try await sql.raw("SELECT id, name, banner_code FROM organizations WHERE kind = 'enterprise' ORDER BY name")
            .all(decoding: OrgRow.self)
        var facts: [UUID: [EntityFact]] = [:]
        let joined = StoreSQL.isPostgres(db)
            ? "string_agg(CAST(year AS TEXT) || chr(31) || variable || chr(31) || value, chr(30))"
            : "group_concat(CAST(year AS TEXT) || char(31) || variable || char(31) || value, char(30))"
        for r in try await sql.raw("SELECT organization_id, \(unsafeRaw: joined) AS facts FROM entity_facts WHERE year BETWEEN \(bind: year - 2) AND \(bind: year) GROUP BY organization_id")
            .all(decoding: FactsRow.self) {
            var list: [EntityFact] = []
            // Split on the bytes: the separators are ASCII, and Character-wise splitting cost a fifth of the batch.
            for item in r.facts.utf8.split(separator: 0x1E) {
                let parts = item.split(separator: 0x1F, maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count == 3, let y = Int(Substring(parts[0])) else { continue }
                list.append(EntityFact(year: y, variable: String(Substring(parts[1])), value: String(Substring(parts[2])), source: "", verified: false))
            }
            facts[r.organization_id] = list
        }
        var recognitions: [UUID: [Recognition]] = [:]
        let recRows = try await sql.raw("""
            SELECT organization_id, rung, level, certificate_number, recognized_on, expires_on, issuing_body, first_time, revoked FROM recognitions
            """).all(decoding: RecognitionRow.self)
        for r in recRows {
            guard let rung = LadderRung(rawValue: r.rung), let level = Recognition.Level(rawValue: r.level),
                  let from = Day(r.recognized_on), let until = Day(r.expires_on) else { continue }
            recognitions[r.organization_id, default: []].append(Recognition(rung: rung, level: level, certificateNumber: r.certificate_number,
                                                                            recognizedOn: from, expiresOn: until, issuingBody: r.issuing_body,
                                                                            firstTime: r.first_time, revoked: r.revoked))
        }
        // Titles held at the end of the data year (or today, for the current year): the state the year's statistics count.
        let asOf = min(today, Day("\(year)-12-31")!)
        var entries: [Entry] = []
        entries.reserveCapacity(orgs.count)
        for (k, o) in orgs.enumerated() {
            let merged = EntityData.enterpriseInputs(facts: facts[o.id] ?? [], recognitions: recognitions[o.id] ?? [], year: year, today: asOf, base: base)
            entries.append(Entry(id: o.id, name: o.name, banner: o.banner_code.flatMap(Banner.init(rawValue:)), inputs: merged.inputs))
            if let progress, (k + 1) % 1000 == 0 { progress(k + 1, orgs.count) }
        }
        progress?(orgs.count, orgs.count)
        return EnterpriseRoster(year: year, entries: entries)
    }
}
