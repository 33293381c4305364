import Foundation

/// Typed access to a mapping of a policy file, reporting unknown keys (typos) and missing ones with positions.
struct BlockReader {
    let entries: [String: (position: SourcePosition, value: YNode)]
    let position: SourcePosition
    let what: String

    init(_ node: YNode, what: String, allowed: Set<String>) throws(PolicyLoadError) {
        guard case .map(let list, let p) = node else { throw PolicyLoadError(node.position, "\(what) must be a block of 'key: value' lines") }
        var d: [String: (SourcePosition, YNode)] = [:]
        for e in list {
            guard allowed.contains(e.key) else {
                throw PolicyLoadError(e.position, "unknown key '\(e.key)' in \(what); allowed: \(allowed.sorted().joined(separator: ", "))")
            }
            d[e.key] = (e.position, e.value)
        }
        entries = d
        position = p
        self.what = what
    }

    func node(_ key: String) -> YNode? { entries[key]?.value }

    func string(_ key: String) throws(PolicyLoadError) -> String {
        guard let n = entries[key]?.value else { throw PolicyLoadError(position, "\(what) needs '\(key)'") }
        guard case .scalar(let s, let p) = n, !s.isEmpty else { throw PolicyLoadError(n.position, "'\(key)' must be text") }
        _ = p
        return s
    }

    func optionalString(_ key: String) throws(PolicyLoadError) -> String? {
        guard entries[key] != nil else { return nil }
        return try string(key)
    }

    func valuePosition(_ key: String) -> SourcePosition { entries[key]?.value.position ?? position }

    func int(_ key: String) throws(PolicyLoadError) -> Int {
        let s = try string(key)
        guard let v = Int(s) else { throw PolicyLoadError(valuePosition(key), "'\(key)' must be a whole number, not '\(s)'") }
        return v
    }

    func bool(_ key: String, default d: Bool) throws(PolicyLoadError) -> Bool {
        guard let s = try optionalString(key) else { return d }
        switch s { case "true", "yes": return true; case "false", "no": return false
        default: throw PolicyLoadError(valuePosition(key), "'\(key)' must be true or false, not '\(s)'") }
    }

    func day(_ key: String) throws(PolicyLoadError) -> Day {
        let s = try string(key)
        guard let d = Day(s) else { throw PolicyLoadError(valuePosition(key), "'\(key)' must be a date YYYY-MM-DD, not '\(s)'") }
        return d
    }

    func optionalDay(_ key: String) throws(PolicyLoadError) -> Day? {
        guard entries[key] != nil else { return nil }
        return try day(key)
    }

    func list(_ key: String) throws(PolicyLoadError) -> [YNode] {
        guard let n = entries[key]?.value else { return [] }
        guard case .seq(let items, _) = n else { throw PolicyLoadError(n.position, "'\(key)' must be a list of '- ' items") }
        return items
    }

    func stringList(_ key: String) throws(PolicyLoadError) -> [String] {
        if case .scalar(let s, _)? = entries[key]?.value { return [s] }
        return try list(key).map { (n: YNode) throws(PolicyLoadError) -> String in
            guard case .scalar(let s, _) = n else { throw PolicyLoadError(n.position, "'\(key)' items must be text") }
            return s
        }
    }

    func choice<T: RawRepresentable>(_ key: String, _ type: T.Type, default d: T? = nil) throws(PolicyLoadError) -> T where T.RawValue == String {
        guard entries[key] != nil else {
            if let d { return d }
            throw PolicyLoadError(position, "\(what) needs '\(key)'")
        }
        let s = try string(key)
        guard let v = T(rawValue: s) else { throw PolicyLoadError(valuePosition(key), "'\(s)' is not a valid \(key)") }
        return v
    }

    /// The text of a scalar and where its first character is, for expressions.
    func expressionSource(_ key: String) throws(PolicyLoadError) -> (String, SourcePosition)? {
        guard let n = entries[key]?.value else { return nil }
        guard case .scalar(let s, let p) = n else { throw PolicyLoadError(n.position, "'\(key)' must be an expression on one line") }
        return (s, p)
    }
}

/// Reads a literal value of a given type from a scalar (parameter values, test inputs).
func literalValue(_ text: String, type: ValueType, at p: SourcePosition) throws(PolicyLoadError) -> Value {
    switch type {
    case .bool:
        switch text { case "true", "yes", "1": return .bool(true); case "false", "no", "0": return .bool(false)
        default: throw PolicyLoadError(p, "expected true or false, not '\(text)'") }
    case .text: return .text(text)
    case .number, .money:
        var t = Substring(text.replacingOccurrences(of: "_", with: "").replacingOccurrences(of: ",", with: ""))
        var factor: Fixed?
        if let m = t.last.flatMap({ ExprLexer.multipliers[$0] }) { factor = m; t = t.dropLast() }
        guard var f = Fixed(parsing: t) else { throw PolicyLoadError(p, "expected a number, not '\(text)'") }
        if let factor { f = (try? f * factor) ?? f }
        if type == .money, f.normalized().scale > 2 { throw PolicyLoadError(p, "money has at most two decimals (fen): '\(text)'") }
        return .num(f)
    }
}
