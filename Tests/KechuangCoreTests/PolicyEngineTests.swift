import Foundation
@testable import KechuangCore
import Testing

/// A small policy for engine tests: given these variables and parameters, `rules` and `extra` are added.
func miniPolicy(rules: String, parameters: String = "", extraVariables: String = "", file: String = "mini.yaml") -> [PolicySource] {
    let text = """
    variables:
      - name: revenue
        type: money
        entity: enterprise
        label: 营业收入
        label_en: Revenue
        source: 市税务局
        government: true
        min: 0
      - name: staff
        type: number
        entity: enterprise
        label: 职工人数
        label_en: Staff
        source: 自报
        government: false
      - name: certified
        type: bool
        entity: enterprise
        label: 已认定
        label_en: Certified
        source: 市科技局
        government: true
    \(extraVariables)
    parameters:
      - name: award.base
        type: money
        label: 基础奖
        label_en: Base award
        values:
          - from: 2024-01-01
            until: 2024-12-31
            value: 10万
            status: official
            source: 测试
          - from: 2025-01-01
            value: 20万
            status: provisional
            source: 测试暂定
    \(parameters)
    rules:
    \(rules)
    """
    return [PolicySource(path: file, text: text)]
}

func rule(_ id: String, when: [String], amount: String? = nil, kind: String = "award", extra: String = "") -> String {
    """
      - id: \(id)
        title: \(id)
        title_en: \(id)
        article: 7
        quote: 测试条款
        entity: enterprise
        kind: \(kind)
        effective_from: 2024-01-01
        when:
    \(when.map { "      - \($0)" }.joined(separator: "\n"))
    \(amount.map { "    amount: \($0)" } ?? "")
    \(extra)
    """
}

func loadErrors(_ sources: [PolicySource]) -> [PolicyLoadError] {
    do {
        _ = try RuleBase.load(sources)
        return []
    } catch {
        return error.errors
    }
}

@Suite("Policy engine: the Ordos rule base")
struct OrdosRuleBaseTests {
    @Test("The Ordos policy files load and every test case beside the rules passes")
    func ordosTestsPass() throws {
        let base = try RuleBase.load(directory: repoRoot + "/policies/ordos")
        let results = PolicyTestRunner(base: base).runAll()
        #expect(results.count >= 40)
        for r in results where !r.passed { Issue.record("\(r.name) (\(r.position)): \(r.failures.joined(separator: "; "))") }
        // Every computable article the brief lists has at least one rule.
        let articles = Set(base.rules.map(\.article))
        #expect(articles.isSuperset(of: [4, 7, 8, 12, 13, 14, 15, 17, 22, 25, 29]))
        // Every rule cites a clause and every dated value names its source.
        #expect(base.rules.allSatisfy { !$0.quote.isEmpty })
        #expect(base.parameters.allSatisfy { $0.values.allSatisfy { !$0.source.isEmpty } })
    }

    @Test("A wrong expectation makes the runner fail, naming the file and line")
    func runnerCanFail() throws {
        let sources = miniPolicy(rules: rule("a", when: ["certified"], amount: "award.base")) + [PolicySource(path: "t.yaml", text: """
        tests:
          - name: deliberately wrong
            entity: enterprise
            date: 2025-03-01
            inputs:
              certified: true
            expect:
              a: 1.00
        """)]
        let base = try RuleBase.load(sources)
        let result = PolicyTestRunner(base: base).runAll()[0]
        #expect(!result.passed)
        #expect(result.failures[0].contains("t.yaml:8:"))
        #expect(result.failures[0].contains("expected 1.00, got 200000.00"))
    }
}

@Suite("Policy engine: load errors name file:line:column")
struct PolicyLoadErrorTests {
    @Test("A syntax error in an expression points at the character")
    func syntax() {
        let errors = loadErrors(miniPolicy(rules: rule("a", when: ["revenue >= = 5"], kind: "recognition")))
        #expect(errors.count == 1)
        #expect(errors[0].description.hasPrefix("mini.yaml:"))
        #expect(errors[0].message.contains("'=='") || errors[0].message.contains("unexpected"))
    }

