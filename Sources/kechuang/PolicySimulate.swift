import ArgumentParser
import Foundation
import KechuangCore

/// `kechuang policy simulate`: the cost of a parameter change over a CSV of entities, before and after.
struct PolicySimulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "What-if: totals per rule and per group before and after parameter overrides, with winners and losers.")

    @Option(help: "Directory of policy files.") var rules = "policies/ordos"
    @Option(help: "Input CSV with an 'id' column and one column per input variable.") var input: String
    @Option(help: "Parameter override NAME=VALUE (repeatable), e.g. rd_subsidy.base_rate=0.12.") var set: [String] = []
    @Option(help: "Evaluation date (YYYY-MM-DD); defaults to today in Beijing.") var date: String?
    @Option(help: "Entity kind of the rows.") var entity = "enterprise"
    @Option(help: "Column to total by, e.g. banner.") var groupBy: String?

    func run() throws {
        let base = try loadRuleBase(rules)
        guard !set.isEmpty else { throw ValidationError("give at least one --set NAME=VALUE") }
        let overlay = try parseOverlay(set, base: base)
        guard let kind = EntityKind(rawValue: entity) else { throw ValidationError("unknown entity '\(entity)'") }
        guard let reader = LineReader(path: input), let headerLine = reader.next() else { throw ValidationError("cannot read \(input)") }
        var fields: [ArraySlice<UInt8>] = []
        try CSVFields.split(headerLine, into: &fields)
        let header = fields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
        let day = try parseDay(date)
        let made = Result { () throws(DomainError) -> Simulation in
            try Simulation(base: base, date: day, entity: kind, overlay: overlay, header: header, groupBy: groupBy)
        }
        guard case .success(let sim) = made else {
            if case .failure(let e) = made { throw ValidationError("\(e.field ?? "input"): \(e.code) \(e.arguments)") }
            return
        }
        let progress = Progress(total: reader.size)
        while let line = reader.next() {
            if line.isEmpty { continue }
            if (try? CSVFields.split(line, into: &fields)) == nil { fields = [] }
            sim.add(fields)
            if sim.rows % 50_000 == 0 { progress.update(reader.offset, rows: sim.rows) }
        }
        progress.finish(rows: sim.rows)
        let r = sim.report
        print("what-if: \(set.joined(separator: ", ")) over \(sim.rows) rows (\(sim.badRows) unreadable), rule base \(base.version)")
        print("rule,before_yuan,after_yuan,change_yuan,eligible_before,eligible_after,winners,losers")
        for line in r.rules where line.before != .zero || line.after != .zero {
            print("\(line.rule.id),\(line.before.yuanString),\(line.after.yuanString),\(line.change.yuanString),\(line.eligibleBefore),\(line.eligibleAfter),\(line.winners),\(line.losers)")
        }
        if let g = groupBy {
            print("\n\(g),before_yuan,after_yuan")
            for row in r.groups { print("\(CSVFields.escape(row.group)),\(row.before.yuanString),\(row.after.yuanString)") }
        }
        print("\nbiggest gains: " + r.gains.map { "\($0.id) +\($0.delta.yuanString)" }.joined(separator: ", "))
        print("biggest losses: " + r.losses.map { "\($0.id) \($0.delta.yuanString)" }.joined(separator: ", "))
    }
}
