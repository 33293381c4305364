import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Evaluates the rule base for an organisation from its stored yearly data.
struct EntityEvaluation {
    let report: MatchReport
    let dataYear: Int
    let availableYears: [Int]
    let inputs: [String: Value]
    /// Where each input came from: "2024 · 市税务局 ✓".
    let sources: [String: String]

    /// An organisation's stored yearly data as rule inputs for one data year (the latest with data if nil).
    struct StoredInputs {
        let dataYear: Int
        let availableYears: [Int]
        let inputs: [String: Value]
        let sources: [String: String]
    }

    static func storedInputs(req: Request, org: OrganizationRecord, kind: EntityKind, year: Int?) async throws -> StoredInputs {
        let base = try req.services.rules.require()
        let records = try await EntityDataStore(db: req.db).facts(organizationID: org.id!)
        let facts = records.map(EntityDataStore.domain)
        let years = Array(Set(facts.map(\.year))).sorted(by: >)
        let dataYear = year ?? years.first ?? (Int(ChinaTime.dateString(req.now).prefix(4))! - 1)
        var inputs = EntityData.inputs(from: facts, year: dataYear, base: base, entity: kind)
        var sources: [String: String] = [:]
        if kind == .enterprise {
            let records = try await RecognitionStore(db: req.db).of(organizationID: org.id!).map(\.domain)
            let merged = EntityData.enterpriseInputs(facts: facts, recognitions: records, year: dataYear, today: req.today, base: base)
            inputs = merged.inputs
            for name in merged.fromRecords { sources[name] = req.t("recognition_source") }
        }
        for name in inputs.keys where sources[name] == nil {
            let own = facts.first { $0.year == dataYear && $0.variable == name }
            let prev = EntityData.derivation(of: name).flatMap { d in facts.first { $0.year == dataYear - d.yearsBack && $0.variable == d.base } }
            if let f = own ?? prev { sources[name] = "\(f.year) · \(req.sourceLabel(f.source))\(f.verified ? " ✓" : "")" }
        }
        return StoredInputs(dataYear: dataYear, availableYears: years, inputs: inputs, sources: sources)
    }

    static func run(req: Request, org: OrganizationRecord, kind: EntityKind, year: Int?) async throws -> EntityEvaluation {
        let base = try req.services.rules.require()
        let stored = try await storedInputs(req: req, org: org, kind: kind, year: year)
        let today = req.today
        return EntityEvaluation(report: MatchReport.run(base: base, entity: kind, date: today, inputs: stored.inputs),
                                dataYear: stored.dataYear, availableYears: stored.availableYears, inputs: stored.inputs, sources: stored.sources)
    }

    struct InputUsed: Codable {
        let name: String
        let value: String
        let source: String
    }

    /// What to store with an application or decision for one rule.
    func computation(ruleID: String) -> ApplicationStore.Computation? {
        guard let item = report.items.first(where: { $0.rule.id == ruleID }) else { return nil }
        let inputsUsed = inputs.keys.sorted().compactMap { n in inputs[n].map { InputUsed(name: n, value: $0.storageText, source: sources[n] ?? "") } }
        let json = MatchJSON(report.only(ruleID))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let traceJSON = (try? encoder.encode(json.results[0].trace)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let inputsJSON = (try? encoder.encode(inputsUsed)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        return .init(ruleID: ruleID, ruleTitle: item.rule.title, article: item.rule.article, dataYear: dataYear,
                     evaluationDate: report.date.description, status: item.outcome.status,
                     amountFen: try? item.outcome.amount?.fen(), provisional: item.rule.kind.hasAmount && item.trace.provisional,
                     ruleBaseVersion: report.ruleBaseVersion, inputsJSON: inputsJSON, traceJSON: traceJSON)
    }
}
