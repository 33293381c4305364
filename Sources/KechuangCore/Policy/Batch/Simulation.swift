import Foundation

/// What-if over a CSV of entities, streamed: each row's inputs go into both frames of a `WhatIfAccumulator`
/// (the rule base as it is, and with the overlay), which totals per rule and per group (e.g. banner).
public final class Simulation {
    let reader: BatchEvaluatorCore
    let accumulator: WhatIfAccumulator
    let groupColumn: Int?
    public private(set) var rows = 0
    public private(set) var badRows = 0

    /// `groupBy` names a CSV column (e.g. `banner`) to total by; rows without it count under "".
    public init(base: RuleBase, date: Day, entity: EntityKind, overlay: ParameterOverlay, header: [String], groupBy: String?) throws(DomainError) {
        reader = try BatchEvaluatorCore(base: base, date: date, entity: entity, overlay: [:], header: header)
        accumulator = WhatIfAccumulator(base: base, entity: entity, date: date, overlay: overlay)
        groupColumn = groupBy.flatMap { header.firstIndex(of: $0) }
        if let g = groupBy, groupColumn == nil { throw DomainError.invalid("groupBy", "batch.no_group_column", ["column": g]) }
    }

    public func add(_ fields: [ArraySlice<UInt8>]) {
        rows += 1
        // The reader checks and converts the row once; both frames then get the same inputs.
        guard reader.load(fields) == nil else { badRows += 1; return }
        accumulator.beforeFrame.reset()
        accumulator.afterFrame.reset()
        for slot in reader.columns.map(\.slot) {
            accumulator.beforeFrame.inputs[slot] = reader.frame.inputs[slot]
            accumulator.afterFrame.inputs[slot] = reader.frame.inputs[slot]
        }
        let id = String(decoding: reader.id(fields), as: UTF8.self)
        accumulator.evaluateAndAdd(id: id, name: id, group: groupColumn.map { String(decoding: fields[$0], as: UTF8.self) } ?? "")
    }

    public var report: WhatIfReport { accumulator.report }
}
