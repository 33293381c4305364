import Foundation

/// Evaluates the rule base over CSV rows for 免申即享 runs: one output line per input row, amounts in yuan with
/// two decimals, booleans as 0/1, undetermined cells empty, and an `error` column for rows that cannot be read.
///
/// File handling stays with the caller; this type sees header names and byte slices only, so memory is
/// bounded by one row whatever the file size.
public final class BatchEvaluator {
    public struct Summary: Sendable {
        public var rows = 0
        public var badRows = 0
        public var eligible: [Int]
        public var undetermined: [Int]
        public var totals: [Fixed]
    }

    enum Column {
        case id
        case input(slot: Int, variable: VariableDef)
        case ignored
    }

    public let prepared: PreparedEvaluation
    let columns: [Column]
    /// Rules written to the output, in rule-base order.
    public let outputRules: [RuleDef]
    let outputIndex: [String: Int]
    public private(set) var summary: Summary
    public let ignoredColumns: [String]
    let frame: EvalFrame

    public init(base: RuleBase, date: Day, entity: EntityKind, overlay: ParameterOverlay = [:], header: [String]) throws(DomainError) {
        prepared = base.prepare(date: date, entity: entity, overlay: overlay)
        guard header.contains("id") else { throw DomainError(.invalidInput, code: "batch.no_id_column", field: "id") }
        var ignored: [String] = []
        columns = header.map { name in
            if name == "id" { return .id }
            if let slot = base.variableIndex[name], base.variables[slot].entities.contains(entity) {
                return .input(slot: slot, variable: base.variables[slot])
            }
            ignored.append(name)
            return .ignored
        }
        ignoredColumns = ignored
        outputRules = base.rules.filter { $0.entities.contains(entity) }
        outputIndex = Dictionary(uniqueKeysWithValues: outputRules.enumerated().map { ($1.id, $0) })
        summary = Summary(eligible: Array(repeating: 0, count: outputRules.count), undetermined: Array(repeating: 0, count: outputRules.count),
                          totals: Array(repeating: .zero, count: outputRules.count))
        frame = prepared.makeFrame()
    }

    public var outputHeader: String {
        (["id"] + outputRules.map(\.id) + ["error"]).joined(separator: ",")
    }

    /// Reads one record's fields and appends its output line (with "\n") to `out`.
    public func process(_ fields: [ArraySlice<UInt8>], into out: inout [UInt8]) {
        summary.rows += 1
        frame.reset()
        var id: ArraySlice<UInt8> = []
        var error: String?
        if fields.count != columns.count {
            error = "expected \(columns.count) fields, found \(fields.count)"
        } else {
            for (k, column) in columns.enumerated() {
                switch column {
                case .id: id = fields[k]
                case .ignored: continue
                case .input(let slot, let v):
                    let cell = fields[k]
                    if cell.isEmpty { continue }
                    if let value = Self.fastValue(cell, v) {
                        frame.inputs[slot] = value
                    } else {
                        do throws(DomainError) {
                            if let value = try RuleBase.convert(.text(String(decoding: cell, as: UTF8.self)), to: v, field: v.name) {
                                frame.inputs[slot] = value
                            }
                        } catch let problem {
                            error = "\(v.name): \(problem.code)"
                        }
                    }
                }
                if error != nil { break }
            }
        }
        out.append(contentsOf: id)
        if let error {
            summary.badRows += 1
            for _ in outputRules { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: Array(CSVFields.escape(error).utf8))
            out.append(UInt8(ascii: "\n"))
            return
        }
        let outcomes = prepared.evaluate(frame)
        var cells = [RuleOutcome?](repeating: nil, count: outputRules.count)
        for o in outcomes { if let k = outputIndex[o.ruleID] { cells[k] = o } }
        var rowError: String?
        for (k, rule) in outputRules.enumerated() {
            out.append(UInt8(ascii: ","))
            guard let o = cells[k] else { continue }
            if let e = o.error { rowError = "\(rule.id): \(e)" }
            switch o.status {
            case .undetermined: summary.undetermined[k] += 1
            case .eligible:
                summary.eligible[k] += 1
                if let a = o.amount { summary.totals[k] = (try? summary.totals[k] + a) ?? summary.totals[k] }
            default: break
            }
            if o.status == .undetermined { continue }
            if rule.kind.hasAmount {
                (o.status == .eligible ? (o.amount ?? .zero) : Fixed.zero).appendYuan(to: &out)
            } else {
                out.append(o.status == .eligible ? UInt8(ascii: "1") : UInt8(ascii: "0"))
            }
        }
        out.append(UInt8(ascii: ","))
        if let rowError { out.append(contentsOf: Array(CSVFields.escape(rowError).utf8)) }
        out.append(UInt8(ascii: "\n"))
    }

    /// Plain numbers and 0/1 flags without building strings; anything else takes the general path.
    static func fastValue(_ cell: ArraySlice<UInt8>, _ v: VariableDef) -> Value? {
        switch v.type {
        case .money, .number:
            guard let f = Fixed(bytes: cell) else { return nil }
            if v.type == .money, f.scale > 2 { return nil }
            if let lo = v.minimum, f < lo { return nil }
            if let hi = v.maximum, hi < f { return nil }
            return .num(f)
        case .bool:
            guard cell.count == 1 else { return nil }
            switch cell.first { case UInt8(ascii: "1"): return .bool(true); case UInt8(ascii: "0"): return .bool(false); default: return nil }
        case .text:
            return nil
        }
    }
}
