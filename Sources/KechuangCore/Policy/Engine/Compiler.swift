import Foundation

/// Resolves names and checks types of expressions, producing evaluator nodes.
///
/// Numeric literals are flexible: `30万` compares with money, `0.10` multiplies money. Otherwise money
/// and plain numbers do not mix: money + number is an error, money × money is an error.
struct Compiler {
    struct Typed {
        let node: Node
        let type: ValueType
        /// A numeric literal (or arithmetic of literals) that may stand for money or a number.
        let flexible: Bool
    }

    let variables: [String: (slot: Int, type: ValueType)]
    let parameters: [String: (slot: Int, type: ValueType)]
    let rules: [String: (index: Int, amountType: ValueType?)]

    func compile(_ e: Expr) throws(PolicyLoadError) -> Typed {
        func fail(_ m: String) -> PolicyLoadError { PolicyLoadError(e.position, m) }
        switch e.kind {
        case .number(let f): return Typed(node: ConstNode(.num(f)), type: .number, flexible: true)
        case .text(let s): return Typed(node: ConstNode(.text(s)), type: .text, flexible: false)
        case .bool(let b): return Typed(node: ConstNode(.bool(b)), type: .bool, flexible: false)
        case .name(let n): return try resolve(n, at: e.position)
        case .negate(let a):
            let t = try compile(a)
            guard t.type == .number || t.type == .money else { throw fail("'-' needs a number or money, not \(t.type.rawValue)") }
            return Typed(node: NegateNode(t.node), type: t.type, flexible: t.flexible)
        case .not(let a):
            let t = try compile(a)
            guard t.type == .bool else { throw fail("'not' needs true/false, not \(t.type.rawValue)") }
            return Typed(node: NotNode(t.node), type: .bool, flexible: false)
        case .binary(let op, let a, let b):
            let x = try compile(a), y = try compile(b)
            switch op {
            case .and, .or:
                guard x.type == .bool, y.type == .bool else { throw fail("'\(op.rawValue)' joins true/false conditions, not \(x.type.rawValue) and \(y.type.rawValue)") }
                return Typed(node: LogicNode(and: op == .and, x.node, y.node), type: .bool, flexible: false)
            case .add, .sub:
                let t = try unify(x, y, op: op.rawValue, at: e.position)
                return Typed(node: ArithNode(op, x.node, y.node), type: t, flexible: x.flexible && y.flexible)
            case .mul:
                try requireNumeric(x, y, op: "*", at: e.position)
                if x.type == .money && !x.flexible && y.type == .money && !y.flexible { throw fail("money × money has no meaning; multiply money by a rate") }
                let t: ValueType = (x.type == .money && !x.flexible) || (y.type == .money && !y.flexible) ? .money : .number
                return Typed(node: ArithNode(.mul, x.node, y.node), type: t, flexible: x.flexible && y.flexible)
            case .div:
                try requireNumeric(x, y, op: "/", at: e.position)
                let moneyOverMoney = x.type == .money && y.type == .money
                let t: ValueType = moneyOverMoney ? .number : (x.type == .money ? .money : .number)
                return Typed(node: ArithNode(.div, x.node, y.node), type: t, flexible: x.flexible && y.flexible)
            default:
                if op == .eq || op == .ne {
                    _ = try unify(x, y, op: op.rawValue, at: e.position)
                } else {
                    let t = try unify(x, y, op: op.rawValue, at: e.position)
                    guard t == .number || t == .money else { throw fail("'\(op.rawValue)' compares numbers or money, not \(t.rawValue)") }
                }
                return Typed(node: CompareNode(op, x.node, y.node), type: .bool, flexible: false)
            }
        case .ifThenElse(let c, let a, let b):
            let tc = try compile(c)
            guard tc.type == .bool else { throw PolicyLoadError(c.position, "the condition after 'if' must be true/false, not \(tc.type.rawValue)") }
            let x = try compile(a), y = try compile(b)
            let t = try unify(x, y, op: "if/else", at: e.position)
            return Typed(node: IfNode(tc.node, x.node, y.node), type: t, flexible: x.flexible && y.flexible)
        case .member(let a, let list, let negated):
            let x = try compile(a)
            guard case .list(let items) = list.kind else { throw PolicyLoadError(list.position, "'in' needs a list such as [\"a\", \"b\"]") }
            var values: [Value] = []
            for item in items {
                let t = try compile(item)
                guard let c = t.node as? ConstNode else { throw PolicyLoadError(item.position, "list items must be constants") }
                _ = try unify(x, t, op: "in", at: item.position)
                values.append(c.value)
            }
            return Typed(node: MemberNode(x.node, values, negated: negated), type: .bool, flexible: false)
        case .list:
            throw fail("a list can only stand after 'in'")
        case .call(let name, let args):
            return try call(name, args, at: e.position)
        }
    }

