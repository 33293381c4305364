import Foundation

/// Reads one CSV row into the evaluation frame and evaluates it; shared by the batch writer and the simulation.
public final class BatchEvaluatorCore {
    /// Why a row could not be evaluated, for its `error` cell.
    public struct RowError: Error, Sendable { public let message: String }

    /// What the hot path needs of an input column; plain values only, so iterating copies no strings.
    struct Column {
        let index: Int
        let slot: Int
        let type: ValueType
        let minimum: Fixed?
        let maximum: Fixed?
    }

    let base: RuleBase
    let prepared: PreparedEvaluation
    let columns: [Column]
    public let idColumn: Int
    let expectedCount: Int
    public let outputRules: [RuleDef]
    /// Rule indices of `outputRules`, to read the outcome buffer.
    public let outputIndices: [Int]
    /// Per output rule: whether it writes an amount (else 0/1). Kept apart from `outputRules` for the same reason.
    public let outputHasAmount: [Bool]
    let frame: EvalFrame
    /// The last row's outcomes, indexed by rule index (valid after a successful `evaluate`).
    public private(set) var outcomes: [FastOutcome]
    public let ignoredColumns: [String]

    public init(base: RuleBase, date: Day, entity: EntityKind, overlay: ParameterOverlay, header: [String]) throws(DomainError) {
        guard let id = header.firstIndex(of: "id") else { throw DomainError(.invalidInput, code: "batch.no_id_column", field: "id") }
        idColumn = id
        self.base = base
        prepared = base.prepare(date: date, entity: entity, overlay: overlay)
        columns = header.enumerated().compactMap { k, name in
            guard let slot = base.variableIndex[name], base.variables[slot].entities.contains(entity) else { return nil }
            let v = base.variables[slot]
            return Column(index: k, slot: slot, type: v.type, minimum: v.minimum, maximum: v.maximum)
        }
        let used = Set(columns.map(\.index) + [id])
        ignoredColumns = header.enumerated().filter { !used.contains($0.offset) }.map(\.element)
        expectedCount = header.count
        // Assessment-scheme rules (the cultivation ladder) are no benefit to list per row.
        outputIndices = prepared.applicable.filter { base.rules[$0].scheme == nil }
        outputRules = outputIndices.map { base.rules[$0] }
        outputHasAmount = outputRules.map(\.kind.hasAmount)
        frame = prepared.makeFrame()
        outcomes = prepared.makeBuffer()
    }

    public func id(_ fields: [ArraySlice<UInt8>]) -> ArraySlice<UInt8> {
        idColumn < fields.count ? fields[idColumn] : []
    }

    /// Evaluates one row given as field ranges of `buffer` (see `CSVFields.ranges`); no copying, no refcounting.
    public func evaluate(_ buffer: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>]) -> RowError? {
        guard fields.count == expectedCount else {
            return RowError(message: "expected \(expectedCount) fields, found \(fields.count)")
        }
        frame.reset()
        for c in columns {
            let range = fields[c.index]
            if range.isEmpty { continue }
            let cell = UnsafeBufferPointer(rebasing: buffer[range])
            if let v = Self.fastValue(cell, c) { frame.inputs[c.slot] = v; continue }
            if let problem = slowValue(String(decoding: cell, as: UTF8.self), c) { return problem }
        }
        prepared.evaluate(frame, into: &outcomes)
        return nil
    }

    /// Evaluates one row into `outcomes`, or gives the reason the row cannot be read.
    public func evaluate(_ fields: [ArraySlice<UInt8>]) -> RowError? {
        if let problem = load(fields) { return problem }
        prepared.evaluate(frame, into: &outcomes)
        return nil
    }

    /// Reads one row's inputs into `frame` without evaluating (the what-if copies them into its own frames).
    public func load(_ fields: [ArraySlice<UInt8>]) -> RowError? {
        guard fields.count == expectedCount else {
            return RowError(message: "expected \(expectedCount) fields, found \(fields.count)")
        }
        frame.reset()
        for c in columns {
            let cell = fields[c.index]
            if cell.isEmpty { continue }
            if let v = Self.fastValue(cell, c) { frame.inputs[c.slot] = v; continue }
            if let problem = slowValue(String(decoding: cell, as: UTF8.self), c) { return problem }
        }
        return nil
    }

    /// Plain numbers and 0/1 flags without building strings; anything else takes the general path.
    /// Anything the fast path does not take: grouped numbers, 万/亿, text values, or an error naming the input.
    func slowValue(_ text: String, _ c: Column) -> RowError? {
        let v = base.variables[c.slot]
        do {
            if let value = try RuleBase.convert(.text(text), to: v, field: v.name) { frame.inputs[c.slot] = value }
            return nil
        } catch {
            return RowError(message: "\(v.name): \(error.code)")
        }
    }

    @inline(__always)
    static func fastValue<C: Collection>(_ cell: C, _ v: Column) -> Value? where C.Element == UInt8, C.Index == Int {
        switch v.type {
        case .money, .number:
            guard let f = Fixed(bytes: cell) else { return nil }
            if v.type == .money, f.scale > 2 { return nil }
            if let lo = v.minimum, f < lo { return nil }
            if let hi = v.maximum, hi < f { return nil }
            return .num(f)
        case .bool:
            guard cell.count == 1 else { return nil }
            switch cell[cell.startIndex] { case UInt8(ascii: "1"): return .bool(true); case UInt8(ascii: "0"): return .bool(false); default: return nil }
        case .text:
            return nil
        }
    }
}
