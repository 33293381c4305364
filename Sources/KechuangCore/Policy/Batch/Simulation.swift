import Foundation

/// What-if over many entities: the same rows evaluated with the rule base as it is and with a parameter
/// overlay, totalled per rule and per group (e.g. banner), with who gains and who loses.
public final class Simulation {
    public struct RuleTotals: Sendable {
        public let ruleID: String
        public var before: Fixed = .zero
        public var after: Fixed = .zero
        public var eligibleBefore = 0
        public var eligibleAfter = 0
        public var winners = 0
        public var losers = 0
    }

    public struct Change: Sendable {
        public let id: String
        public let group: String
        public let delta: Fixed
    }

    public let baseline: BatchEvaluatorCore
    public let variant: BatchEvaluatorCore
    let groupColumn: Int?
    let idColumn: Int
    public private(set) var rules: [RuleTotals]
    /// Per group value: total awards before and after.
    public private(set) var groups: [String: (before: Fixed, after: Fixed)] = [:]
    public private(set) var rows = 0
    public private(set) var badRows = 0
    public private(set) var biggestGains: [Change] = []
    public private(set) var biggestLosses: [Change] = []
    let keep = 10

    /// `groupBy` names a CSV column (e.g. `banner`) to total by; rows without it count under "".
    public init(base: RuleBase, date: Day, entity: EntityKind, overlay: ParameterOverlay, header: [String], groupBy: String?) throws(DomainError) {
        baseline = try BatchEvaluatorCore(base: base, date: date, entity: entity, overlay: [:], header: header)
        variant = try BatchEvaluatorCore(base: base, date: date, entity: entity, overlay: overlay, header: header)
        groupColumn = groupBy.flatMap { header.firstIndex(of: $0) }
        if let g = groupBy, groupColumn == nil { throw DomainError.invalid("groupBy", "batch.no_group_column", ["column": g]) }
        idColumn = header.firstIndex(of: "id")!
        rules = baseline.outputRules.map { RuleTotals(ruleID: $0.id) }
    }

    public func add(_ fields: [ArraySlice<UInt8>]) {
        rows += 1
        guard baseline.evaluate(fields) == nil, variant.evaluate(fields) == nil else { badRows += 1; return }
        var rowBefore = Fixed.zero, rowAfter = Fixed.zero
        for (k, i) in baseline.outputIndices.enumerated() where baseline.outputRules[k].kind == .award {
            let b = baseline.outcomes[i], a = variant.outcomes[i]
            if b.status == .eligible { rules[k].eligibleBefore += 1 }
            if a.status == .eligible { rules[k].eligibleAfter += 1 }
            let bv = b.status == .eligible ? b.amount : .zero
            let av = a.status == .eligible ? a.amount : .zero
            rules[k].before = (try? rules[k].before + bv) ?? rules[k].before
            rules[k].after = (try? rules[k].after + av) ?? rules[k].after
            if bv < av { rules[k].winners += 1 } else if av < bv { rules[k].losers += 1 }
            rowBefore = (try? rowBefore + bv) ?? rowBefore
            rowAfter = (try? rowAfter + av) ?? rowAfter
        }
        let group = groupColumn.map { String(decoding: fields[$0], as: UTF8.self) } ?? ""
        let g = groups[group] ?? (.zero, .zero)
        groups[group] = ((try? g.before + rowBefore) ?? g.before, (try? g.after + rowAfter) ?? g.after)
        guard let delta = try? rowAfter - rowBefore, !delta.isZero else { return }
        let change = Change(id: String(decoding: fields[idColumn], as: UTF8.self), group: group, delta: delta)
        if delta.isNegative { insert(change, into: &biggestLosses) { $0.delta < $1.delta } }
        else { insert(change, into: &biggestGains) { $1.delta < $0.delta } }
    }

    func insert(_ c: Change, into list: inout [Change], by order: (Change, Change) -> Bool) {
        if list.count == keep, let last = list.last, !order(c, last) { return }
        list.append(c)
        list.sort(by: order)
        if list.count > keep { list.removeLast() }
    }
}

