import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 免申即享 over the database: every organisation of a kind evaluated from its stored data for one year,
/// written as CSV and XLSX, with the list of organisations to notify.
struct PolicyRunJob {
    static let kind = "policy_run"

    struct Params: Codable {
        let entity: String
        let year: Int
        let date: String
    }

    struct Summary: Codable {
        struct Notify: Codable {
            let organizationID: String
            let name: String
            let rules: [String]
            let totalYuan: String
        }
        struct RuleTotal: Codable {
            let rule: String
            let title: String
            let eligible: Int
            let undetermined: Int
            let totalYuan: String?
            /// The amount rests on a provisional parameter value (shown as 暂定).
            let provisional: Bool
        }
        let ruleBaseVersion: String
        let organizations: Int
        let rules: [RuleTotal]
        /// Organisations eligible for at least one automatic (免申即享) award: notify them.
        let notify: [Notify]
    }

    static func validate(entity: String?, year: String?, date: String?) throws(ValidationErrors) -> Params {
        var errors: [DomainError] = []
        if entity.flatMap(EntityKind.init(rawValue:)).flatMap({ [.enterprise, .institution].contains($0) ? $0 : nil }) == nil {
            errors.append(.invalid("entity", "field.not_allowed", ["value": String((entity ?? "").prefix(20))]))
        }
        let y = year.flatMap { Int($0) }
        if y == nil || !EntityData.years.contains(y!) { errors.append(.invalid("year", "field.out_of_range", ["min": "2000", "max": "2100"])) }
        if date.flatMap(Day.init) == nil { errors.append(.invalid("date", "policy.date_invalid", ["value": String((date ?? "").prefix(20))])) }
        if !errors.isEmpty { throw ValidationErrors(errors) }
        return Params(entity: entity!, year: y!, date: date!)
    }

    static func run(_ job: JobRecord, db: any Database, rules: RuleBase) async throws {
        let store = JobStore(db: db)
        let params = try JSONDecoder().decode(Params.self, from: Data(job.paramsJSON.utf8))
        guard let entity = EntityKind(rawValue: params.entity), let orgKind = OrganizationKind(rawValue: params.entity), let day = Day(params.date) else {
            throw DomainError(.invalidInput, code: "job.bad_params")
        }
        let orgs = try await OrganizationRecord.query(on: db).filter(\.$kindRaw == orgKind.rawValue).sort(\.$name).all()
        let facts = try await EntityFactRecord.query(on: db).join(OrganizationRecord.self, on: \EntityFactRecord.$organization.$id == \OrganizationRecord.$id)
            .filter(OrganizationRecord.self, \.$kindRaw == orgKind.rawValue).filter(\.$year >= params.year - 1).filter(\.$year <= params.year).all()
        let byOrg = Dictionary(grouping: facts, by: { $0.$organization.id })
        try await store.progress(job, processed: 0, total: orgs.count)

        let prepared = rules.prepare(date: day, entity: entity)
        let frame = prepared.makeFrame()
        let outputRules = rules.rules.filter { $0.entities.contains(entity) && $0.scheme == nil }
        var csv = "organization_id,name,credit_code,banner," + outputRules.map(\.id).joined(separator: ",") + "\n"
        var xlsxRows: [[XLSXWriter.Cell]] = []
        var eligible = Array(repeating: 0, count: outputRules.count)
        var undetermined = Array(repeating: 0, count: outputRules.count)
        var totals = Array(repeating: Fixed.zero, count: outputRules.count)
        var notify: [Summary.Notify] = []
        for (k, org) in orgs.enumerated() {
            frame.reset()
            let inputs = EntityData.inputs(from: (byOrg[org.id!] ?? []).map(EntityDataStore.domain), year: params.year, base: rules, entity: entity)
            for (name, v) in inputs { frame.inputs[rules.variableIndex[name]!] = v }
            let outcomes = Dictionary(uniqueKeysWithValues: prepared.evaluate(frame).map { ($0.ruleID, $0) })
            var cells: [String] = []
            var xcells: [XLSXWriter.Cell] = [.text(org.id!.uuidString), .text(org.name), .text(org.creditCode ?? ""), .text(org.banner?.nameZh ?? "")]
            var notifyRules: [String] = []
            var notifyTotal = Fixed.zero
            for (r, rule) in outputRules.enumerated() {
                guard let o = outcomes[rule.id] else { cells.append(""); xcells.append(.empty); continue }
                switch o.status {
                case .undetermined:
                    undetermined[r] += 1
                    cells.append(""); xcells.append(.empty)
                    continue
                case .eligible:
                    eligible[r] += 1
                    if let a = o.amount { totals[r] = (try? totals[r] + a) ?? totals[r] }
                    if rule.automatic && rule.kind == .award {
                        notifyRules.append(rule.id)
                        notifyTotal = (try? notifyTotal + (o.amount ?? .zero)) ?? notifyTotal
                    }
                default: break
                }
                if rule.kind.hasAmount {
                    let v = (o.status == .eligible ? o.amount ?? .zero : .zero).yuanString
                    cells.append(v); xcells.append(.number(v))
                } else {
                    let v = o.status == .eligible ? "1" : "0"
                    cells.append(v); xcells.append(.number(v))
                }
            }
            csv += [org.id!.uuidString, org.name, org.creditCode ?? "", org.banner?.nameZh ?? ""].map(CSVFields.escape).joined(separator: ",")
                + "," + cells.joined(separator: ",") + "\n"
            xlsxRows.append(xcells)
            if !notifyRules.isEmpty {
                notify.append(.init(organizationID: org.id!.uuidString, name: org.name, rules: notifyRules, totalYuan: notifyTotal.yuanString))
            }
            if (k + 1) % 20 == 0 { try await store.progress(job, processed: k + 1, total: orgs.count) }
        }
        let summary = Summary(ruleBaseVersion: rules.version, organizations: orgs.count, rules: outputRules.enumerated().map { r, rule in
            .init(rule: rule.id, title: rule.title, eligible: eligible[r], undetermined: undetermined[r], totalYuan: rule.kind.hasAmount ? totals[r].yuanString : nil,
                  provisional: rule.kind.hasAmount && RulesController.isProvisional(rules, rules.ruleIndex[rule.id]!))
        }, notify: notify)
        let header = ["organization_id", "name", "credit_code", "banner"] + outputRules.map(\.id)
        let xlsx = try XLSXWriter.workbook(sheetName: "免申即享 \(params.year)", header: header, rows: xlsxRows)
        try await store.finish(job, summaryJSON: String(decoding: try JSONEncoder().encode(summary), as: UTF8.self), outputs: [
            ("results.csv", "text/csv; charset=utf-8", Data(("\u{FEFF}" + csv).utf8)),
            ("results.xlsx", XLSXWriter.contentType, xlsx),
        ])
    }
}
