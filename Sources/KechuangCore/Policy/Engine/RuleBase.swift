import Foundation

/// A checked, compiled set of policy rules: the one rule base every module asks.
///
/// Built once from the policy files (`RuleBase.load`); immutable afterwards, so one instance is shared by
/// all requests. Evaluation never parses anything.
public final class RuleBase: @unchecked Sendable {
    public let variables: [VariableDef]
    public let parameters: [ParameterDef]
    /// In dependency order: a rule comes after every rule whose result it reads.
    public let rules: [RuleDef]
    public let capGroups: [CapGroupDef]
    public let tests: [PolicyTestCase]
    /// Identifies this exact set of files; decisions store it so a later rule change never alters them.
    public let version: String

    public let variableIndex: [String: Int]
    public let parameterIndex: [String: Int]
    public let ruleIndex: [String: Int]
    let conditionNodes: [[Node]]
    /// For each ordering comparison among the conditions, its two sides compiled alone, so a trace can say
    /// how far a failing entity is from the threshold without compiling anything per request.
    let conditionSides: [[(Node, Node)?]]
    let amountNodes: [Node?]
    /// Parameter slots each rule reads (directly or through rules it depends on).
    public let ruleParameters: [[Int]]
    /// Input names each rule reads, directly or through the rules it depends on.
    public let ruleInputs: [[String]]

    init(defs: RuleBaseLoader.Definitions, version: String) throws(PolicyLoadErrors) {
        var errors: [PolicyLoadError] = []
        func unique<T>(_ items: [T], _ key: (T) -> String, _ pos: (T) -> SourcePosition, _ what: String) -> [String: Int] {
            var index: [String: Int] = [:]
            for (i, item) in items.enumerated() {
                if index[key(item)] != nil { errors.append(PolicyLoadError(pos(item), "\(what) '\(key(item))' is defined twice")) }
                index[key(item)] = i
            }
            return index
        }
        let vIndex = unique(defs.variables, \.name, \.position, "variable")
        let pIndex = unique(defs.parameters, \.name, \.position, "parameter")
        let rIndexUnsorted = unique(defs.rules, \.id, \.position, "rule")
        for name in vIndex.keys where pIndex[name] != nil {
            errors.append(PolicyLoadError(defs.parameters[pIndex[name]!].position, "'\(name)' is both a variable and a parameter"))
        }

        // Order rules so each comes after the rules it reads; report cycles with their path.
        let refs: [[Int]] = defs.rules.map { rule in
            let names = rule.conditions.flatMap(\.expr.names) + (rule.amount?.names ?? [])
            return names.compactMap { n -> Int? in
                for suffix in [".amount", ".eligible"] where n.hasSuffix(suffix) {
                    return rIndexUnsorted[String(n.dropLast(suffix.count))]
                }
                return nil
            }
        }
        var order: [Int] = []
        var state = Array(repeating: 0, count: defs.rules.count) // 0 new, 1 visiting, 2 done
        func visit(_ i: Int, _ path: [Int]) {
            if state[i] == 2 { return }
            if state[i] == 1 {
                let cycle = (path.drop { $0 != i } + [i]).map { defs.rules[$0].id }.joined(separator: " → ")
                errors.append(PolicyLoadError(defs.rules[i].position, "rules depend on each other in a cycle: \(cycle)"))
                return
            }
            state[i] = 1
            for d in refs[i] { visit(d, path + [i]) }
            state[i] = 2
            order.append(i)
        }
        for i in defs.rules.indices { visit(i, []) }
        let sortedRules = order.map { defs.rules[$0] }
        let rIndex = Dictionary(uniqueKeysWithValues: sortedRules.enumerated().map { ($1.id, $0) })

        let compiler = Compiler(
            variables: vIndex.mapValues { ($0, defs.variables[$0].type) },
            parameters: pIndex.mapValues { ($0, defs.parameters[$0].type) },
            rules: rIndex.mapValues { ($0, sortedRules[$0].kind.amountType) })

        var conditionNodes: [[Node]] = []
        var conditionSides: [[(Node, Node)?]] = []
        var amountNodes: [Node?] = []
        var ruleParameters: [[Int]] = []
        var ruleInputs: [[String]] = []
        for rule in sortedRules {
            var conds: [Node] = []
            for c in rule.conditions {
                do throws(PolicyLoadError) {
                    let t = try compiler.compile(c.expr)
                    if t.type != .bool { throw PolicyLoadError(c.expr.position, "a 'when' condition must be true/false, but this is \(t.type.rawValue)") }
                    conds.append(t.node)
                } catch { errors.append(error) }
            }
            var amountNode: Node?
            if let a = rule.amount {
                do throws(PolicyLoadError) {
                    guard rule.kind.hasAmount else { throw PolicyLoadError(a.position, "a \(rule.kind.rawValue) rule has no amount; remove 'amount' or make it an award") }
                    let t = try compiler.compile(a)
                    if rule.kind == .score {
                        if t.type != .number { throw PolicyLoadError(a.position, "a score is a plain number, but this is \(t.type.rawValue)") }
                    } else if t.type != .money && !(t.type == .number && t.flexible) {
                        throw PolicyLoadError(a.position, "the amount must be money, but this is \(t.type.rawValue)")
                    }
                    amountNode = t.node
                } catch { errors.append(error) }
            } else if rule.kind.hasAmount {
                errors.append(PolicyLoadError(rule.position, "rule '\(rule.id)' is a \(rule.kind.rawValue) and needs an 'amount'"))
            }
            conditionNodes.append(conds)
            conditionSides.append(rule.conditions.map { c in
                guard case .binary(let op, let a, let b) = c.expr.kind, [.ge, .gt, .le, .lt].contains(op),
                      let x = try? compiler.compile(a), let y = try? compiler.compile(b) else { return nil }
                return (x.node, y.node)
            })
            amountNodes.append(amountNode)

            // Inputs and parameters read, including through other rules (already visited: dependency order).
            let names = rule.conditions.flatMap(\.expr.names) + (rule.amount?.names ?? [])
            var inputs = Set<String>(), params = Set<Int>()
            for n in names {
                if vIndex[n] != nil { inputs.insert(n) }
                if let p = pIndex[n] { params.insert(p) }
                for suffix in [".amount", ".eligible"] where n.hasSuffix(suffix) {
                    if let dep = rIndex[String(n.dropLast(suffix.count))], dep < ruleInputs.count {
                        inputs.formUnion(ruleInputs[dep])
                        params.formUnion(ruleParameters[dep])
                    }
                }
            }
            for name in inputs.sorted() {
                let v = defs.variables[vIndex[name]!]
                for e in rule.entities where !v.entities.contains(e) {
                    errors.append(PolicyLoadError(rule.position, "rule '\(rule.id)' applies to \(e.rawValue) but reads '\(name)', which describes \(v.entities.map(\.rawValue).joined(separator: "/"))"))
                }
            }
            let selfDeclared = inputs.filter { !defs.variables[vIndex[$0]!].government }.sorted()
            if rule.automatic && !selfDeclared.isEmpty {
                errors.append(PolicyLoadError(rule.position, "rule '\(rule.id)' is marked automatic (免申即享) but reads self-declared inputs: \(selfDeclared.joined(separator: ", "))"))
            }
            ruleInputs.append(inputs.sorted())
            ruleParameters.append(params.sorted())
        }
        let groupIDs = Set(defs.capGroups.map(\.id))
        for g in defs.capGroups {
            if let p = pIndex[g.parameter] {
                if defs.parameters[p].type != .money { errors.append(PolicyLoadError(g.position, "cap group '\(g.id)' needs a money parameter")) }
            } else { errors.append(PolicyLoadError(g.position, "cap group '\(g.id)' names unknown parameter '\(g.parameter)'")) }
        }
        for r in sortedRules {
            if let g = r.capGroup, !groupIDs.contains(g) { errors.append(PolicyLoadError(r.position, "rule '\(r.id)' names unknown cap group '\(g)'")) }
            if (r.capGroup != nil || r.exclusiveGroup != nil) && !r.kind.hasAmount {
                errors.append(PolicyLoadError(r.position, "only rules with an amount can be in an exclusive or cap group"))
            }
        }
        if !errors.isEmpty { throw PolicyLoadErrors(errors.sorted { ($0.position.file, $0.position.line, $0.position.column) < ($1.position.file, $1.position.line, $1.position.column) }) }

        variables = defs.variables
        parameters = defs.parameters
        rules = sortedRules
        capGroups = defs.capGroups
        tests = defs.tests
        self.version = version
        variableIndex = vIndex
        parameterIndex = pIndex
        ruleIndex = rIndex
        self.conditionNodes = conditionNodes
        self.conditionSides = conditionSides
        self.amountNodes = amountNodes
        self.ruleParameters = ruleParameters
        self.ruleInputs = ruleInputs
    }

