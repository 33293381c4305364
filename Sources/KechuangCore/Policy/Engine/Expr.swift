import Foundation

/// A parsed expression of the rule language, before names are resolved.
public struct Expr: Sendable {
    public indirect enum Kind: Sendable {
        case number(Fixed)
        case text(String)
        case bool(Bool)
        /// A variable, a parameter (dotted), or a rule result (`rule_id.amount`, `rule_id.eligible`).
        case name(String)
        case call(String, [Expr])
        case negate(Expr)
        case not(Expr)
        case binary(BinaryOp, Expr, Expr)
        case ifThenElse(Expr, Expr, Expr)
        case list([Expr])
        case member(Expr, Expr, negated: Bool)
    }

    public enum BinaryOp: String, Sendable {
        case add = "+", sub = "-", mul = "*", div = "/"
        case lt = "<", le = "<=", gt = ">", ge = ">=", eq = "==", ne = "!="
        case and, or

        var isComparison: Bool { [.lt, .le, .gt, .ge, .eq, .ne].contains(self) }
    }

    public let kind: Kind
    public let position: SourcePosition

    /// Every name the expression mentions, for dependency ordering and "which inputs decide this".
    public var names: [String] {
        switch kind {
        case .number, .text, .bool: []
        case .name(let n): [n]
        case .call(_, let args), .list(let args): args.flatMap(\.names)
        case .negate(let e), .not(let e): e.names
        case .binary(_, let a, let b), .member(let a, let b, _): a.names + b.names
        case .ifThenElse(let a, let b, let c): a.names + b.names + c.names
        }
    }
}

/// Tokens of the rule language.
struct Token: Equatable {
    enum Kind: Equatable {
        case number(Fixed), text(String), ident(String), op(String), end
    }
    let kind: Kind
    let offset: Int
}

/// Turns one expression (a single YAML value) into tokens; offsets map back to the file column.
struct ExprLexer {
    static let multipliers: [Character: Fixed] = ["万": Fixed(10_000), "亿": Fixed(100_000_000), "%": Fixed(units: 1, scale: 2)]

    static func tokens(_ source: String, at position: SourcePosition) throws(PolicyLoadError) -> [Token] {
        let chars = Array(source)
        var out: [Token] = []
        var i = 0
        func fail(_ message: String) -> PolicyLoadError { PolicyLoadError(position.advanced(by: i), message) }
        while i < chars.count {
            let c = chars[i]
            if c == " " { i += 1; continue }
            let start = i
            if c.isASCII && c.isNumber {
                var j = i
                while j < chars.count, (chars[j].isASCII && chars[j].isNumber) || chars[j] == "." || chars[j] == "_" { j += 1 }
                let literal = String(chars[i..<j]).replacingOccurrences(of: "_", with: "")
                guard var value = Fixed(parsing: literal) else { throw fail("'\(literal)' is not a number") }
                if j < chars.count, let m = multipliers[chars[j]] {
                    do { value = try value * m } catch { throw fail("number too large") }
                    j += 1
                }
                out.append(Token(kind: .number(value), offset: start))
                i = j
            } else if c.isASCII && (c.isLetter || c == "_") {
                var j = i
                while j < chars.count, chars[j].isASCII && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == ".") { j += 1 }
                out.append(Token(kind: .ident(String(chars[i..<j])), offset: start))
                i = j
            } else if c == "\"" {
                var j = i + 1
                var text = ""
                while j < chars.count, chars[j] != "\"" { text.append(chars[j]); j += 1 }
                guard j < chars.count else { throw fail("unterminated \"text\"") }
                out.append(Token(kind: .text(text), offset: start))
                i = j + 1
            } else {
                let two = i + 1 < chars.count ? String(chars[i...i + 1]) : ""
                if ["<=", ">=", "==", "!="].contains(two) {
                    out.append(Token(kind: .op(two), offset: start)); i += 2
                } else if "+-*/<>(),[]".contains(c) {
                    out.append(Token(kind: .op(String(c)), offset: start)); i += 1
                } else if c == "=" {
                    throw fail("use '==' to compare")
                } else {
                    throw fail("unexpected character '\(c)'")
                }
            }
        }
        out.append(Token(kind: .end, offset: chars.count))
        return out
    }
}

/// Recursive-descent parser: if/then/else, or, and, not, comparisons and `in`, + -, * /, unary minus,
/// literals (with 万, 亿, % suffixes), names, calls and lists.
struct ExprParser {
    let tokens: [Token]
    let base: SourcePosition
    var i = 0

    static func parse(_ source: String, at position: SourcePosition) throws(PolicyLoadError) -> Expr {
        var p = ExprParser(tokens: try ExprLexer.tokens(source, at: position), base: position)
        let e = try p.expression()
        guard case .end = p.tokens[p.i].kind else { throw p.error("unexpected '\(p.describe(p.tokens[p.i]))' after the end of the expression") }
        return e
    }

