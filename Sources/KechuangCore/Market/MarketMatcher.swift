import Foundation

/// Two-way matching between demands and achievements: text relevance (BM25 over bigrams, the demand's or the
/// achievement's whole text as the query) combined with field, readiness fit and banner, each part explained.
public struct MarketMatcher: Sendable {
    /// What the matcher knows of a listing besides its text.
    public struct Listing: Sendable {
        public let id: UUID
        public let title: String
        public let text: String
        public let field: PriorityField
        /// TRL of an achievement; the minimum TRL wanted by a demand.
        public let trl: Int
        public let banner: String?
        public let ownerID: UUID
        public let ownerName: String

        public init(id: UUID, title: String, text: String, field: PriorityField, trl: Int, banner: String?, ownerID: UUID, ownerName: String) {
            self.id = id
            self.title = title
            self.text = text
            self.field = field
            self.trl = trl
            self.banner = banner
            self.ownerID = ownerID
            self.ownerName = ownerName
        }

        var withoutText: Listing { Listing(id: id, title: title, text: "", field: field, trl: trl, banner: banner, ownerID: ownerID, ownerName: ownerName) }
    }

    /// One match with its reasons.
    public struct Match: Sendable {
        public let listing: Listing
        /// 0…1, the combined score.
        public let score: Double
        /// The most telling shared terms (rarest first).
        public let sharedTerms: [String]
        public let sameField: Bool
        /// The achievement is at least as ready as the demand asks.
        public let trlFits: Bool
        public let sameBanner: Bool
        public let textScore: Double
    }

    /// An institution with relevant results for a demand.
    public struct Holder: Sendable {
        public let ownerID: UUID
        public let ownerName: String
        public let results: Int
        public let score: Double
    }

    public struct Weights: Sendable {
        public var text = 0.6, field = 0.2, trl = 0.1, banner = 0.1
        public init() {}
    }

    public private(set) var achievements = BigramIndex<UUID>()
    public private(set) var demands = BigramIndex<UUID>()
    public private(set) var achievementInfo: [UUID: Listing] = [:]
    public private(set) var demandInfo: [UUID: Listing] = [:]
    public var weights = Weights()

    public init() {}

    /// The text is indexed, not kept: a listing used as a query is built from its record by the caller.
    public mutating func upsertAchievement(_ l: Listing) {
        achievementInfo[l.id] = l.withoutText
        achievements.upsert(l.id, fields: [(l.title, 3), (l.text, 1)])
    }

    public mutating func upsertDemand(_ l: Listing) {
        demandInfo[l.id] = l.withoutText
        demands.upsert(l.id, fields: [(l.title, 3), (l.text, 1)])
    }

    public mutating func removeAchievement(_ id: UUID) { achievementInfo[id] = nil; achievements.remove(id) }
    public mutating func removeDemand(_ id: UUID) { demandInfo[id] = nil; demands.remove(id) }

    /// Best achievements for a demand.
    public func achievements(for demand: Listing, limit: Int = 20, allowed: ((UUID) -> Bool)? = nil) -> [Match] {
        rank(query: demand, in: achievements, info: achievementInfo, limit: limit, allowed: allowed) { d, a in a.trl >= d.trl }
    }

    /// Best demands for an achievement.
    public func demands(for achievement: Listing, limit: Int = 20, allowed: ((UUID) -> Bool)? = nil) -> [Match] {
        rank(query: achievement, in: demands, info: demandInfo, limit: limit, allowed: allowed) { a, d in a.trl >= d.trl }
    }

    /// Institutions whose achievements match a demand: the sum of their best three matches among the top 50.
    public func holders(for demand: Listing, limit: Int = 5) -> [Holder] {
        let top = achievements(for: demand, limit: 50)
        let grouped = Dictionary(grouping: top, by: { $0.listing.ownerID })
        return grouped.map { owner, ms in
            Holder(ownerID: owner, ownerName: ms[0].listing.ownerName, results: ms.count,
                   score: ms.map(\.score).sorted(by: >).prefix(3).reduce(0, +))
        }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.ownerName < $1.ownerName }.prefix(limit).map { $0 }
    }

    func rank(query: Listing, in index: BigramIndex<UUID>, info: [UUID: Listing], limit: Int, allowed: ((UUID) -> Bool)?,
              fits: (Listing, Listing) -> Bool) -> [Match] {
        // The query's own rarest 40 terms; a match needs at least a few of them in common.
        let result = index.search(query.title + " " + query.title + " " + query.text, minShare: 0.08, maxTerms: 40, limit: max(200, limit * 4), allowed: allowed)
        guard let best = result.hits.first?.score, best > 0 else { return [] }
        var out: [Match] = []
        for h in result.hits {
            guard let l = info[h.id] else { continue }
            let sameField = l.field == query.field && l.field != .other
            let fit = fits(query, l)
            let sameBanner = query.banner != nil && query.banner == l.banner
            let text = h.score / best
            let score = weights.text * text + (sameField ? weights.field : 0) + (fit ? weights.trl : 0) + (sameBanner ? weights.banner : 0)
            let shared = h.matched.sorted { index.idf($0) > index.idf($1) }.prefix(6).map { $0 }
            out.append(Match(listing: l, score: score, sharedTerms: shared, sameField: sameField, trlFits: fit, sameBanner: sameBanner, textScore: text))
        }
        out.sort { $0.score != $1.score ? $0.score > $1.score : $0.listing.id.uuidString < $1.listing.id.uuidString }
        return Array(out.prefix(limit))
    }
}

/// Precision at k and recall at k of ranked results against judged relevant sets.
public enum MatchEvaluation {
    public struct Report: Sendable {
        public let queries: Int
        public let precisionAt5: Double
        public let recallAt20: Double
    }

    public static func evaluate(ranked: [String: [String]], relevant: [String: Set<String>]) -> Report {
        var p5 = 0.0, r20 = 0.0
        let keys = relevant.keys.filter { !(relevant[$0]?.isEmpty ?? true) }
        for q in keys {
            let list = ranked[q] ?? [], rel = relevant[q]!
            p5 += Double(list.prefix(5).filter(rel.contains).count) / 5
            r20 += Double(list.prefix(20).filter(rel.contains).count) / Double(rel.count)
        }
        let n = Double(max(1, keys.count))
        return Report(queries: keys.count, precisionAt5: p5 / n, recallAt20: r20 / n)
    }
}