    /// Loads, checks and compiles policy files. Every problem is reported with file:line:column.
    public static func load(_ sources: [PolicySource]) throws(PolicyLoadErrors) -> RuleBase {
        var errors: [PolicyLoadError] = []
        let defs = RuleBaseLoader.read(sources, errors: &errors)
        if !errors.isEmpty { throw PolicyLoadErrors(errors) }
        return try RuleBase(defs: defs, version: fingerprint(sources))
    }

    public static func load(directory: String) throws -> RuleBase {
        try load(try PolicySource.directory(directory))
    }

    /// FNV-1a over paths and texts: a stable short id of the rule base's content.
    static func fingerprint(_ sources: [PolicySource]) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for s in sources.sorted(by: { $0.path < $1.path }) {
            for b in ((s.path as NSString).lastPathComponent + "\u{0}" + s.text).utf8 {
                h ^= UInt64(b)
                h = h &* 0x100000001b3
            }
        }
        return String(h, radix: 16)
    }

    public func rule(_ id: String) -> RuleDef? { ruleIndex[id].map { rules[$0] } }
    public func variable(_ name: String) -> VariableDef? { variableIndex[name].map { variables[$0] } }
    public func parameter(_ name: String) -> ParameterDef? { parameterIndex[name].map { parameters[$0] } }
}

extension RuleBase {
    /// The inputs of `entity` that rules of one scheme read (nil: the benefits and duties 一键匹配 lists), in file order.
    public func variables(for entity: EntityKind, scheme: String?) -> [VariableDef] {
        var used = Set<String>()
        for (i, r) in rules.enumerated() where r.scheme == scheme && r.entities.contains(entity) { used.formUnion(ruleInputs[i]) }
        return variables.filter { $0.entities.contains(entity) && used.contains($0.name) }
    }
}
