import Foundation

/// The rungs of the cultivation ladder (art. 7 梯度培育), in the order an enterprise usually climbs them.
///
/// Each rung is one `ladder_<rung>` rule in `policies/ordos/ladder/`; its `when` lines name the criteria
/// (`<criterion>.eligible`, or several joined by `or` for alternative routes). Nothing about thresholds lives here.
public enum LadderRung: String, CaseIterable, Sendable, Codable {
    case techSME = "tech_sme"
    case innovativeSME = "innovative_sme"
    case hnte
    case specializedSME = "specialized_sme"
    case littleGiant = "little_giant"

    public var ruleID: String { "ladder_" + rawValue }

    /// The input that says the enterprise already holds this rung (set from its recognition records).
    public var heldVariable: String {
        switch self {
        case .techSME: "is_tech_sme"
        case .innovativeSME: "is_innovative_sme"
        case .hnte: "is_hte"
        case .specializedSME: "is_specialized_sme"
        case .littleGiant: "is_little_giant"
        }
    }

    /// The document the criteria come from, for the page heading.
    public var governingText: String {
        switch self {
        case .techSME: "《科技型中小企业评价办法》（国科发政〔2017〕115号）"
        case .innovativeSME: "《优质中小企业梯度培育管理暂行办法》附件1（工信部企业〔2022〕63号）"
        case .hnte: "《高新技术企业认定管理办法》（国科发火〔2016〕32号）及工作指引（国科发火〔2016〕195号）"
        case .specializedSME: "《优质中小企业梯度培育管理办法》（2026年修订）附件1"
        case .littleGiant: "《优质中小企业梯度培育管理办法》（2026年修订）附件2"
        }
    }
}

/// What a number in a criterion measures, so a page can say "差 80万元", "差 8 分" or "差 1 人".
public enum LadderUnit: String, Sendable, Codable {
    case money, points, count, number
}

/// The self-assessment of one enterprise on every rung: each criterion with value, threshold and gap.
public struct LadderAssessment: Sendable {
    /// One comparison or test inside a criterion.
    public struct Line: Sendable {
        public let source: String
        public let substituted: String
        public let result: Value
        /// For an ordering comparison: the enterprise's side and the threshold side.
        public let value: Fixed?
        public let threshold: Fixed?
        /// How far the enterprise is from passing (never negative); nil when passed or not a comparison.
        public let gap: Fixed?
        public let unit: LadderUnit
        public let missing: [String]
    }

    /// A score behind a criterion (e.g. 科技人员指标 16 of 20).
    public struct Part: Sendable {
        public let ruleID: String
        public let title: String
        public let titleEn: String
        public let points: Fixed?
    }

    public struct Criterion: Sendable {
        public let rule: RuleDef
        public let status: RuleOutcome.Status
        public let lines: [Line]
        public let parts: [Part]
        public let missing: [String]
        public let provisional: Bool
    }

    /// One `when` line of a rung: a single criterion, or alternatives of which one must hold.
    public struct Requirement: Sendable {
        public let alternatives: [Criterion]
        public var satisfied: Bool { alternatives.contains { $0.status == .eligible } }
    }

    public struct RungResult: Sendable {
        public let rung: LadderRung
        public let rule: RuleDef
        /// eligible / not eligible / undetermined, or not in force on the assessment date.
        public let status: RuleOutcome.Status
        public let held: Bool
        public let requirements: [Requirement]
        public let missing: [String]
        public let provisional: Bool
    }

    public let date: Day
    public let ruleBaseVersion: String
    public let rungs: [RungResult]

    /// The rung to aim for: the first, in ladder order, the enterprise neither holds nor already meets.
    public var nextRung: RungResult? {
        rungs.first { !$0.held && $0.status != .eligible && $0.status != .notInForce }
    }

    public func rung(_ r: LadderRung) -> RungResult? { rungs.first { $0.rung == r } }

    public static func run(base: RuleBase, date: Day, inputs: [String: Value]) -> LadderAssessment {
        let traces = Dictionary(base.explain(entity: .enterprise, date: date, inputs: inputs).filter { $0.rule.scheme == "ladder" }.map { ($0.rule.id, $0) },
                                uniquingKeysWith: { a, _ in a })
        let rungs = LadderRung.allCases.compactMap { rung -> RungResult? in
            guard let trace = traces[rung.ruleID] else { return nil }
            let requirements = trace.rule.conditions.map { c in
                Requirement(alternatives: referencedRules(c.expr, suffix: ".eligible").compactMap { traces[$0] }.map { criterion($0, traces, base) })
            }
            let held = inputs[rung.heldVariable] == .bool(true)
            let provisional = requirements.contains { $0.alternatives.contains(where: \.provisional) }
            return RungResult(rung: rung, rule: trace.rule, status: trace.outcome.status, held: held, requirements: requirements,
                              missing: trace.outcome.missing, provisional: provisional)
        }
        return LadderAssessment(date: date, ruleBaseVersion: base.version, rungs: rungs)
    }

    /// Rule ids read as `id.eligible` (or `id.amount`) in an expression, in order of appearance.
    static func referencedRules(_ e: Expr, suffix: String) -> [String] {
        var seen = Set<String>()
        return e.names.filter { $0.hasSuffix(suffix) }.map { String($0.dropLast(suffix.count)) }.filter { seen.insert($0).inserted }
    }

