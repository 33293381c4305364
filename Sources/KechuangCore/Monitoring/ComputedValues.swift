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

    /// Technology-market turnover (亿元) per year from registered technology contracts: the technical income of
    /// contracts whose seller is in Ordos (技术输出, the official 成交额 basis). Contracts bought into Ordos
    /// (吸纳技术) are summed apart and named in the computation, never added to the headline.
    public static func techMarketFromContracts(_ contracts: [(year: Int, sellerInOrdos: Bool, buyerInOrdos: Bool, incomeFen: Int64)]) -> [ComputedValue] {
        Dictionary(grouping: contracts, by: \.year).keys.sorted().compactMap { year in
            let rows = contracts.filter { $0.year == year }
            let output = rows.filter(\.sellerInOrdos), absorbed = rows.filter(\.buyerInOrdos)
            guard !output.isEmpty else { return nil }
            let yi = { (fen: Int64) in (Decimal(fen) / 10_000_000_000).roundedTo(4) }
            let outSum = output.reduce(Int64(0)) { $0 + $1.incomeFen }, inSum = absorbed.reduce(Int64(0)) { $0 + $1.incomeFen }
            return ComputedValue(indicator: "tech_market_turnover", year: year, value: yi(outSum), unit: "亿元",
                                 computation: "技术输出: technical income of \(output.count) registered contracts with a seller in Ordos ÷ 1亿; "
                                     + "吸纳 (buyer in Ordos, kept apart): \(yi(inSum)) 亿元 from \(absorbed.count) contracts",
                                 contributors: output.count)
        }
    }

    /// 国家高新技术企业数 per year from the platform's records: enterprises holding the title at the year's end.
    public static func hteCount(_ counts: [(year: Int, count: Int)]) -> [ComputedValue] {
        counts.filter { $0.count > 0 }.map { c in
            ComputedValue(indicator: "hte_count", year: c.year, value: Decimal(c.count), unit: "家",
                          computation: "enterprises on the platform holding a 高新技术企业 recognition in force on 31 December (or today, this year)",
                          contributors: c.count)
        }
    }

    /// 新增自治区级以上创新平台载体 (cumulative from 2025): platforms of autonomous-region or national level in the registry,
    /// counted by the year they were first recognised.
    public static func newRegionPlatforms(_ recognized: [(year: Int, level: String)], from start: Int = 2025) -> [ComputedValue] {
        let upper = recognized.filter { ($0.level == "region" || $0.level == "national") && $0.year >= start }
        guard let last = upper.map(\.year).max() else { return [] }
        return (start...last).map { y in
            let n = upper.filter { $0.year <= y }.count
            return ComputedValue(indicator: "new_region_platforms", year: y, value: Decimal(n), unit: "家",
                                 computation: "registry platforms of region or national level first recognised from \(start) to \(y)", contributors: n)
        }
    }
}
