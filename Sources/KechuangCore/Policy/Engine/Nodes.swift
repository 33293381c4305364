import Foundation

/// Mutable slots one evaluation works in: inputs, parameter values for the date, rule results so far.
///
/// The slots are raw buffers rather than arrays: a frame belongs to one thread, and a batch run touches them
/// tens of millions of times, where array copy-on-write checks showed up as a hot spot.
public final class EvalFrame {
    public let inputs: UnsafeMutablePointer<Value>
    let params: UnsafeMutablePointer<Value>
    let eligible: UnsafeMutablePointer<Value>
    let amounts: UnsafeMutablePointer<Value>
    let inputCount: Int
    let paramCount: Int
    let ruleCount: Int

    init(inputCount: Int, params: [Value], ruleCount: Int) {
        self.inputCount = inputCount
        paramCount = params.count
        self.ruleCount = ruleCount
        inputs = .allocate(capacity: max(1, inputCount))
        inputs.initialize(repeating: .unknown, count: inputCount)
        self.params = .allocate(capacity: max(1, params.count))
        self.params.initialize(from: params, count: params.count)
        eligible = .allocate(capacity: max(1, ruleCount))
        eligible.initialize(repeating: .unknown, count: ruleCount)
        amounts = .allocate(capacity: max(1, ruleCount))
        amounts.initialize(repeating: .unknown, count: ruleCount)
    }

    deinit {
        inputs.deinitialize(count: inputCount)
        inputs.deallocate()
        params.deinitialize(count: paramCount)
        params.deallocate()
        eligible.deinitialize(count: ruleCount)
        eligible.deallocate()
        amounts.deinitialize(count: ruleCount)
        amounts.deallocate()
    }

    /// Forgets every input (before the next entity).
    public func reset() {
        for i in 0..<inputCount { inputs[i] = .unknown }
    }
}

public enum EvalError: Error, Sendable, Equatable {
    case arithmetic(FixedError)
}

/// A compiled expression: names resolved to slots, types checked, nothing parsed at run time.
class Node: @unchecked Sendable {
    func eval(_ f: EvalFrame) throws(EvalError) -> Value { .unknown }
}

final class ConstNode: Node {
    let value: Value
    init(_ v: Value) { value = v }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value { value }
}

final class InputNode: Node {
    let slot: Int
    init(_ s: Int) { slot = s }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value { f.inputs[slot] }
}

final class ParamNode: Node {
    let slot: Int
    init(_ s: Int) { slot = s }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value { f.params[slot] }
}

final class RuleResultNode: Node {
    let rule: Int
    let amount: Bool
    init(rule: Int, amount: Bool) { self.rule = rule; self.amount = amount }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value { amount ? f.amounts[rule] : f.eligible[rule] }
}

final class NegateNode: Node {
    let a: Node
    init(_ a: Node) { self.a = a }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value {
        guard case .num(let x) = try a.eval(f) else { return .unknown }
        return .num(Fixed(units: -x.units, scale: x.scale))
    }
}

final class NotNode: Node {
    let a: Node
    init(_ a: Node) { self.a = a }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value {
        guard case .bool(let b) = try a.eval(f) else { return .unknown }
        return .bool(!b)
    }
}

final class ArithNode: Node {
    let op: Expr.BinaryOp
    let a: Node, b: Node
    init(_ op: Expr.BinaryOp, _ a: Node, _ b: Node) { self.op = op; self.a = a; self.b = b }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value {
        guard case .num(let x) = try a.eval(f), case .num(let y) = try b.eval(f) else { return .unknown }
        do {
            switch op {
            case .add: return .num(try x + y)
            case .sub: return .num(try x - y)
            case .mul: return .num(try x * y)
            default: return .num(try Fixed.divide(x, y))
            }
        } catch { throw .arithmetic(error) }
    }
}

final class CompareNode: Node {
    let op: Expr.BinaryOp
    let a: Node, b: Node
    init(_ op: Expr.BinaryOp, _ a: Node, _ b: Node) { self.op = op; self.a = a; self.b = b }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value {
        let x = try a.eval(f), y = try b.eval(f)
        if x == .unknown || y == .unknown { return .unknown }
        switch (x, y) {
        case (.num(let p), .num(let q)):
            let c = p.compare(q)
            switch op {
            case .lt: return .bool(c == .less)
            case .le: return .bool(c != .greater)
            case .gt: return .bool(c == .greater)
            case .ge: return .bool(c != .less)
            case .eq: return .bool(c == .equal)
            default: return .bool(c != .equal)
            }
        default:
            return .bool(op == .eq ? x == y : x != y)
        }
    }
}

/// Kleene logic: false and unknown is false; true or unknown is true.
final class LogicNode: Node {
    let isAnd: Bool
    let a: Node, b: Node
    init(and: Bool, _ a: Node, _ b: Node) { isAnd = and; self.a = a; self.b = b }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value {
        let x = try a.eval(f)
        if case .bool(let p) = x, p != isAnd { return x }
        let y = try b.eval(f)
        if case .bool(let q) = y, q != isAnd { return y }
        if x == .unknown || y == .unknown { return .unknown }
        return .bool(isAnd)
    }
}

final class IfNode: Node {
    let c: Node, a: Node, b: Node
    init(_ c: Node, _ a: Node, _ b: Node) { self.c = c; self.a = a; self.b = b }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value {
        switch try c.eval(f) {
        case .bool(true): return try a.eval(f)
        case .bool(false): return try b.eval(f)
        default:
            // Undecided condition: the result is known only if both branches agree.
            let x = try a.eval(f), y = try b.eval(f)
            return x == y ? x : .unknown
        }
    }
}

final class MinMaxNode: Node {
    let isMin: Bool
    let args: [Node]
    init(min: Bool, _ args: [Node]) { isMin = min; self.args = args }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value {
        var best: Fixed?
        for n in args {
            guard case .num(let v) = try n.eval(f) else { return .unknown }
            if let b = best { best = (isMin ? v < b : b < v) ? v : b } else { best = v }
        }
        return best.map { .num($0) } ?? .unknown
    }
}

final class AbsNode: Node {
    let a: Node
    init(_ a: Node) { self.a = a }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value {
        guard case .num(let x) = try a.eval(f) else { return .unknown }
        return .num(x.isNegative ? Fixed(units: -x.units, scale: x.scale) : x)
    }
}

final class RoundNode: Node {
    let a: Node
    let digits: Int8
    let mode: RoundingMode
    init(_ a: Node, digits: Int8, mode: RoundingMode) { self.a = a; self.digits = digits; self.mode = mode }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value {
        guard case .num(let x) = try a.eval(f) else { return .unknown }
        do { return .num(try x.rounded(scale: digits, mode)) } catch { throw .arithmetic(error) }
    }
}

final class MemberNode: Node {
    let a: Node
    let set: [Value]
    let negated: Bool
    init(_ a: Node, _ set: [Value], negated: Bool) { self.a = a; self.set = set; self.negated = negated }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value {
        let x = try a.eval(f)
        if x == .unknown { return .unknown }
        return .bool(set.contains(x) != negated)
    }
}

final class KnownNode: Node {
    let a: Node
    init(_ a: Node) { self.a = a }
    override func eval(_ f: EvalFrame) throws(EvalError) -> Value { .bool(try a.eval(f) != .unknown) }
}
