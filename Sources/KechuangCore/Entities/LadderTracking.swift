import Foundation

/// 科技型企业"双倍增" (art. 7): counts of 科技型中小企业 and 高新技术企业 by year and banner against the doubling goal.
public struct DoublingTracker: Sendable {
    /// The goal: the count of `baselineYear` doubled by `targetYear`, from `data/entities/double-and-zero.json`.
    public struct Goal: Decodable, Sendable {
        public let baselineYear: Int
        public let targetYear: Int
        public let factor: Int
        public let status: String
        public let source: String
    }

    public struct Count: Sendable {
        public let year: Int
        public let techSME: Int
        public let hnte: Int
    }

    public struct Progress: Sendable {
        public let rung: LadderRung
        public let baseline: Int
        public let target: Int
        public let latest: Int
        public let latestYear: Int
        /// The yearly growth needed from the latest count to reach the target in time (nil when reached or no time left).
        public let neededGrowthPercent: Fixed?
        public let reached: Bool
    }

    /// Per-year counts: an enterprise counts in a year when the title is held at the end of that year.
    public static func counts(_ byYear: [Int: [[String: Value]]]) -> [Count] {
        byYear.keys.sorted().map { y in
            let rows = byYear[y] ?? []
            return Count(year: y, techSME: rows.filter { $0["is_tech_sme"] == .bool(true) }.count,
                         hnte: rows.filter { $0["is_hte"] == .bool(true) }.count)
        }
    }

    public static func progress(_ counts: [Count], goal: Goal) -> [Progress] {
        guard let latest = counts.last else { return [] }
        let base = counts.first { $0.year == goal.baselineYear }
        return [LadderRung.techSME, .hnte].compactMap { rung in
            guard let base else { return nil }
            let b = rung == .techSME ? base.techSME : base.hnte
            let now = rung == .techSME ? latest.techSME : latest.hnte
            let target = b * goal.factor
            let years = goal.targetYear - latest.year
            var needed: Fixed?
            if now < target, years > 0, now > 0 {
                // (target / now)^(1/years) − 1, by bisection on exact decimals: no floating point in a figure people read.
                needed = growthRate(from: now, to: target, years: years)
            }
            return Progress(rung: rung, baseline: b, target: target, latest: now, latestYear: latest.year, neededGrowthPercent: needed, reached: now >= target)
        }
    }

    /// The yearly growth in per cent (to 0.1) that takes `from` to at least `to` in `years` years.
    static func growthRate(from: Int, to: Int, years: Int) -> Fixed {
        var lo = 0, hi = 100_000 // tenths of a per cent
        while lo < hi {
            let mid = (lo + hi) / 2
            var v = Fixed(Int64(from))
            let factor = Fixed(units: Int64(1000 + mid), scale: 3)
            for _ in 0..<years { v = (try? (v * factor).rounded(scale: 6, .halfUp)) ?? v }
            if v < Fixed(Int64(to)) { lo = mid + 1 } else { hi = mid }
        }
        return Fixed(units: Int64(lo), scale: 1)
    }
}

/// 规上工业企业"三清零" (art. 7): no R&D activity, no R&D institution, no invention patent — per enterprise and banner.
public struct ZeroTracker: Sendable {
    public enum Flag: String, CaseIterable, Sendable {
        case noRDActivity = "no_rd_activity"
        case noRDInstitution = "no_rd_institution"
        case noInventionPatent = "no_invention_patent"
    }

    public struct Entry: Sendable {
        public let id: UUID
        public let name: String
        public let banner: Banner?
        /// The zero flags that apply; a flag whose data are missing is in `unknown`, never assumed.
        public let flags: [Flag]
        public let unknown: [Flag]
    }

    public struct BannerRow: Sendable {
        public let banner: Banner?
        public let enterprises: Int
        public let zeros: [Flag: Int]
        public let allCleared: Int
    }

    /// Only 规上工业企业 (`is_above_scale_industrial`) are tracked.
    public static func entries(_ roster: [(id: UUID, name: String, banner: Banner?, inputs: [String: Value])]) -> [Entry] {
        roster.filter { $0.inputs["is_above_scale_industrial"] == .bool(true) }.map { e in
            var flags: [Flag] = [], unknown: [Flag] = []
            func check(_ f: Flag, _ zero: Bool?) { if let zero { if zero { flags.append(f) } } else { unknown.append(f) } }
            check(.noRDActivity, number(e.inputs["rd_expense"]).map { $0.isZero })
            check(.noRDInstitution, boolean(e.inputs["has_rd_institution"]).map { !$0 })
            check(.noInventionPatent, number(e.inputs["invention_patents"]).map { $0.isZero })
            return Entry(id: e.id, name: e.name, banner: e.banner, flags: flags, unknown: unknown)
        }
    }

    public static func byBanner(_ entries: [Entry]) -> [BannerRow] {
        let groups = Dictionary(grouping: entries, by: { $0.banner?.rawValue ?? "" })
        return groups.keys.sorted().map { k in
            let rows = groups[k]!
            var zeros: [Flag: Int] = [:]
            for f in Flag.allCases { zeros[f] = rows.filter { $0.flags.contains(f) }.count }
            return BannerRow(banner: Banner(rawValue: k), enterprises: rows.count, zeros: zeros,
                             allCleared: rows.filter { $0.flags.isEmpty && $0.unknown.isEmpty }.count)
        }
    }

    static func number(_ v: Value?) -> Fixed? { if case .num(let f)? = v { return f }; return nil }
    static func boolean(_ v: Value?) -> Bool? { if case .bool(let b)? = v { return b }; return nil }
}
