import Foundation

/// Runs the test cases that sit beside the rules (in the spirit of OpenFisca's YAML tests).
public struct PolicyTestRunner {
    public struct Result: Sendable {
        public let name: String
        public let position: SourcePosition
        public let failures: [String]
        public var passed: Bool { failures.isEmpty }
    }

    public let base: RuleBase
    public init(base: RuleBase) { self.base = base }

    public func runAll() -> [Result] { base.tests.map(run) }

    public func run(_ t: PolicyTestCase) -> Result {
        var failures: [String] = []
        var raw: [String: RawInput] = [:]
        for (k, v) in t.inputs {
            guard case .scalar(let s, _) = v else { failures.append("input '\(k)' must be one value"); continue }
            raw[k] = s == "null" ? .null : .text(s)
        }
        var overlay: ParameterOverlay = [:]
        for (name, text) in t.overrides {
            guard let p = base.parameter(name) else { failures.append("override of unknown parameter '\(name)'"); continue }
            do { overlay[name] = try literalValue(text, type: p.type, at: t.position) } catch { failures.append(error.message) }
        }
        var inputs: [String: Value] = [:]
        do { inputs = try base.checkInputs(raw, entity: t.entity) } catch {
            failures += error.errors.map { "\($0.field ?? ""): \($0.code) \($0.arguments)" }
        }
        guard failures.isEmpty else { return Result(name: t.name, position: t.position, failures: failures) }
        let outcomes = base.evaluate(entity: t.entity, date: t.date, inputs: inputs, overlay: overlay)
        let byID = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.ruleID, $0) })
        for e in t.expectations {
            let parts = e.key.split(separator: ".", maxSplits: 1).map(String.init)
            guard let o = byID[parts[0]], let rule = base.rule(parts[0]) else {
                failures.append("\(e.position): no rule '\(parts[0])' for \(t.entity.rawValue)")
                continue
            }
            let field = parts.count > 1 ? parts[1] : "value"
            let actual: String
            switch field {
            case "status": actual = o.status.rawValue
            case "missing": actual = o.missing.joined(separator: ", ")
            case "value":
                if RuleOutcome.Status(rawValue: e.value) != nil { actual = o.status.rawValue }
                else if rule.kind.hasAmount {
                    guard let expected = Fixed(parsing: e.value.replacingOccurrences(of: ",", with: "")) else {
                        failures.append("\(e.position): '\(e.value)' is not an amount"); continue
                    }
                    let got = o.status == .eligible ? (o.amount ?? .zero) : Fixed.zero
                    if got != expected || (o.status == .undetermined) {
                        failures.append("\(e.position): \(e.key) expected \(expected.yuanString), got \(o.status == .undetermined ? "undetermined (missing \(o.missing.joined(separator: ", ")))" : got.yuanString)")
                    }
                    continue
                } else {
                    actual = o.status == .eligible ? "true" : (o.status == .undetermined ? "undetermined" : "false")
                }
            default:
                failures.append("\(e.position): unknown expectation '\(field)' (use status, missing or the rule id)")
                continue
            }
            if actual != e.value { failures.append("\(e.position): \(e.key) expected \(e.value), got \(actual)") }
        }
        return Result(name: t.name, position: t.position, failures: failures)
    }
}
