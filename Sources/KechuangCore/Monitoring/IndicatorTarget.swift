import Foundation

/// A goal the policy sets for an indicator, cited to where the policy says it.
public struct IndicatorTarget: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// The indicator itself must reach `value` by `year`.
        case level
        /// The indicator must grow by at least `value` percent a year.
        case annualGrowth
        /// A count added over the period must reach `value`.
        case cumulative
    }

    public enum Comparison: String, Codable, Sendable { case above, atLeast, atMost }
    public enum Direction: String, Codable, Sendable { case higher, lower }

    public let indicator: String
    public let name: String
    public let nameEn: String
    public let unit: String
    public let direction: Direction
    public let comparison: Comparison
    /// Exact decimal written as a string ("1.2"), never a binary float.
    public let value: String
    /// The year the goal is due; nil for a standing rule such as "+20 % every year".
    public let year: Int?
    public let kind: Kind
    public let chapter: Int
    public let article: Int?
    public let quote: String

    public init(indicator: String, name: String, nameEn: String, unit: String, direction: Direction, comparison: Comparison, value: String,
                year: Int?, kind: Kind, chapter: Int, article: Int?, quote: String) {
        self.indicator = indicator
        self.name = name
        self.nameEn = nameEn
        self.unit = unit
        self.direction = direction
        self.comparison = comparison
        self.value = value
        self.year = year
        self.kind = kind
        self.chapter = chapter
        self.article = article
        self.quote = quote
    }

    public var decimalValue: Decimal? { Decimal(string: value, locale: Locale(identifier: "en_US_POSIX")) }
}

/// The file `data/policy/indicator-targets.json`.
public struct IndicatorTargetFile: Codable, Sendable {
    public let source: String
    public let note: String
    public let targets: [IndicatorTarget]

    public static func decode(_ data: Data) throws -> IndicatorTargetFile {
        let file = try JSONDecoder().decode(IndicatorTargetFile.self, from: data)
        if let bad = file.targets.first(where: { $0.decimalValue == nil }) {
            throw DomainError(.invalidInput, code: "targets.value", arguments: ["indicator": bad.indicator, "value": bad.value])
        }
        return file
    }
}
