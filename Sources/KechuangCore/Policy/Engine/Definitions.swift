import Foundation

/// A calendar date (policy dates are dates, not instants), stored as yyyymmdd for cheap comparison.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let yyyymmdd: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1900...2200).contains(y), (1...12).contains(m) else { return nil }
        let days = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...days[m - 1]).contains(d) else { return nil }
        yyyymmdd = y * 10000 + m * 100 + d
    }

    public var year: Int { yyyymmdd / 10000 }
    public var month: Int { yyyymmdd / 100 % 100 }
    public var dayOfMonth: Int { yyyymmdd % 100 }
    public static func < (a: Day, b: Day) -> Bool { a.yyyymmdd < b.yyyymmdd }
    /// "2025-06-30", built by hand: traces print many dates and `String(format:)` is slow on Linux.
    public var description: String {
        let m = (yyyymmdd / 100) % 100, d = yyyymmdd % 100
        return String(yyyymmdd / 10000) + (m < 10 ? "-0" : "-") + String(m) + (d < 10 ? "-0" : "-") + String(d)
    }
}

/// The types of the rule language.
/// Stored and sent as "YYYY-MM-DD".
extension Day: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let d = Day(text) else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)")) }
        self = d
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

public enum ValueType: String, Sendable, Equatable {
    case bool, number, money, text
}

/// What kind of entity a variable describes or a rule applies to.
public enum EntityKind: String, Sendable, CaseIterable {
    case enterprise, institution, talent, platform, instrument, banner, project
    /// A proposed instrument purchase under 查重评议 (art. 22).
    case purchase
    /// A technology broker (技术经纪人, art. 14).
    case broker
    /// An application to a science-project call, under the formal check and budget rules (arts. 19–21).
    case application
    /// One expense of a project, checked against the funds' negative list (art. 19).
    case expense
}

/// An input the rules read: what it means, its type, where its value comes from.
public struct VariableDef: Sendable {
    public let name: String
    public let type: ValueType
    public let entities: [EntityKind]
    public let label: String
    public let labelEn: String
    /// The department that holds the value (e.g. 市税务局), or "self-declared".
    public let source: String
    /// True when the value comes from government data, so rules reading only such inputs may run as 免申即享.
    public let government: Bool
    public let minimum: Fixed?
    public let maximum: Fixed?
    /// For text inputs: the allowed values.
    public let allowed: [String]?
    public let position: SourcePosition
}

/// A named number or switch a rule uses, with dated values and where each comes from.
public struct ParameterDef: Sendable {
    public enum Status: String, Sendable { case official, provisional }

    public struct DatedValue: Sendable {
        public let from: Day
        public let until: Day?
        public let value: Value
        public let status: Status
        /// Document and article the value is taken from, or why it is provisional.
        public let source: String
        public let position: SourcePosition

        public func covers(_ day: Day) -> Bool { from <= day && (until.map { day <= $0 } ?? true) }
    }

    public let name: String
    public let type: ValueType
    public let label: String
    public let labelEn: String
    public let unit: String
    public let values: [DatedValue]
    public let position: SourcePosition

    public func value(at day: Day) -> DatedValue? { values.first { $0.covers(day) } }
}

/// What a rule produces.
public enum RuleKind: String, Sendable {
    /// A sum of money to be paid (奖补).
    case award
    /// A duty that applies (e.g. must share an instrument).
    case obligation
    /// A status granted (e.g. counts as a city-level project).
    case recognition
    /// A computed amount that is not a payment (e.g. R&D counted as profit).
    case computation
    /// Points or a count an assessment computes (e.g. the 科技型中小企业 score): a plain number, not money.
    case score

    public var hasAmount: Bool { self == .award || self == .computation || self == .score }
    /// The type of the rule's amount as other rules read it (`rule.amount`), or nil when it has none.
    public var amountType: ValueType? { self == .score ? .number : (hasAmount ? .money : nil) }
}

/// One rule: a clause of the policy as code.
public struct RuleDef: Sendable {
    public struct Condition: Sendable {
        public let source: String
        public let expr: Expr
    }

    public let id: String
    public let title: String
    public let titleEn: String
    public let article: Int
    public let quote: String
    /// The kinds of entity the rule applies to (the first completing unit of an award may be an enterprise or an institution).
    public let entities: [EntityKind]
    public let kind: RuleKind
    /// Declared 免申即享; the loader checks that every input the rule reads is government data.
    public let automatic: Bool
    public let effectiveFrom: Day
    public let effectiveUntil: Day?
    public let conditions: [Condition]
    public let amountSource: String?
    public let amount: Expr?
    public let rounding: RoundingMode
    /// 就高不重复: of the eligible rules sharing this group, only the highest amount is paid.
    public let exclusiveGroup: String?
    /// Rules sharing a cap group are paid together up to the group's parameter, per entity and evaluation.
    public let capGroup: String?
    public let version: String
    public let position: SourcePosition
    /// The assessment scheme a rule belongs to (`ladder` for the cultivation-ladder criteria), or nil for a
    /// benefit or duty of the policy. Scheme rules are evaluated by their own module, not listed by 一键匹配.
    public let scheme: String?
    /// The amount is the most that may be granted (择优给予最高), not an entitlement: shown as "up to" and left out
    /// of the eligible total.
    public let ceiling: Bool
}

/// A cap on the total of several rules for one entity (e.g. a yearly ceiling per enterprise).
public struct CapGroupDef: Sendable {
    public let id: String
    public let parameter: String
    public let label: String
    public let position: SourcePosition
}

/// A test case beside the rules: inputs, a date, the expected outputs.
public struct PolicyTestCase: Sendable {
    public let name: String
    public let entity: EntityKind
    public let date: Day
    public let inputs: [String: YNode]
    /// `rule_id` → expected amount (money), true/false, or a status name; `rule_id.status` → status.
    public let expectations: [(key: String, value: String, position: SourcePosition)]
    /// Parameter overrides for what-if tests.
    public let overrides: [String: String]
    public let position: SourcePosition
}

/// A value of the rule language at run time. `unknown` is a missing input, never silently zero.
public enum Value: Sendable, Equatable, CustomStringConvertible {
    case unknown
    case bool(Bool)
    case num(Fixed)
    case text(String)

    public var description: String {
        switch self {
        case .unknown: "?"
        case .bool(let b): b ? "true" : "false"
        case .num(let f): f.description
        case .text(let s): "\"\(s)\""
        }
    }
}
