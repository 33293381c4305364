import Foundation

/// What-if over entities already in memory (the database's organisations): totals per rule and per group
/// before and after a parameter overlay, and who gains or loses most.
public struct WhatIfReport: Sendable {
    public struct RuleLine: Sendable {
        public let rule: RuleDef
        public var before: Fixed = .zero
        public var after: Fixed = .zero
        public var eligibleBefore = 0
        public var eligibleAfter = 0
        public var winners = 0
        public var losers = 0
        public var change: Fixed { (try? after - before) ?? .zero }
    }

    public struct Change: Sendable {
        public let id: String
        public let name: String
        public let group: String
        public let before: Fixed
        public let after: Fixed
        public var delta: Fixed { (try? after - before) ?? .zero }
    }

    public struct Entity: Sendable {
        public let id: String
        public let name: String
        public let group: String
        public let inputs: [String: Value]
        public init(id: String, name: String, group: String, inputs: [String: Value]) {
            self.id = id
            self.name = name
            self.group = group
            self.inputs = inputs
        }
    }

    public var rules: [RuleLine]
    public var groups: [(group: String, before: Fixed, after: Fixed)]
    public var gains: [Change]
    public var losses: [Change]
    public let entities: Int
    public var totalBefore: Fixed { rules.reduce(.zero) { (try? $0 + $1.before) ?? $0 } }
    public var totalAfter: Fixed { rules.reduce(.zero) { (try? $0 + $1.after) ?? $0 } }

    /// Awards only: computations and obligations have no cost.
    public static func run(base: RuleBase, entity: EntityKind, date: Day, overlay: ParameterOverlay, entities: [Entity], keep: Int = 10) -> WhatIfReport {
        let acc = WhatIfAccumulator(base: base, entity: entity, date: date, overlay: overlay, keep: keep)
        for e in entities {
            acc.beforeFrame.reset()
            acc.afterFrame.reset()
            for (name, v) in e.inputs {
                guard let slot = base.variableIndex[name] else { continue }
                acc.beforeFrame.inputs[slot] = v
                acc.afterFrame.inputs[slot] = v
            }
            acc.evaluateAndAdd(id: e.id, name: e.name, group: e.group)
        }
        return acc.report
    }
}

/// Evaluates entities twice (as the rules stand, and with the overlay) and adds up the difference. Shared by the
/// database what-if page and `kechuang policy simulate` over a CSV, which fill the two frames differently.
public final class WhatIfAccumulator {
    let before: PreparedEvaluation
    let after: PreparedEvaluation
    public let beforeFrame: EvalFrame
    public let afterFrame: EvalFrame
    var beforeOut: [FastOutcome]
    var afterOut: [FastOutcome]
    let awardIndices: [Int]
    let keep: Int
    var lines: [WhatIfReport.RuleLine]
    var groups: [String: (Fixed, Fixed)] = [:]
    var gains: [WhatIfReport.Change] = []
    var losses: [WhatIfReport.Change] = []
    public private(set) var entities = 0

    public init(base: RuleBase, entity: EntityKind, date: Day, overlay: ParameterOverlay, keep: Int = 10) {
        before = base.prepare(date: date, entity: entity)
        after = base.prepare(date: date, entity: entity, overlay: overlay)
        beforeFrame = before.makeFrame()
        afterFrame = after.makeFrame()
        beforeOut = before.makeBuffer()
        afterOut = after.makeBuffer()
        awardIndices = before.applicable.filter { base.rules[$0].kind == .award }
        lines = awardIndices.map { WhatIfReport.RuleLine(rule: base.rules[$0]) }
        self.keep = keep
    }

    /// Evaluates the inputs now in both frames and adds the entity to the totals.
    public func evaluateAndAdd(id: String, name: String, group: String) {
        entities += 1
        before.evaluate(beforeFrame, into: &beforeOut)
        after.evaluate(afterFrame, into: &afterOut)
        var rowBefore = Fixed.zero, rowAfter = Fixed.zero
        for (k, i) in awardIndices.enumerated() {
            let b = beforeOut[i].status == .eligible ? beforeOut[i].amount : .zero
            let a = afterOut[i].status == .eligible ? afterOut[i].amount : .zero
            if beforeOut[i].status == .eligible { lines[k].eligibleBefore += 1 }
            if afterOut[i].status == .eligible { lines[k].eligibleAfter += 1 }
            lines[k].before = (try? lines[k].before + b) ?? lines[k].before
            lines[k].after = (try? lines[k].after + a) ?? lines[k].after
            if b < a { lines[k].winners += 1 } else if a < b { lines[k].losers += 1 }
            rowBefore = (try? rowBefore + b) ?? rowBefore
            rowAfter = (try? rowAfter + a) ?? rowAfter
        }
        let g = groups[group] ?? (.zero, .zero)
        groups[group] = ((try? g.0 + rowBefore) ?? g.0, (try? g.1 + rowAfter) ?? g.1)
        guard rowBefore != rowAfter else { return }
        let change = WhatIfReport.Change(id: id, name: name, group: group, before: rowBefore, after: rowAfter)
        if change.delta.isNegative { keepTop(change, in: &losses) { $0.delta < $1.delta } }
        else { keepTop(change, in: &gains) { $1.delta < $0.delta } }
    }

    func keepTop(_ c: WhatIfReport.Change, in list: inout [WhatIfReport.Change], by order: (WhatIfReport.Change, WhatIfReport.Change) -> Bool) {
        if list.count == keep, let last = list.last, !order(c, last) { return }
        list.append(c)
        list.sort(by: order)
        if list.count > keep { list.removeLast() }
    }

    public var report: WhatIfReport {
        WhatIfReport(rules: lines, groups: groups.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.group < $1.group },
                     gains: gains, losses: losses, entities: entities)
    }
}