    static func criterion(_ t: RuleTrace, _ traces: [String: RuleTrace], _ base: RuleBase) -> Criterion {
        let lines = zip(t.rule.conditions, t.conditions).map { def, c in line(def.expr, c, base) }
        // The scores a criterion compares, and the scores those add up (one level down), as its breakdown.
        var partIDs: [String] = []
        for c in t.rule.conditions {
            for id in referencedRules(c.expr, suffix: ".amount") where base.rule(id)?.kind == .score {
                partIDs.append(id)
                if let sub = base.rule(id)?.amount { partIDs += referencedRules(sub, suffix: ".amount").filter { base.rule($0)?.kind == .score } }
            }
        }
        var seen = Set<String>()
        let parts = partIDs.filter { seen.insert($0).inserted }.compactMap { id -> Part? in
            guard let pt = traces[id] else { return nil }
            return Part(ruleID: id, title: pt.rule.title, titleEn: pt.rule.titleEn, points: pt.outcome.amount ?? pt.outcome.potentialAmount)
        }
        return Criterion(rule: t.rule, status: t.outcome.status, lines: lines, parts: parts, missing: t.outcome.missing,
                         provisional: t.provisional)
    }

    static func line(_ expr: Expr, _ c: RuleTrace.Condition, _ base: RuleBase) -> Line {
        var value: Fixed?, threshold: Fixed?, gap: Fixed?
        if let sides = c.sides, case .num(let l) = sides.left, case .num(let r) = sides.right, case .binary(let op, _, _) = expr.kind {
            value = l
            threshold = r
            if c.result == .bool(false) {
                let d = (op == .ge || op == .gt) ? try? r - l : try? l - r
                gap = d.map { $0.isNegative ? .zero : $0 }
            }
        }
        return Line(source: c.source, substituted: c.substituted, result: c.result, value: value, threshold: threshold,
                    gap: gap, unit: unit(of: expr, base), missing: c.missing)
    }

    /// The unit of a comparison, from the first name on its left: money and count inputs, scores as points.
    static func unit(of expr: Expr, _ base: RuleBase) -> LadderUnit {
        guard case .binary(_, let left, _) = expr.kind, let name = left.names.first else { return .number }
        if let v = base.variable(name) {
            if v.type == .money { return .money }
            return name.hasSuffix("_count") ? .count : .number
        }
        if name.hasSuffix(".amount"), let r = base.rule(String(name.dropLast(7))) { return r.kind == .score ? .points : .money }
        return .number
    }
}

extension LadderAssessment.Line {
    /// "差 80.00万元", "差 8 分", "差 1 人" — what is missing to pass, in the unit of the comparison.
    public func gapText(english: Bool) -> String? {
        guard let gap else { return nil }
        switch unit {
        case .money: return (english ? "short by " : "差 ") + LadderFormat.money(gap, english: english)
        case .points: return english ? "short by \(LadderFormat.plain(gap)) points" : "差 \(LadderFormat.plain(gap)) 分"
        case .count:
            // Counts come in whole units: 9.5 persons short means 10 more.
            let whole = (try? gap.rounded(scale: 0, .ceiling)) ?? gap
            return english ? "short by \(LadderFormat.plain(whole))" : "差 \(LadderFormat.plain(whole))"
        case .number: return (english ? "short by " : "差 ") + LadderFormat.plain(gap)
        }
    }
}

/// Number formats of the ladder pages: money in 万元 above ten thousand yuan, plain numbers without trailing zeros.
public enum LadderFormat {
    public static func plain(_ x: Fixed) -> String { x.normalized().description }

    public static func money(_ x: Fixed, english: Bool) -> String {
        let fen = (try? x.fen()) ?? 0
        if fen.magnitude >= 10_000_000_000, fen % 10_000_000_000 == 0 {
            let yi = fen / 10_000_000_000
            return english ? "\(yi) 亿 yuan" : "\(yi)亿元"
        }
        if fen.magnitude >= 1_000_000, fen % 100 == 0 {
            let wan = (try? Fixed.divide(Fixed(units: fen / 100, scale: 0), Fixed(10_000), scale: 6)) ?? .zero
            return english ? "\(wan.description) 万 yuan" : "\(wan.description)万元"
        }
        return Money(fen: fen).display
    }
}

/// The ladder over many enterprises at once (batch jobs, the benchmark): statuses only, no traces, one prepared
/// evaluation shared by every enterprise.
public struct LadderBatch: Sendable {
    public struct Outcome: Sendable {
        /// Status per rung, in `LadderRung.allCases` order.
        public let statuses: [RuleOutcome.Status]
        public let next: LadderRung?
    }

    let base: RuleBase
    let prepared: PreparedEvaluation
    let rungIndices: [Int?]

    public init(base: RuleBase, date: Day) {
        self.base = base
        prepared = base.prepare(date: date, entity: .enterprise)
        rungIndices = LadderRung.allCases.map { base.ruleIndex[$0.ruleID] }
    }

    /// `frame` and `buffer` are reused across enterprises (from `makeFrame` / `makeBuffer`), so a batch allocates once.
    public func assess(_ inputs: [String: Value], frame: EvalFrame, buffer: inout [FastOutcome]) -> Outcome {
        frame.reset()
        for (name, value) in inputs { if let slot = base.variableIndex[name] { frame.inputs[slot] = value } }
        prepared.evaluate(frame, into: &buffer)
        let statuses = rungIndices.map { i in i.map { buffer[$0].status } ?? .notInForce }
        var next: LadderRung?
        for (k, rung) in LadderRung.allCases.enumerated() where inputs[rung.heldVariable] != .bool(true) {
            if statuses[k] != .eligible && statuses[k] != .notInForce { next = rung; break }
        }
        return Outcome(statuses: statuses, next: next)
    }

    public func makeBuffer() -> [FastOutcome] { prepared.makeBuffer() }
    public func makeFrame() -> EvalFrame { prepared.makeFrame() }
}
