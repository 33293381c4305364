import Foundation

/// Indicator values the platform computes from its own records, with the computation in words.
public struct ComputedValue: Sendable, Equatable {
    public let indicator: String
    public let year: Int
    public let value: Decimal
    public let unit: String
    /// How it was computed, for the page ("sum of 12 organisations' registered technology-contract income").
    public let computation: String
    public let contributors: Int
}

public enum PlatformComputations {
    /// Technology-market turnover (亿元) per year: the sum of organisations' registered technology-contract income
    /// (yuan) held on the platform. Only years with at least one registered value appear.
    public static func techMarketTurnover(_ facts: [(year: Int, yuan: Decimal)]) -> [ComputedValue] {
        Dictionary(grouping: facts, by: \.year).keys.sorted().map { year in
            let rows = facts.filter { $0.year == year }
            let total = rows.reduce(Decimal(0)) { $0 + $1.yuan }
            return ComputedValue(indicator: "tech_market_turnover", year: year, value: (total / 100_000_000).roundedTo(4), unit: "亿元",
                                 computation: "sum of registered technology-contract income of \(rows.count) organisations on the platform ÷ 1亿",
                                 contributors: rows.count)
        }
    }
}