    func pos(_ t: Token) -> SourcePosition { base.advanced(by: t.offset) }
    func error(_ m: String) -> PolicyLoadError { PolicyLoadError(pos(tokens[i]), m) }
    func describe(_ t: Token) -> String {
        switch t.kind {
        case .number(let f): f.description
        case .text(let s): "\"\(s)\""
        case .ident(let s), .op(let s): s
        case .end: "end"
        }
    }

    func peekIdent(_ word: String) -> Bool { if case .ident(word) = tokens[i].kind { return true }; return false }
    func peekOp(_ op: String) -> Bool { if case .op(op) = tokens[i].kind { return true }; return false }

    mutating func expect(_ op: String) throws(PolicyLoadError) {
        guard peekOp(op) else { throw error("expected '\(op)', found '\(describe(tokens[i]))'") }
        i += 1
    }

    mutating func expression() throws(PolicyLoadError) -> Expr {
        if peekIdent("if") {
            let t = tokens[i]; i += 1
            let c = try expression()
            guard peekIdent("then") else { throw error("expected 'then'") }
            i += 1
            let a = try expression()
            guard peekIdent("else") else { throw error("expected 'else': every 'if' needs both branches") }
            i += 1
            let b = try expression()
            return Expr(kind: .ifThenElse(c, a, b), position: pos(t))
        }
        return try orExpr()
    }

    mutating func orExpr() throws(PolicyLoadError) -> Expr {
        var left = try andExpr()
        while peekIdent("or") {
            let t = tokens[i]; i += 1
            left = Expr(kind: .binary(.or, left, try andExpr()), position: pos(t))
        }
        return left
    }

    mutating func andExpr() throws(PolicyLoadError) -> Expr {
        var left = try notExpr()
        while peekIdent("and") {
            let t = tokens[i]; i += 1
            left = Expr(kind: .binary(.and, left, try notExpr()), position: pos(t))
        }
        return left
    }

    mutating func notExpr() throws(PolicyLoadError) -> Expr {
        if peekIdent("not") {
            let t = tokens[i]; i += 1
            return Expr(kind: .not(try notExpr()), position: pos(t))
        }
        return try comparison()
    }

    mutating func comparison() throws(PolicyLoadError) -> Expr {
        let left = try additive()
        if case .op(let op) = tokens[i].kind, let bop = Expr.BinaryOp(rawValue: op), bop.isComparison {
            let t = tokens[i]; i += 1
            return Expr(kind: .binary(bop, left, try additive()), position: pos(t))
        }
        if peekIdent("in") {
            let t = tokens[i]; i += 1
            return Expr(kind: .member(left, try additive(), negated: false), position: pos(t))
        }
        if peekIdent("not"), i + 1 < tokens.count, case .ident("in") = tokens[i + 1].kind {
            let t = tokens[i]; i += 2
            return Expr(kind: .member(left, try additive(), negated: true), position: pos(t))
        }
        return left
    }

    mutating func additive() throws(PolicyLoadError) -> Expr {
        var left = try multiplicative()
        while case .op(let op) = tokens[i].kind, op == "+" || op == "-" {
            let t = tokens[i]; i += 1
            left = Expr(kind: .binary(op == "+" ? .add : .sub, left, try multiplicative()), position: pos(t))
        }
        return left
    }

    mutating func multiplicative() throws(PolicyLoadError) -> Expr {
        var left = try unary()
        while case .op(let op) = tokens[i].kind, op == "*" || op == "/" {
            let t = tokens[i]; i += 1
            left = Expr(kind: .binary(op == "*" ? .mul : .div, left, try unary()), position: pos(t))
        }
        return left
    }

    mutating func unary() throws(PolicyLoadError) -> Expr {
        if peekOp("-") {
            let t = tokens[i]; i += 1
            return Expr(kind: .negate(try unary()), position: pos(t))
        }
        return try primary()
    }

    mutating func primary() throws(PolicyLoadError) -> Expr {
        let t = tokens[i]
        switch t.kind {
        case .number(let f): i += 1; return Expr(kind: .number(f), position: pos(t))
        case .text(let s): i += 1; return Expr(kind: .text(s), position: pos(t))
        case .ident("true"): i += 1; return Expr(kind: .bool(true), position: pos(t))
        case .ident("false"): i += 1; return Expr(kind: .bool(false), position: pos(t))
        case .ident(let name):
            if ["if", "then", "else", "and", "or", "not", "in"].contains(name) { throw error("unexpected '\(name)'") }
            i += 1
            if peekOp("(") {
                i += 1
                var args: [Expr] = []
                if !peekOp(")") {
                    args.append(try expression())
                    while peekOp(",") { i += 1; args.append(try expression()) }
                }
                try expect(")")
                return Expr(kind: .call(name, args), position: pos(t))
            }
            return Expr(kind: .name(name), position: pos(t))
        case .op("("):
            i += 1
            let e = try expression()
            try expect(")")
            return e
        case .op("["):
            i += 1
            var items: [Expr] = []
            if !peekOp("]") {
                items.append(try expression())
                while peekOp(",") { i += 1; items.append(try expression()) }
            }
            try expect("]")
            return Expr(kind: .list(items), position: pos(t))
        case .end: throw error("the expression ends too early")
        case .op(let o): throw error("unexpected '\(o)'")
        }
    }
}