    @Test("An unknown variable is reported with a suggestion")
    func unknownName() {
        let errors = loadErrors(miniPolicy(rules: rule("a", when: ["revenu >= 5"], kind: "recognition")))
        #expect(errors.first?.message.contains("unknown name 'revenu'") == true)
        #expect(errors.first?.message.contains("revenue") == true)
    }

    @Test("Type mismatches are rejected: money plus true/false, money times money, a non-boolean condition")
    func types() {
        #expect(loadErrors(miniPolicy(rules: rule("a", when: ["revenue + certified > 0"], kind: "recognition"))).first?.message.contains("type mismatch") == true)
        #expect(loadErrors(miniPolicy(rules: rule("a", when: ["certified"], amount: "revenue * revenue"))).first?.message.contains("money × money") == true)
        #expect(loadErrors(miniPolicy(rules: rule("a", when: ["revenue"], kind: "recognition"))).first?.message.contains("must be true/false") == true)
    }

    @Test("Rules that depend on each other in a cycle are rejected with the cycle")
    func cycle() {
        let errors = loadErrors(miniPolicy(rules: rule("a", when: ["b.eligible"], amount: "award.base") + "\n" + rule("b", when: ["a.eligible"], amount: "award.base")))
        #expect(errors.contains { $0.message.contains("cycle") && $0.message.contains("a") && $0.message.contains("b") })
    }

    @Test("Overlapping parameter dates are rejected")
    func overlap() {
        let errors = loadErrors(miniPolicy(rules: rule("a", when: ["certified"], amount: "award.base"), parameters: """
          - name: award.extra
            type: money
            label: 额外
            label_en: Extra
            values:
              - from: 2024-01-01
                until: 2025-06-30
                value: 1
                status: official
                source: x
              - from: 2025-06-01
                value: 2
                status: official
                source: x
        """))
        #expect(errors.first?.message.contains("overlap") == true)
        #expect(errors.first?.position.line ?? 0 > 0)
    }

    @Test("A rule marked automatic may not read self-declared inputs")
    func automatic() {
        let errors = loadErrors(miniPolicy(rules: rule("a", when: ["staff > 10"], amount: "award.base", extra: "    automatic: true")))
        #expect(errors.first?.message.contains("self-declared inputs: staff") == true)
    }

    @Test("A misspelt key and a tab are caught")
    func typosAndTabs() {
        #expect(loadErrors(miniPolicy(rules: rule("a", when: ["certified"], amount: "award.base", extra: "    amout: 5"))).first?.message.contains("unknown key 'amout'") == true)
        let tab = loadErrors([PolicySource(path: "t.yaml", text: "rules:\n\t- id: x\n")])
        #expect(tab.first?.description == "t.yaml:2:1: tabs are not allowed; indent with spaces")
    }
}

@Suite("Policy engine: evaluation")
struct PolicyEvaluationTests {
    let day = Day("2025-03-01")!

    @Test("Missing inputs make a rule undetermined and are named; false and unknown is false")
    func threeValued() throws {
        let base = try RuleBase.load(miniPolicy(rules: rule("a", when: ["certified", "revenue >= 100万"], amount: "award.base")))
        let unknown = base.evaluate(entity: .enterprise, date: day, inputs: ["certified": .bool(true)])[0]
        #expect(unknown.status == .undetermined)
        #expect(unknown.missing == ["revenue"])
        #expect(unknown.potentialAmount == Fixed(200_000))
        let no = base.evaluate(entity: .enterprise, date: day, inputs: ["certified": .bool(false)])[0]
        #expect(no.status == .notEligible)
    }

