import Foundation

/// The labelled matching set of `data/market/eval/eval-set.json`, run through `MarketMatcher`.
public struct MatchEvalSet: Decodable, Sendable {
    public struct Achievement: Decodable, Sendable {
        public let id: String, title: String, abstract: String, field: String, trl: Int
    }

    public struct Demand: Decodable, Sendable {
        public let id: String, title: String, problem: String, expected: String, field: String
        public let min_trl: Int
        public let relevant: [String]
    }

    public let achievements: [Achievement]
    public let demands: [Demand]

    /// Stable UUIDs for the set's string ids, so the matcher can index them.
    static func uuid(_ id: String) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for (k, b) in id.utf8.prefix(16).enumerated() { bytes[k] = b }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11],
                           bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// Precision@5 and recall@20 of the matcher's ranking for every demand; also the best precision@5 any ranking
    /// could reach (a demand with two relevant achievements caps at 0.4).
    public func run(weights: MarketMatcher.Weights = .init()) -> (report: MatchEvaluation.Report, ceilingAt5: Double) {
        var m = MarketMatcher()
        m.weights = weights
        var names: [UUID: String] = [:]
        for a in achievements {
            let id = Self.uuid(a.id)
            names[id] = a.id
            m.upsertAchievement(.init(id: id, title: a.title, text: a.abstract, field: PriorityField(rawValue: a.field) ?? .other, trl: a.trl,
                                      banner: nil, ownerID: id, ownerName: a.id))
        }
        var ranked: [String: [String]] = [:], relevant: [String: Set<String>] = [:]
        for d in demands {
            let q = MarketMatcher.Listing(id: Self.uuid(d.id), title: d.title, text: d.problem + " " + d.expected, field: PriorityField(rawValue: d.field) ?? .other,
                                          trl: d.min_trl, banner: nil, ownerID: UUID(), ownerName: "")
            ranked[d.id] = m.achievements(for: q, limit: 20).compactMap { names[$0.listing.id] }
            relevant[d.id] = Set(d.relevant)
        }
        let ceiling = demands.map { Double(min(5, $0.relevant.count)) / 5 }.reduce(0, +) / Double(max(1, demands.count))
        return (MatchEvaluation.evaluate(ranked: ranked, relevant: relevant), ceiling)
    }
}
