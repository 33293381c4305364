import Foundation

/// One policy file's path and text.
public struct PolicySource: Sendable {
    public let path: String
    public let text: String
    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    /// Every `.yaml` file below `directory`, sorted by path so loading is deterministic.
    public static func directory(_ directory: String) throws -> [PolicySource] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: directory) else { throw PolicyLoadErrors([PolicyLoadError(SourcePosition(file: directory, line: 0, column: 0), "no such directory")]) }
        var out: [PolicySource] = []
        for case let rel as String in walker where rel.hasSuffix(".yaml") {
            let path = (directory as NSString).appendingPathComponent(rel)
            out.append(PolicySource(path: path, text: try String(contentsOfFile: path, encoding: .utf8)))
        }
        return out.sorted { $0.path < $1.path }
    }
}

/// All the problems found while loading a rule base.
public struct PolicyLoadErrors: Error, Sendable, CustomStringConvertible {
    public let errors: [PolicyLoadError]
    public init(_ errors: [PolicyLoadError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Reads policy files into definitions; `RuleBase.compile` then checks and compiles them.
enum RuleBaseLoader {
    struct Definitions {
        var variables: [VariableDef] = []
        var parameters: [ParameterDef] = []
        var rules: [RuleDef] = []
        var capGroups: [CapGroupDef] = []
        var tests: [PolicyTestCase] = []
    }

    static let topKeys: Set<String> = ["variables", "parameters", "rules", "cap_groups", "tests", "description"]

    static func read(_ sources: [PolicySource], errors: inout [PolicyLoadError]) -> Definitions {
        var defs = Definitions()
        for source in sources {
            do {
                var parser = try PolicyYAMLParser(file: source.path, text: source.text)
                let top = try BlockReader(try parser.parseDocument(), what: "a policy file", allowed: topKeys)
                for n in try top.list("variables") {
                    do { defs.variables.append(try variable(n)) } catch { errors.append(error) }
                }
                for n in try top.list("parameters") {
                    do { defs.parameters.append(try parameter(n)) } catch { errors.append(error) }
                }
                for n in try top.list("rules") {
                    do { defs.rules.append(try rule(n)) } catch { errors.append(error) }
                }
                for n in try top.list("cap_groups") {
                    do { defs.capGroups.append(try capGroup(n)) } catch { errors.append(error) }
                }
                for n in try top.list("tests") {
                    do { defs.tests.append(try testCase(n)) } catch { errors.append(error) }
                }
            } catch {
                errors.append(error)
            }
        }
        return defs
    }

    static func identifier(_ s: String, at p: SourcePosition, dotted: Bool) throws(PolicyLoadError) -> String {
        let ok = !s.isEmpty && s.first!.isLetter && s.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || (dotted && $0 == ".")) }
        guard ok else { throw PolicyLoadError(p, "'\(s)' is not a valid name: use lowercase letters, digits and _" + (dotted ? " (and . between parts)" : "")) }
        return s
    }

    static func variable(_ n: YNode) throws(PolicyLoadError) -> VariableDef {
        let r = try BlockReader(n, what: "a variable", allowed: ["name", "type", "entity", "label", "label_en", "source", "government", "min", "max", "values"])
        let name = try identifier(try r.string("name"), at: r.valuePosition("name"), dotted: false)
        let type = try r.choice("type", ValueType.self)
        let entities = try entityList(r, what: "variable '\(name)'")
        func bound(_ key: String) throws(PolicyLoadError) -> Fixed? {
            guard let s = try r.optionalString(key) else { return nil }
            guard case .num(let f) = try literalValue(s, type: .number, at: r.valuePosition(key)) else { return nil }
            return f
        }
        let allowed = r.node("values") == nil ? nil : try r.stringList("values")
        return VariableDef(name: name, type: type, entities: entities, label: try r.string("label"), labelEn: try r.string("label_en"),
                           source: try r.string("source"), government: try r.bool("government", default: false),
                           minimum: try bound("min"), maximum: try bound("max"), allowed: allowed, position: r.position)
    }

    static func entityList(_ r: BlockReader, what: String) throws(PolicyLoadError) -> [EntityKind] {
        let list = try r.stringList("entity").map { (s: String) throws(PolicyLoadError) -> EntityKind in
            guard let e = EntityKind(rawValue: s) else {
                throw PolicyLoadError(r.valuePosition("entity"), "unknown entity '\(s)'; one of \(EntityKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return e
        }
        guard !list.isEmpty else { throw PolicyLoadError(r.position, "\(what) needs 'entity'") }
        return list
    }

    static func parameter(_ n: YNode) throws(PolicyLoadError) -> ParameterDef {
        let r = try BlockReader(n, what: "a parameter", allowed: ["name", "type", "label", "label_en", "unit", "values"])
        let name = try identifier(try r.string("name"), at: r.valuePosition("name"), dotted: true)
        let type = try r.choice("type", ValueType.self)
        var values: [ParameterDef.DatedValue] = []
        for item in try r.list("values") {
            let v = try BlockReader(item, what: "a dated value of '\(name)'", allowed: ["from", "until", "value", "status", "source"])
            let from = try v.day("from")
            let until = try v.optionalDay("until")
            if let until, until < from { throw PolicyLoadError(v.valuePosition("until"), "'until' \(until) is before 'from' \(from)") }
            let value = try literalValue(try v.string("value"), type: type, at: v.valuePosition("value"))
            values.append(.init(from: from, until: until, value: value, status: try v.choice("status", ParameterDef.Status.self),
                                source: try v.string("source"), position: v.position))
        }
        guard !values.isEmpty else { throw PolicyLoadError(r.position, "parameter '\(name)' needs at least one dated value") }
        let sorted = values.sorted { $0.from < $1.from }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.until == nil || b.from <= a.until! {
            throw PolicyLoadError(b.position, "dates of '\(name)' overlap: the value from \(b.from) starts before the value from \(a.from) ends")
        }
        return ParameterDef(name: name, type: type, label: try r.string("label"), labelEn: try r.string("label_en"),
                            unit: try r.optionalString("unit") ?? "", values: sorted, position: r.position)
    }

    static let ruleKeys: Set<String> = ["id", "title", "title_en", "article", "quote", "entity", "kind", "automatic", "effective_from",
                                        "effective_until", "when", "amount", "rounding", "exclusive_group", "cap_group", "version", "scheme", "ceiling"]

    static func rule(_ n: YNode) throws(PolicyLoadError) -> RuleDef {
        let r = try BlockReader(n, what: "a rule", allowed: ruleKeys)
        let id = try identifier(try r.string("id"), at: r.valuePosition("id"), dotted: false)
        let article = try r.int("article")
        guard (1...30).contains(article) else { throw PolicyLoadError(r.valuePosition("article"), "article must be 1–30 (the 实施意见 has 30)") }
        var conditions: [RuleDef.Condition] = []
        for c in try r.list("when") {
            guard case .scalar(let s, let p) = c else { throw PolicyLoadError(c.position, "each 'when' item is one condition on one line") }
            conditions.append(.init(source: s, expr: try ExprParser.parse(s, at: p)))
        }
        var amount: Expr?
        var amountSource: String?
        if let (s, p) = try r.expressionSource("amount") {
            amount = try ExprParser.parse(s, at: p)
            amountSource = s
        }
        let from = try r.day("effective_from")
        let until = try r.optionalDay("effective_until")
        if let until, until < from { throw PolicyLoadError(r.valuePosition("effective_until"), "effective_until is before effective_from") }
        return RuleDef(id: id, title: try r.string("title"), titleEn: try r.string("title_en"), article: article, quote: try r.string("quote"),
                       entities: try entityList(r, what: "rule '\(id)'"), kind: try r.choice("kind", RuleKind.self),
                       automatic: try r.bool("automatic", default: false), effectiveFrom: from, effectiveUntil: until,
                       conditions: conditions, amountSource: amountSource, amount: amount,
                       rounding: try r.choice("rounding", RoundingMode.self, default: .halfUp),
                       exclusiveGroup: try r.optionalString("exclusive_group"), capGroup: try r.optionalString("cap_group"),
                       version: try r.optionalString("version") ?? "1", position: r.position,
                       scheme: try r.optionalString("scheme").map { (s: String) throws(PolicyLoadError) in try identifier(s, at: r.valuePosition("scheme"), dotted: false) },
                       ceiling: try r.bool("ceiling", default: false))
    }

    static func capGroup(_ n: YNode) throws(PolicyLoadError) -> CapGroupDef {
        let r = try BlockReader(n, what: "a cap group", allowed: ["id", "parameter", "label"])
        return CapGroupDef(id: try r.string("id"), parameter: try r.string("parameter"), label: try r.string("label"), position: r.position)
    }

    static func testCase(_ n: YNode) throws(PolicyLoadError) -> PolicyTestCase {
        let r = try BlockReader(n, what: "a test", allowed: ["name", "entity", "date", "inputs", "expect", "overrides"])
        func pairs(_ key: String) throws(PolicyLoadError) -> [(String, YNode, SourcePosition)] {
            guard let node = r.node(key) else { return [] }
            guard case .map(let list, _) = node else { throw PolicyLoadError(node.position, "'\(key)' must be 'name: value' lines") }
            return list.map { ($0.key, $0.value, $0.position) }
        }
        var inputs: [String: YNode] = [:]
        for (k, v, _) in try pairs("inputs") { inputs[k] = v }
        var expectations: [(String, String, SourcePosition)] = []
        for (k, v, p) in try pairs("expect") {
            guard case .scalar(let s, _) = v else { throw PolicyLoadError(p, "expected value of '\(k)' must be on one line") }
            expectations.append((k, s, p))
        }
        guard !expectations.isEmpty else { throw PolicyLoadError(r.position, "a test needs at least one 'expect' line") }
        var overrides: [String: String] = [:]
        for (k, v, p) in try pairs("overrides") {
            guard case .scalar(let s, _) = v else { throw PolicyLoadError(p, "override of '\(k)' must be one value") }
            overrides[k] = s
        }
        return PolicyTestCase(name: try r.string("name"), entity: try r.choice("entity", EntityKind.self), date: try r.day("date"),
                              inputs: inputs, expectations: expectations, overrides: overrides, position: r.position)
    }
}
