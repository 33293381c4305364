import Foundation

/// The banner capability index configuration (`data/monitoring/banner-index.json`), versioned so an official
/// system can replace it without code changes.
public struct BannerIndexConfig: Codable, Sendable {
    public struct Indicator: Codable, Sendable {
        public let key: String
        public let name: String
        public let nameEn: String
        /// Where values come from: `platform:org_count:<kind>`, `platform:fact_sum:<variable>`,
        /// `platform:fact_true:<variable>` or `indicator:<key>`.
        public let source: String
    }

    public struct Dimension: Codable, Sendable {
        public let key: String
        public let name: String
        public let nameEn: String
        public let weight: Decimal
        public let indicators: [Indicator]
    }

    public let version: String
    public let note: String
    public let noteZh: String
    public let normalisation: String
    public let normalisationZh: String
    public let dimensions: [Dimension]
    /// A statistical indicator counts only when this many banners have a value (one value would score 100 alone).
    public static let minimumCoverage = 5

    public static func decode(_ data: Data) throws -> BannerIndexConfig {
        let c = try JSONDecoder().decode(BannerIndexConfig.self, from: data)
        let total = c.dimensions.reduce(Decimal(0)) { $0 + $1.weight }
        guard total == 1 else { throw DomainError(.invalidInput, code: "monitoring.weights", arguments: ["total": "\(total)"]) }
        return c
    }
}

/// Scores of the nine banners: per dimension 0–100, a weighted total, the ranking and each banner's profile.
public struct BannerIndexResult: Sendable {
    public struct BannerScore: Sendable {
        public let banner: Banner
        public let dimensions: [String: Decimal]
        public let total: Decimal?
        public let rank: Int?
        public let strengths: [String]
        public let gaps: [String]
    }

    public let version: String
    public let scores: [BannerScore]
    /// Dimensions with no data for any banner: left out of the total, and said so.
    public let missingDimensions: [String]

    /// `values[indicatorKey][banner]`: raw values; banners without a value for an indicator are left out of it.
    public static func compute(config: BannerIndexConfig, values: [String: [Banner: Decimal]]) -> BannerIndexResult {
        var dimensionScores: [String: [Banner: Decimal]] = [:]
        var missing: [String] = []
        for d in config.dimensions {
            var sums: [Banner: (Decimal, Int)] = [:]
            for ind in d.indicators {
                guard let vs = values[ind.key], vs.count >= BannerIndexConfig.minimumCoverage else { continue }
                let lo = vs.values.min()!, hi = vs.values.max()!
                for (b, v) in vs {
                    let score: Decimal = hi == lo ? 100 : (v - lo) / (hi - lo) * 100
                    let s = sums[b] ?? (0, 0)
                    sums[b] = (s.0 + score, s.1 + 1)
                }
            }
            if sums.isEmpty { missing.append(d.key); continue }
            dimensionScores[d.key] = sums.mapValues { $0.0 / Decimal($0.1) }
        }
        let present = config.dimensions.filter { dimensionScores[$0.key] != nil }
        let weightSum = present.reduce(Decimal(0)) { $0 + $1.weight }
        var totals: [Banner: Decimal] = [:]
        for b in Banner.allCases {
            var t: Decimal = 0
            var any = false
            for d in present {
                if let s = dimensionScores[d.key]?[b] { t += s * d.weight; any = true }
            }
            if any, weightSum > 0 { totals[b] = (t / weightSum).roundedTo(2) }
        }
        let ranked = totals.sorted { $0.value > $1.value }.map(\.key)
        let scores = Banner.allCases.map { b -> BannerScore in
            let dims = Dictionary(uniqueKeysWithValues: present.compactMap { d in dimensionScores[d.key]?[b].map { (d.key, $0.roundedTo(2)) } })
            let ordered = dims.sorted { $0.value > $1.value }.map(\.key)
            // With few dimensions the same one would be both strength and gap: gaps never repeat a strength.
            let strengths = Array(ordered.prefix(2))
            return BannerScore(banner: b, dimensions: dims, total: totals[b], rank: ranked.firstIndex(of: b).map { $0 + 1 },
                               strengths: strengths, gaps: Array(ordered.reversed().filter { !strengths.contains($0) }.prefix(2)))
        }
        return BannerIndexResult(version: config.version, scores: scores.sorted { ($0.rank ?? 99) < ($1.rank ?? 99) }, missingDimensions: missing)
    }
}

extension Decimal {
    public func roundedTo(_ scale: Int) -> Decimal {
        var x = self, r = Decimal()
        NSDecimalRound(&r, &x, scale, .plain)
        return r
    }
}
