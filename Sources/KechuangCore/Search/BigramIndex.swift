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
    /// Each distinct token is stored once; documents and postings refer to it by number, which keeps 100k
    /// documents of Chinese text to a fraction of the memory strings per document would take.
    private var termIDs: [String: Int32] = [:]
    private var termText: [String] = []
    private var docTerms: [[Int32]] = []
    private var postings: [[Posting]] = []
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
        var tf: [Int32: Float] = [:]
        var length: Float = 0
        for (text, weight) in fields {
            for t in Bigrams.tokens(text) { tf[intern(t), default: 0] += weight; length += weight }
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
        for (t, f) in tf { postings[Int(t)].append(Posting(doc: d, tf: f)) }
        totalLength += Double(length)
        count += 1
    }

    private mutating func intern(_ t: String) -> Int32 {
        if let id = termIDs[t] { return id }
        let id = Int32(termText.count)
        termIDs[t] = id
        termText.append(t)
        postings.append([])
        return id
    }

    /// Postings of a token, empty when no document has it.
    private func list(_ t: String) -> [Posting] { termIDs[t].map { postings[Int($0)] } ?? [] }

    /// Slots of removed documents, reused by the next insert.
    private var free: [Int32] = []

    public mutating func remove(_ id: ID) {
        guard let d = slot.removeValue(forKey: id) else { return }
        for t in docTerms[Int(d)] { postings[Int(t)].removeAll { $0.doc == d } }
        totalLength -= Double(lengths[Int(d)])
        ids[Int(d)] = nil
        docTerms[Int(d)] = []
        lengths[Int(d)] = 0
        free.append(d)
        count -= 1
    }

    /// The number of matching documents and the best `limit` of them.
    public struct Result: Sendable {
        public let total: Int
        public let hits: [Hit]
    }

    /// Ranked hits for `query`. A document must contain at least `minShare` of the distinct query tokens (at least
    /// one), so a four-character query does not return everything sharing one bigram. `allowed` filters before
    /// ranking, which keeps filtered searches as fast as unfiltered ones. Scores accumulate in flat arrays indexed by
    /// document slot, and only the returned hits are sorted out and explained, so cost follows the postings read.
    ///
    /// `maxTerms` keeps only the rarest query tokens (highest IDF): a whole paragraph used as a query (matching a
    /// demand to achievements) then costs about as much as a short one.
    public func search(_ query: String, minShare: Double = 0.5, maxTerms: Int = 64, limit: Int = .max, allowed: ((ID) -> Bool)? = nil) -> Result {
        var seen = Set<String>()
        var terms = Bigrams.tokens(query).filter { seen.insert($0).inserted }
        let cap = min(64, maxTerms)
        if terms.count > cap {
            terms = Array(terms.filter { !list($0).isEmpty }.sorted { (list($0).count, $0) < (list($1).count, $1) }.prefix(cap))
        }
        guard !terms.isEmpty, count > 0 else { return Result(total: 0, hits: []) }
        let need = max(1, Int((Double(terms.count) * minShare).rounded(.up)))
        let avg = max(1, totalLength / Double(count))
        var score = [Double](repeating: 0, count: ids.count)
        var mask = [UInt64](repeating: 0, count: ids.count)
        var touched: [Int32] = []
        for (k, t) in terms.enumerated() {
            guard let tid = termIDs[t] else { continue }
            let list = postings[Int(tid)]
            if list.isEmpty { continue }
            let idf = log(1 + (Double(count) - Double(list.count) + 0.5) / (Double(list.count) + 0.5))
            let bit = UInt64(1) << UInt64(k)
            for p in list {
                let d = Int(p.doc)
                if mask[d] == 0 { touched.append(p.doc) }
                mask[d] |= bit
                let tf = Double(p.tf)
                score[d] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * Double(lengths[d]) / avg))
            }
        }
        var found: [Int32] = []
        found.reserveCapacity(touched.count)
        for d in touched where mask[Int(d)].nonzeroBitCount >= need {
            guard let id = ids[Int(d)] else { continue }
            if let allowed, !allowed(id) { continue }
            found.append(d)
        }
        // Equal scores keep insertion order, so results are stable between calls.
        found.sort { score[Int($0)] != score[Int($1)] ? score[Int($0)] > score[Int($1)] : $0 < $1 }
        let top = found.prefix(limit).map { d in
            Hit(id: ids[Int(d)]!, score: score[Int(d)], matched: terms.indices.filter { mask[Int(d)] & (UInt64(1) << UInt64($0)) != 0 }.map { terms[$0] })
        }
        return Result(total: found.count, hits: top)
    }

    /// Inverse document frequency of a token (0 when no document has it): how telling a shared term is.
    public func idf(_ term: String) -> Double {
        let n = list(term).count
        guard n > 0 else { return 0 }
        return log(1 + (Double(count) - Double(n) + 0.5) / (Double(n) + 0.5))
    }

}
