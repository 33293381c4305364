import Foundation

/// An in-memory inverted index over bigram tokens with BM25 ranking. Fields carry weights (a title counts more
/// than a description). Documents are replaced whole; postings are compact so 100k documents stay in memory.
public struct BigramIndex<ID: Hashable & Sendable>: Sendable {
    public struct Hit: Sendable {
        public let id: ID
        /// BM25 score; higher is better.
        public let score: Double
        /// Query tokens found in the document, in query order.
        public let matched: [String]
    }

    struct Posting: Sendable {
        var doc: Int32
        var tf: Float
    }

    private var ids: [ID?] = []
    private var slot: [ID: Int32] = [:]
    private var lengths: [Float] = []
    private var docTerms: [[String]] = []
    private var postings: [String: [Posting]] = [:]
    private var totalLength: Double = 0
    public private(set) var count = 0

    public let k1: Double
    public let b: Double

    public init(k1: Double = 1.2, b: Double = 0.75) {
        self.k1 = k1
        self.b = b
    }

    /// Adds or replaces a document. `fields` are (text, weight) pairs.
    public mutating func upsert(_ id: ID, fields: [(String, Float)]) {
        remove(id)
        var tf: [String: Float] = [:]
        var length: Float = 0
        for (text, weight) in fields {
            for t in Bigrams.tokens(text) { tf[t, default: 0] += weight; length += weight }
        }
        let d: Int32
        if let reused = free.popLast() {
            d = reused
            ids[Int(d)] = id
            lengths[Int(d)] = length
            docTerms[Int(d)] = Array(tf.keys)
        } else {
            d = Int32(ids.count)
            ids.append(id)
            lengths.append(length)
            docTerms.append(Array(tf.keys))
        }
        slot[id] = d
        for (t, f) in tf { postings[t, default: []].append(Posting(doc: d, tf: f)) }
        totalLength += Double(length)
        count += 1
    }

    /// Slots of removed documents, reused by the next insert.
    private var free: [Int32] = []

    public mutating func remove(_ id: ID) {
        guard let d = slot.removeValue(forKey: id) else { return }
        for t in docTerms[Int(d)] {
            postings[t]?.removeAll { $0.doc == d }
            if postings[t]?.isEmpty == true { postings[t] = nil }
        }
        totalLength -= Double(lengths[Int(d)])
        ids[Int(d)] = nil
        docTerms[Int(d)] = []
        lengths[Int(d)] = 0
        free.append(d)
        count -= 1
    }

    /// Ranked hits for `query`. A document must contain at least `minShare` of the distinct query tokens (at least
    /// one), so a four-character query does not return everything sharing one bigram. `allowed` filters before
    /// ranking, which keeps filtered searches as fast as unfiltered ones.
    public func search(_ query: String, minShare: Double = 0.5, limit: Int = .max, allowed: ((ID) -> Bool)? = nil) -> [Hit] {
        var seen = Set<String>()
        let terms = Bigrams.tokens(query).filter { seen.insert($0).inserted }
        guard !terms.isEmpty, count > 0 else { return [] }
        let need = max(1, Int((Double(terms.count) * minShare).rounded(.up)))
        let avg = max(1, totalLength / Double(count))
        var score: [Int32: Double] = [:]
        var hitsPerDoc: [Int32: [Int]] = [:]
        for (k, t) in terms.enumerated() {
            guard let list = postings[t] else { continue }
            let idf = log(1 + (Double(count) - Double(list.count) + 0.5) / (Double(list.count) + 0.5))
            for p in list {
                let tf = Double(p.tf)
                let norm = tf * (k1 + 1) / (tf + k1 * (1 - b + b * Double(lengths[Int(p.doc)]) / avg))
                score[p.doc, default: 0] += idf * norm
                hitsPerDoc[p.doc, default: []].append(k)
            }
        }
        var hits: [Hit] = []
        for (d, s) in score {
            guard let matched = hitsPerDoc[d], matched.count >= need, let id = ids[Int(d)] else { continue }
            if let allowed, !allowed(id) { continue }
            hits.append(Hit(id: id, score: s, matched: matched.map { terms[$0] }))
        }
        hits.sort { $0.score != $1.score ? $0.score > $1.score : String(describing: $0.id) < String(describing: $1.id) }
        return limit < hits.count ? Array(hits.prefix(limit)) : hits
    }

    /// The distinct tokens of a document (for explaining matches and for similarity).
    public func tokens(of id: ID) -> [String] { slot[id].map { docTerms[Int($0)] } ?? [] }
}