    @Test("The parameter value in force on the date applies")
    func datedParameters() throws {
        let base = try RuleBase.load(miniPolicy(rules: rule("a", when: ["certified"], amount: "award.base")))
        #expect(base.evaluate(entity: .enterprise, date: Day("2024-06-01")!, inputs: ["certified": .bool(true)])[0].amount == Fixed(100_000))
        #expect(base.evaluate(entity: .enterprise, date: day, inputs: ["certified": .bool(true)])[0].amount == Fixed(200_000))
        #expect(base.evaluate(entity: .enterprise, date: Day("2023-06-01")!, inputs: ["certified": .bool(true)])[0].status == .notInForce)
    }

    @Test("就高不重复: only the highest of an exclusive group is paid")
    func exclusive() throws {
        let rules = rule("small", when: ["certified"], amount: "5万", extra: "    exclusive_group: g") + "\n"
            + rule("large", when: ["certified"], amount: "8万", extra: "    exclusive_group: g")
        let out = try RuleBase.load(miniPolicy(rules: rules)).evaluate(entity: .enterprise, date: day, inputs: ["certified": .bool(true)])
        let byID = Dictionary(uniqueKeysWithValues: out.map { ($0.ruleID, $0) })
        #expect(byID["large"]?.amount == Fixed(80_000))
        #expect(byID["small"]?.status == .superseded)
        #expect(byID["small"]?.note?.contains("large") == true)
    }

    @Test("A cap group limits the total of its rules per entity")
    func capGroup() throws {
        let rules = rule("one", when: ["certified"], amount: "15万", extra: "    cap_group: yearly") + "\n"
            + rule("two", when: ["certified"], amount: "10万", extra: "    cap_group: yearly")
        let sources = miniPolicy(rules: rules) + [PolicySource(path: "caps.yaml", text: "cap_groups:\n  - id: yearly\n    parameter: award.base\n    label: 年度上限\n")]
        let out = try RuleBase.load(sources).evaluate(entity: .enterprise, date: day, inputs: ["certified": .bool(true)])
        #expect(out.compactMap(\.amount).reduce(Fixed.zero) { (try? $0 + $1) ?? $0 } == Fixed(200_000))
        #expect(out.contains { $0.note?.contains("yearly") == true })
    }

    @Test("The trace names the failed condition, the gap to pass it, and the formula with numbers")
    func trace() throws {
        let base = try RuleBase.load(miniPolicy(rules: rule("a", when: ["certified", "revenue >= 100万"], amount: "min(award.base, revenue * 10%)")))
        let prepared = base.prepare(date: day, entity: .enterprise)
        let f = prepared.makeFrame()
        f.inputs[base.variableIndex["certified"]!] = .bool(true)
        f.inputs[base.variableIndex["revenue"]!] = .num(Fixed(750_000))
        let t = prepared.explain(f)[0]
        #expect(t.outcome.status == .notEligible)
        #expect(t.failedCondition == 1)
        #expect(t.conditions[1].gap == "250000")
        #expect(t.formulaSubstituted?.contains("750000") == true)
        #expect(t.provisional)
        #expect(t.parameters.first?.source == "测试暂定")
    }

    @Test("Inputs are checked: unknown names, wrong types and out-of-range values name the field")
    func inputChecks() throws {
        let base = try RuleBase.load(miniPolicy(rules: rule("a", when: ["certified"], amount: "award.base")))
        #expect(throws: ValidationErrors.self) { try base.checkInputs(["nonsense": .text("1")], entity: .enterprise) }
        do {
            _ = try base.checkInputs(["revenue": .text("abc"), "certified": .number("2"), "staff": .bool(true)], entity: .enterprise)
        } catch {
            #expect(Set(error.errors.compactMap(\.field)) == ["inputs.revenue", "inputs.certified", "inputs.staff"])
        }
        #expect(try base.checkInputs(["revenue": .text("1.5亿")], entity: .enterprise)["revenue"] == .num(Fixed(150_000_000)))
        #expect(throws: ValidationErrors.self) { try base.checkInputs(["revenue": .number("-1")], entity: .enterprise) }
        #expect(throws: ValidationErrors.self) { try base.checkInputs(["revenue": .number("1.005")], entity: .enterprise) }
    }
}

