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

    let core: BatchEvaluatorCore
    public var outputRules: [RuleDef] { core.outputRules }
    public var ignoredColumns: [String] { core.ignoredColumns }
    public private(set) var summary: Summary

    public init(base: RuleBase, date: Day, entity: EntityKind, overlay: ParameterOverlay = [:], header: [String]) throws(DomainError) {
        core = try BatchEvaluatorCore(base: base, date: date, entity: entity, overlay: overlay, header: header)
        let n = core.outputRules.count
        summary = Summary(eligible: Array(repeating: 0, count: n), undetermined: Array(repeating: 0, count: n), totals: Array(repeating: .zero, count: n))
    }

    public var outputHeader: String {
        (["id"] + outputRules.map(\.id) + ["error"]).joined(separator: ",")
    }

    /// One record as field ranges of `buffer` (the fast path of `kechuang policy run`).
    public func process(_ buffer: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>], into out: inout [UInt8]) {
        summary.rows += 1
        if core.idColumn < fields.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[fields[core.idColumn]])) }
        write(core.evaluate(buffer, fields), into: &out)
    }

    /// Reads one record's fields and appends its output line (with "\n") to `out`.
    public func process(_ fields: [ArraySlice<UInt8>], into out: inout [UInt8]) {
        summary.rows += 1
        out.append(contentsOf: core.id(fields))
        write(core.evaluate(fields), into: &out)
    }

    func write(_ problem: BatchEvaluatorCore.RowError?, into out: inout [UInt8]) {
        if let problem {
            summary.badRows += 1
            for _ in outputRules { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: CSVFields.escape(problem.message).utf8)
            out.append(UInt8(ascii: "\n"))
            return
        }
        var rowError: String?
        for (k, i) in core.outputIndices.enumerated() {
            out.append(UInt8(ascii: ","))
            let o = core.outcomes[i]
            let hasAmount = core.outputHasAmount[k]
            if let e = o.error { rowError = "\(core.outputRules[k].id): \(e)" }
            switch o.status {
            case .undetermined:
                summary.undetermined[k] += 1
                continue
            case .eligible:
                summary.eligible[k] += 1
                if hasAmount, let t = try? summary.totals[k] + o.amount { summary.totals[k] = t }
            default: break
            }
            if hasAmount {
                (o.status == .eligible ? o.amount : Fixed.zero).appendYuan(to: &out)
            } else {
                out.append(o.status == .eligible ? UInt8(ascii: "1") : UInt8(ascii: "0"))
            }
        }
        out.append(UInt8(ascii: ","))
        if let rowError { out.append(contentsOf: CSVFields.escape(rowError).utf8) }
        out.append(UInt8(ascii: "\n"))
    }
}