    func resolve(_ n: String, at p: SourcePosition) throws(PolicyLoadError) -> Typed {
        if let v = variables[n] { return Typed(node: InputNode(v.slot), type: v.type, flexible: false) }
        if let v = parameters[n] { return Typed(node: ParamNode(v.slot), type: v.type, flexible: false) }
        if n.hasSuffix(".amount") || n.hasSuffix(".eligible") {
            let isAmount = n.hasSuffix(".amount")
            let id = String(n.dropLast(isAmount ? 7 : 9))
            if let r = rules[id] {
                if isAmount && r.amountType == nil { throw PolicyLoadError(p, "rule '\(id)' has no amount; use \(id).eligible") }
                return Typed(node: RuleResultNode(rule: r.index, amount: isAmount), type: isAmount ? r.amountType! : .bool, flexible: false)
            }
        }
        let near = (Array(variables.keys) + Array(parameters.keys)).filter { $0.hasPrefix(String(n.prefix(4))) }.sorted().prefix(3)
        throw PolicyLoadError(p, "unknown name '\(n)'" + (near.isEmpty ? "" : "; did you mean \(near.joined(separator: ", "))?"))
    }

    func unify(_ x: Typed, _ y: Typed, op: String, at p: SourcePosition) throws(PolicyLoadError) -> ValueType {
        if x.type == y.type { return x.type }
        let numeric: Set<ValueType> = [.number, .money]
        if numeric.contains(x.type), numeric.contains(y.type) {
            if x.flexible { return y.type }
            if y.flexible { return x.type }
        }
        throw PolicyLoadError(p, "type mismatch: '\(op)' between \(x.type.rawValue) and \(y.type.rawValue)")
    }

    func requireNumeric(_ x: Typed, _ y: Typed, op: String, at p: SourcePosition) throws(PolicyLoadError) {
        let numeric: Set<ValueType> = [.number, .money]
        guard numeric.contains(x.type), numeric.contains(y.type) else {
            throw PolicyLoadError(p, "'\(op)' needs numbers or money, not \(x.type.rawValue) and \(y.type.rawValue)")
        }
    }

    func call(_ name: String, _ args: [Expr], at p: SourcePosition) throws(PolicyLoadError) -> Typed {
        func fail(_ m: String) -> PolicyLoadError { PolicyLoadError(p, m) }
        switch name {
        case "min", "max":
            guard args.count >= 2 else { throw fail("\(name)() needs at least two values") }
            let typed = try args.map { (a: Expr) throws(PolicyLoadError) -> Typed in try compile(a) }
            var t = typed[0]
            for next in typed.dropFirst() {
                t = Typed(node: t.node, type: try unify(t, next, op: name, at: p), flexible: t.flexible && next.flexible)
            }
            guard t.type == .number || t.type == .money else { throw fail("\(name)() needs numbers or money") }
            return Typed(node: MinMaxNode(min: name == "min", typed.map(\.node)), type: t.type, flexible: t.flexible)
        case "clamp":
            guard args.count == 3 else { throw fail("clamp(value, low, high) takes three values") }
            let x = try compile(args[0]), lo = try compile(args[1]), hi = try compile(args[2])
            let t = try unify(try unifyTyped(x, lo, p), hi, op: "clamp", at: p)
            guard t == .number || t == .money else { throw fail("clamp() needs numbers or money") }
            return Typed(node: MinMaxNode(min: true, [MinMaxNode(min: false, [x.node, lo.node]), hi.node]), type: t, flexible: false)
        case "abs":
            guard args.count == 1 else { throw fail("abs() takes one value") }
            let x = try compile(args[0])
            guard x.type == .number || x.type == .money else { throw fail("abs() needs a number or money") }
            return Typed(node: AbsNode(x.node), type: x.type, flexible: x.flexible)
        case "round":
            guard args.count == 3, case .number(let d) = args[1].kind, d.scale == 0, (0...10).contains(d.units),
                  case .name(let modeName) = args[2].kind, let mode = RoundingMode(rawValue: modeName) else {
                throw fail("write round(value, digits, mode) with mode one of \(RoundingMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let x = try compile(args[0])
            guard x.type == .number || x.type == .money else { throw fail("round() needs a number or money") }
            return Typed(node: RoundNode(x.node, digits: Int8(d.units), mode: mode), type: x.type, flexible: x.flexible)
        case "known":
            guard args.count == 1, case .name = args[0].kind else { throw fail("known(name) takes one input name") }
            return Typed(node: KnownNode(try compile(args[0]).node), type: .bool, flexible: false)
        default:
            throw fail("unknown function '\(name)'; available: min, max, clamp, abs, round, known")
        }
    }

    func unifyTyped(_ x: Typed, _ y: Typed, _ p: SourcePosition) throws(PolicyLoadError) -> Typed {
        Typed(node: x.node, type: try unify(x, y, op: "clamp", at: p), flexible: x.flexible && y.flexible)
    }
}
