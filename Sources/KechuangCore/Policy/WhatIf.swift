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
        let before = base.prepare(date: date, entity: entity)
        let after = base.prepare(date: date, entity: entity, overlay: overlay)
        let fb = before.makeFrame(), fa = after.makeFrame()
        var bb = before.makeBuffer(), ba = after.makeBuffer()
        let awardIndices = before.applicable.filter { base.rules[$0].kind == .award }
        var lines = awardIndices.map { RuleLine(rule: base.rules[$0]) }
        var groups: [String: (Fixed, Fixed)] = [:]
        var changes: [Change] = []
        for e in entities {
            fb.reset(); fa.reset()
            for (name, v) in e.inputs {
                guard let slot = base.variableIndex[name] else { continue }
                fb.inputs[slot] = v
                fa.inputs[slot] = v
            }
            before.evaluate(fb, into: &bb)
            after.evaluate(fa, into: &ba)
            var rowBefore = Fixed.zero, rowAfter = Fixed.zero
            for (k, i) in awardIndices.enumerated() {
                let b = bb[i].status == .eligible ? bb[i].amount : .zero
                let a = ba[i].status == .eligible ? ba[i].amount : .zero
                if bb[i].status == .eligible { lines[k].eligibleBefore += 1 }
                if ba[i].status == .eligible { lines[k].eligibleAfter += 1 }
                lines[k].before = (try? lines[k].before + b) ?? lines[k].before
                lines[k].after = (try? lines[k].after + a) ?? lines[k].after
                if b < a { lines[k].winners += 1 } else if a < b { lines[k].losers += 1 }
                rowBefore = (try? rowBefore + b) ?? rowBefore
                rowAfter = (try? rowAfter + a) ?? rowAfter
            }
            let g = groups[e.group] ?? (.zero, .zero)
            groups[e.group] = ((try? g.0 + rowBefore) ?? g.0, (try? g.1 + rowAfter) ?? g.1)
            if rowBefore != rowAfter { changes.append(Change(id: e.id, name: e.name, group: e.group, before: rowBefore, after: rowAfter)) }
        }
        let sorted = changes.sorted { $1.delta < $0.delta }
        return WhatIfReport(rules: lines, groups: groups.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.group < $1.group },
                            gains: Array(sorted.filter { !$0.delta.isNegative }.prefix(keep)),
                            losses: Array(sorted.reversed().filter { $0.delta.isNegative }.prefix(keep)), entities: entities.count)
    }
}