@Suite("Exact decimals")
struct FixedTests {
    @Test("Arithmetic is exact and rounding follows the stated mode", arguments: [
        ("2.345", RoundingMode.halfUp, "2.35"), ("2.345", .halfEven, "2.34"), ("2.355", .halfEven, "2.36"),
        ("-2.345", .halfUp, "-2.35"), ("2.349", .down, "2.34"), ("2.341", .ceiling, "2.35"), ("-2.341", .floor, "-2.35"),
    ])
    func rounding(input: String, mode: RoundingMode, expected: String) throws {
        #expect(try Fixed(parsing: input)!.rounded(scale: 2, mode).description == expected)
    }

    @Test("0.1 + 0.2 is exactly 0.3; division by zero and overflow are errors, not infinities")
    func exactness() throws {
        #expect(try Fixed(parsing: "0.1")! + Fixed(parsing: "0.2")! == Fixed(parsing: "0.3")!)
        #expect(throws: FixedError.divisionByZero) { try Fixed.divide(Fixed(1), Fixed.zero) }
        #expect(throws: FixedError.overflow) { try Fixed(Int64.max / 2) * Fixed(4) }
        #expect(try Fixed.divide(Fixed(1), Fixed(3), scale: 4, mode: .halfUp).description == "0.3333")
    }
}

@Suite("Batch evaluation")
struct BatchEvaluatorTests {
    @Test("Rows become id plus one column per rule; a bad row gets an error and the run goes on")
    func rows() throws {
        let base = try RuleBase.load(miniPolicy(rules: rule("a", when: ["certified"], amount: "award.base") + "\n"
            + rule("b", when: ["revenue >= 1"], kind: "recognition")))
        let batch = try BatchEvaluator(base: base, date: Day("2025-03-01")!, entity: .enterprise, header: ["id", "certified", "revenue", "other"])
        #expect(batch.outputHeader == "id,a,b,error")
        #expect(batch.ignoredColumns == ["other"])
        var out: [UInt8] = []
        var fields: [ArraySlice<UInt8>] = []
        for line in ["1,1,5,x", "2,0,0,x", "3,1,abc,x", "4,,,x", "\"5\",1,\"2\",x"] {
            try CSVFields.split(Array(line.utf8)[...], into: &fields)
            batch.process(fields, into: &out)
        }
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines == ["1,200000.00,1,", "2,0.00,0,", "3,,,revenue: policy.input_type", "4,,,", "5,200000.00,1,"])
        #expect(batch.summary.badRows == 1)
        #expect(batch.summary.totals[0] == Fixed(400_000))
    }
}

@Suite("What-if")
struct WhatIfTests {
    @Test("An overlay changes totals per rule and group, and names who gains")
    func overlay() throws {
        let base = try RuleBase.load(miniPolicy(rules: rule("a", when: ["certified"], amount: "award.base")))
        let entities = [
            WhatIfReport.Entity(id: "1", name: "甲", group: "东胜区", inputs: ["certified": .bool(true)]),
            WhatIfReport.Entity(id: "2", name: "乙", group: "东胜区", inputs: ["certified": .bool(false)]),
            WhatIfReport.Entity(id: "3", name: "丙", group: "康巴什区", inputs: ["certified": .bool(true)]),
        ]
        let r = WhatIfReport.run(base: base, entity: .enterprise, date: Day("2025-03-01")!, overlay: ["award.base": .num(Fixed(250_000))], entities: entities)
        #expect(r.rules[0].before == Fixed(400_000))
        #expect(r.rules[0].after == Fixed(500_000))
        #expect(r.rules[0].winners == 2 && r.rules[0].losers == 0)
        #expect(r.groups.map(\.group) == ["东胜区", "康巴什区"])
        #expect(r.groups[0].after == Fixed(250_000))
        #expect(Set(r.gains.map(\.name)) == ["甲", "丙"])
    }
}
