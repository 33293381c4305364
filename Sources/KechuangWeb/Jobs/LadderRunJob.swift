import FluentKit
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The cultivation ladder over every stored enterprise for one data year, as a background job: each rung's status
/// and the next rung per enterprise, counts per rung, CSV and XLSX. Progress is stored, so it survives a reload.
struct LadderRunJob {
    static let kind = "ladder_run"

    struct Params: Codable {
        let year: Int
    }

    struct Summary: Codable {
        struct RungCount: Codable {
            let rung: String
            let eligible: Int
            let notEligible: Int
            let undetermined: Int
            let held: Int
        }
        let ruleBaseVersion: String
        let enterprises: Int
        let rungs: [RungCount]
        let loadMilliseconds: Int
        let assessMilliseconds: Int
    }

    struct Result {
        let summary: Summary
        let header: [String]
        let rows: [[String]]
    }

    static func validate(year: String?) throws(ValidationErrors) -> Params {
        guard let y = year.flatMap({ Int($0) }), EntityData.years.contains(y) else {
            throw ValidationErrors([.invalid("year", "field.out_of_range", ["min": "2000", "max": "2100"])])
        }
        return Params(year: y)
    }

    /// Loads the roster and assesses every enterprise; `progress(done, total)` is called every 1,000 enterprises.
    static func compute(db: any Database, year: Int, base: RuleBase, today: Day,
                        progress: @escaping @Sendable (Int, Int) async -> Void) async throws -> Result {
        let t0 = WallClock.now
        let roster = try await EnterpriseRoster.load(db: db, year: year, today: today, base: base)
        let t1 = WallClock.now
        let batch = LadderBatch(base: base, date: today)
        let frame = batch.makeFrame()
        var buffer = batch.makeBuffer()
        var counts = Array(repeating: (0, 0, 0, 0), count: LadderRung.allCases.count)
        var rows: [[String]] = []
        rows.reserveCapacity(roster.entries.count)
        for (k, e) in roster.entries.enumerated() {
            let o = batch.assess(e.inputs, frame: frame, buffer: &buffer)
            var row = [e.id.uuidString, e.name, e.banner?.nameZh ?? ""]
            for (r, rung) in LadderRung.allCases.enumerated() {
                let held = e.inputs[rung.heldVariable] == .bool(true)
                switch o.statuses[r] {
                case .eligible: counts[r].0 += 1
                case .notEligible: counts[r].1 += 1
                case .undetermined: counts[r].2 += 1
                default: break
                }
                if held { counts[r].3 += 1 }
                row.append(held ? "held" : o.statuses[r].rawValue)
            }
            row.append(o.next?.rawValue ?? "")
            rows.append(row)
            if (k + 1) % 1000 == 0 { await progress(k + 1, roster.entries.count) }
        }
        let t2 = WallClock.now
        let summary = Summary(ruleBaseVersion: base.version, enterprises: roster.entries.count,
                              rungs: LadderRung.allCases.enumerated().map { r, rung in
                                  .init(rung: rung.rawValue, eligible: counts[r].0, notEligible: counts[r].1, undetermined: counts[r].2, held: counts[r].3)
                              },
                              loadMilliseconds: Int(t1.timeIntervalSince(t0) * 1000), assessMilliseconds: Int(t2.timeIntervalSince(t1) * 1000))
        return Result(summary: summary, header: ["organization_id", "name", "banner"] + LadderRung.allCases.map(\.rawValue) + ["next_rung"], rows: rows)
    }

    static func run(_ job: JobRecord, db: any Database, rules: RuleBase, today: Day) async throws {
        let store = JobStore(db: db)
        let params = try JSONDecoder().decode(Params.self, from: Data(job.paramsJSON.utf8))
        try await store.progress(job, processed: 0, total: 0)
        let result = try await compute(db: db, year: params.year, base: rules, today: today) { done, total in
            try? await store.progress(job, processed: done, total: total)
        }
        var csv = "\u{FEFF}" + result.header.joined(separator: ",") + "\n"
        for r in result.rows { csv += r.map(CSVFields.escape).joined(separator: ",") + "\n" }
        let xlsx = try XLSXWriter.workbook(sheetName: "梯度培育 \(params.year)", header: result.header,
                                           rows: result.rows.map { $0.map { $0.isEmpty ? .empty : .text($0) } })
        try await store.progress(job, processed: result.summary.enterprises, total: result.summary.enterprises)
        try await store.finish(job, summaryJSON: String(decoding: try JSONEncoder().encode(result.summary), as: UTF8.self), outputs: [
            ("ladder.csv", "text/csv; charset=utf-8", Data(csv.utf8)),
            ("ladder.xlsx", XLSXWriter.contentType, xlsx),
        ])
    }
}
