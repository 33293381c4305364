import Foundation

/// Opening hours written the way staff type them: "1-5 08:30-17:30; 6 09:00-12:00" (ISO weekdays, Beijing time).
public enum OpeningHours {
    /// Parses the human form; nil when any part is malformed or a day is listed twice.
    public static func parse(_ text: String) -> [Int: Range<Int>]? {
        var result: [Int: Range<Int>] = [:]
        let parts = text.replacingOccurrences(of: "；", with: ";").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { return nil }
        for part in parts {
            let pieces = part.split(separator: " ", omittingEmptySubsequences: true)
            guard pieces.count == 2, let days = weekdays(pieces[0]), let hours = minutes(pieces[1]) else { return nil }
            for d in days {
                if result[d] != nil { return nil }
                result[d] = hours
            }
        }
        return result
    }

    /// The human form of stored hours, consecutive days with equal hours joined ("1-5 08:30-17:30").
    public static func format(_ hours: [Int: Range<Int>]) -> String {
        var groups: [(from: Int, to: Int, hours: Range<Int>)] = []
        for d in hours.keys.sorted() {
            let h = hours[d]!
            if let last = groups.last, last.to == d - 1, last.hours == h { groups[groups.count - 1].to = d } else { groups.append((d, d, h)) }
        }
        return groups.map { g in (g.from == g.to ? "\(g.from)" : "\(g.from)-\(g.to)") + " " + clock(g.hours.lowerBound) + "-" + clock(g.hours.upperBound) }
            .joined(separator: "; ")
    }

    /// The storage form used by the instruments table: "1:510-1050,2:510-1050".
    public static func storage(_ hours: [Int: Range<Int>]) -> String {
        hours.keys.sorted().map { "\($0):\(hours[$0]!.lowerBound)-\(hours[$0]!.upperBound)" }.joined(separator: ",")
    }

    public static func fromStorage(_ text: String) -> [Int: Range<Int>] {
        var hours: [Int: Range<Int>] = [:]
        for part in text.split(separator: ",") {
            let kv = part.split(separator: ":")
            let range = kv.count == 2 ? kv[1].split(separator: "-").compactMap { Int($0) } : []
            if kv.count == 2, let day = Int(kv[0]), range.count == 2, range[0] < range[1] { hours[day] = range[0]..<range[1] }
        }
        return hours
    }

    public static func clock(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }

    static func weekdays(_ s: Substring) -> [Int]? {
        let ends = s.split(separator: "-").map { Int($0) }
        guard (1...2).contains(ends.count), let a = ends[0], let b = ends.last!, (1...7).contains(a), (1...7).contains(b), a <= b else { return nil }
        return Array(a...b)
    }

    static func minutes(_ s: Substring) -> Range<Int>? {
        let ends = s.split(separator: "-")
        guard ends.count == 2, let a = clockMinutes(ends[0]), let b = clockMinutes(ends[1]), a < b else { return nil }
        return a..<b
    }

    public static func clockMinutes(_ s: Substring) -> Int? {
        let hm = s.split(separator: ":")
        guard hm.count == 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440 else { return nil }
        return h * 60 + m
    }
}
