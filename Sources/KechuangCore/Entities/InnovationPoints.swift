import Foundation

/// A versioned 企业创新积分制 indicator system (art. 5): indicators with a data source and weights per stage,
/// bonus and deduction items, tiers, and the scoring method in words. Read from `data/entities/innovation-points/`;
/// a changed system is a new file, so results of an earlier version can always be computed again.
public struct InnovationPointsSystem: Decodable, Sendable {
    public struct Stage: Decodable, Sendable {
        public let key: String
        public let name: String
        public let nameEn: String
        public let rule: String
        public let ruleEn: String
        public let maxYears: Int?
        public let maxRevenue: String?
    }

    public struct Text: Decodable, Sendable {
        public let zh: String
        public let en: String
    }

    public struct Tier: Decodable, Sendable {
        public let key: String
        public let name: String
        public let nameEn: String
        public let topShare: String
    }

    public struct Value: Decodable, Sendable {
        public let variable: String
        /// The indicator is `variable / over` (a share).
        public let over: String?
        /// The indicator is `variable / growthOver − 1` (a growth rate).
        public let growthOver: String?
    }

    public struct Indicator: Decodable, Sendable {
        public let key: String
        public let `class`: String
        public let name: String
        public let nameEn: String
        /// `continuous` (percentile within the cohort) or `flag` (full weight when true).
        public let kind: String
        public let value: Value
        public let source: String
        public let weights: [String: Int]
    }

    public struct Adjustment: Decodable, Sendable {
        public let key: String
        public let name: String
        public let nameEn: String
        public let variable: String
        public let points: String
        public let source: String
    }

    public let version: String
    public let name: String
    public let nameEn: String
    public let status: String
    public let effectiveFrom: String
    public let basis: String
    public let provisionalReason: String?
    public let stages: [Stage]
    public let method: Text
    public let tiers: [Tier]
    public let indicators: [Indicator]
    public let bonus: [Adjustment]
    public let deductions: [Adjustment]
    /// FNV-1a of the file: shown beside results so a reader can tell which exact file produced them.
    public private(set) var fingerprint: String = ""

    enum CodingKeys: String, CodingKey {
        case version, name, nameEn, status, effectiveFrom, basis, provisionalReason, stages, method, tiers, indicators, bonus, deductions
    }

    /// Decodes and checks a system: every stage's weights sum to 100, indicator kinds and stage keys are known.
    public static func parse(_ data: Data) throws -> InnovationPointsSystem {
        var s = try JSONDecoder().decode(InnovationPointsSystem.self, from: data)
        var problems: [String] = []
        let stageKeys = Set(s.stages.map(\.key))
        for stage in stageKeys {
            let sum = s.indicators.reduce(0) { $0 + ($1.weights[stage] ?? 0) }
            if sum != 100 { problems.append("weights of stage '\(stage)' sum to \(sum), not 100") }
        }
        for i in s.indicators {
            if !["continuous", "flag"].contains(i.kind) { problems.append("indicator '\(i.key)': kind must be continuous or flag") }
            for k in i.weights.keys where !stageKeys.contains(k) { problems.append("indicator '\(i.key)': unknown stage '\(k)'") }
        }
        for a in s.bonus + s.deductions where Fixed(parsing: a.points) == nil { problems.append("'\(a.key)': points must be a decimal") }
        if !problems.isEmpty { throw InnovationPointsError.invalid(problems) }
        var h: UInt64 = 0xcbf29ce484222325
        for b in data { h ^= UInt64(b); h = h &* 0x100000001b3 }
        s.fingerprint = String(h, radix: 16)
        return s
    }

    /// Loads every version in a directory (`*.json`), oldest `effectiveFrom` first.
    public static func loadAll(directory: String) throws -> [InnovationPointsSystem] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { try parse(Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0))) }.sorted { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// The stage of an enterprise: the first stage one of whose bounds it is under (years since registration,
    /// revenue), else the last. nil when revenue, which separates the stages, is not known.
    public func stage(of inputs: [String: KechuangCore.Value]) -> Stage? {
        var years: Fixed?, revenue: Fixed?
        if case .num(let f)? = inputs["years_since_registration"] { years = f }
        if case .num(let f)? = inputs["revenue"] { revenue = f }
        for s in stages {
            if let m = s.maxYears, let y = years, y < Fixed(Int64(m)) { return s }
            if let m = s.maxRevenue.flatMap({ Fixed(parsing: $0) }) {
                guard let r = revenue else { return nil }
                if r < m { return s }
            } else if s.maxYears == nil {
                return s
            }
        }
        return stages.last
    }
}

public enum InnovationPointsError: Error, CustomStringConvertible {
    case invalid([String])
    public var description: String {
        switch self { case .invalid(let p): "innovation points system: " + p.joined(separator: "; ") }
    }
}

/// Scores of one year under one system: each enterprise ranked within its stage cohort, with points by indicator.
public struct InnovationPointsResult: Sendable {
    public struct IndicatorScore: Sendable {
        public let key: String
        /// The indicator's own value (a share or growth as a decimal), nil when data are missing.
        public let value: Fixed?
        public let percentile: Fixed?
        public let weight: Int
        public let points: Fixed
    }

    public struct Adjustment: Sendable {
        public let key: String
        public let points: Fixed
    }

    public struct Entry: Sendable {
        public let id: UUID
        public let name: String
        public let banner: Banner?
        public let stage: String
        public let scores: [IndicatorScore]
        public let bonus: [Adjustment]
        public let deductions: [Adjustment]
        public let total: Fixed
        public let rank: Int
        public let cohortSize: Int
        public let tier: String?
        public var missing: [String] { scores.filter { $0.value == nil }.map(\.key) }
    }

    public let version: String
    public let fingerprint: String
    public let year: Int
    public let entries: [Entry]
    /// Enterprises with neither years since registration nor revenue: no stage, not scored.
    public let unstaged: [(id: UUID, name: String)]

    public struct Input: Sendable {
        public let id: UUID
        public let name: String
        public let banner: Banner?
        public let inputs: [String: Value]
        public init(id: UUID, name: String, banner: Banner?, inputs: [String: Value]) {
            self.id = id
            self.name = name
            self.banner = banner
            self.inputs = inputs
        }
    }

    public static func compute(_ system: InnovationPointsSystem, year: Int, enterprises: [Input]) -> InnovationPointsResult {
        var cohorts: [String: [Input]] = [:]
        var unstaged: [(UUID, String)] = []
        for e in enterprises {
            if let s = system.stage(of: e.inputs) { cohorts[s.key, default: []].append(e) } else { unstaged.append((e.id, e.name)) }
        }
        var out: [Entry] = []
        for stage in system.stages {
            let members = cohorts[stage.key] ?? []
            guard !members.isEmpty else { continue }
            // Each continuous indicator's values in the cohort, sorted once, for percentile look-ups.
            var sortedValues: [String: [Fixed]] = [:]
            for ind in system.indicators where ind.kind == "continuous" {
                sortedValues[ind.key] = members.compactMap { value(ind, $0.inputs) }.sorted()
            }
            var scored: [(Input, [IndicatorScore], [Adjustment], [Adjustment], Fixed)] = []
            for m in members {
                var scores: [IndicatorScore] = []
                var total = Fixed.zero
                for ind in system.indicators {
                    let w = ind.weights[stage.key] ?? 0
                    var v: Fixed?, p: Fixed?
                    if ind.kind == "flag" {
                        if case .bool(let b)? = m.inputs[ind.value.variable] { v = b ? Fixed(1) : .zero; p = v }
                    } else if let x = value(ind, m.inputs) {
                        v = x
                        p = percentile(x, in: sortedValues[ind.key] ?? [])
                    }
                    let pts = p.flatMap { try? (Fixed(Int64(w)) * $0).rounded(scale: 2, .halfUp) } ?? .zero
                    total = (try? total + pts) ?? total
                    scores.append(IndicatorScore(key: ind.key, value: v, percentile: p, weight: w, points: pts))
                }
                let bonus = system.bonus.filter { m.inputs[$0.variable] == .bool(true) }.map { Adjustment(key: $0.key, points: Fixed(parsing: $0.points)!) }
                let deductions = system.deductions.filter { m.inputs[$0.variable] == .bool(true) }.map { Adjustment(key: $0.key, points: Fixed(parsing: $0.points)!) }
                for b in bonus { total = (try? total + b.points) ?? total }
                for d in deductions { total = (try? total - d.points) ?? total }
                scored.append((m, scores, bonus, deductions, total))
            }
            // Rank by total, ties share the better rank (1, 2, 2, 4); then by name for a stable order.
            scored.sort { $0.4 != $1.4 ? $1.4 < $0.4 : $0.0.name < $1.0.name }
            var rank = 0
            for (k, s) in scored.enumerated() {
                if k == 0 || s.4 != scored[k - 1].4 { rank = k + 1 }
                // In a tier when rank ≤ ⌈share × cohort size⌉, so every cohort has a first-place leader.
                let tier = system.tiers.first { t in
                    guard let share = Fixed(parsing: t.topShare),
                          let limit = try? (share * Fixed(Int64(scored.count))).rounded(scale: 0, .ceiling) else { return false }
                    return Fixed(Int64(rank)) <= limit
                }?.key
                out.append(Entry(id: s.0.id, name: s.0.name, banner: s.0.banner, stage: stage.key, scores: s.1, bonus: s.2, deductions: s.3,
                                 total: s.4, rank: rank, cohortSize: scored.count, tier: tier))
            }
        }
        return InnovationPointsResult(version: system.version, fingerprint: system.fingerprint, year: year, entries: out,
                                      unstaged: unstaged.map { (id: $0.0, name: $0.1) })
    }

    /// An indicator's value for one enterprise: the variable, a share of another, or a growth rate; nil if not computable.
    static func value(_ ind: InnovationPointsSystem.Indicator, _ inputs: [String: Value]) -> Fixed? {
        guard case .num(let x)? = inputs[ind.value.variable] else { return nil }
        if let over = ind.value.over {
            guard case .num(let d)? = inputs[over], !d.isZero else { return nil }
            return try? Fixed.divide(x, d, scale: 6)
        }
        if let base = ind.value.growthOver {
            guard case .num(let d)? = inputs[base], !d.isZero, !d.isNegative else { return nil }
            return (try? Fixed.divide(x, d, scale: 6)).flatMap { try? $0 - Fixed(1) }
        }
        return x
    }

    /// (values below + ½ × values equal) ÷ count, to 6 decimals: the midrank percentile, exact for ties.
    static func percentile(_ x: Fixed, in sorted: [Fixed]) -> Fixed {
        guard !sorted.isEmpty else { return .zero }
        let below = lowerBound(sorted, x), notAbove = upperBound(sorted, x)
        let twice = Int64(2 * below + (notAbove - below))
        return (try? Fixed.divide(Fixed(twice), Fixed(Int64(2 * sorted.count)), scale: 6)) ?? .zero
    }

    static func lowerBound(_ a: [Fixed], _ x: Fixed) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let mid = (lo + hi) / 2; if a[mid] < x { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    static func upperBound(_ a: [Fixed], _ x: Fixed) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let mid = (lo + hi) / 2; if x < a[mid] { hi = mid } else { lo = mid + 1 } }
        return lo
    }
}
