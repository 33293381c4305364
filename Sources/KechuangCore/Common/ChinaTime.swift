import Foundation

/// Times are stored in UTC and shown in Asia/Shanghai (UTC+8 all year: China has had no DST since 1991).
///
/// Because the offset has not changed since 1992 (every platform date is later), conversions are plain arithmetic on epoch seconds (the civil-date
/// algorithm of H. Hinnant) instead of DateFormatter/Calendar instances, which cost tens of microseconds each to
/// create and are not safe to share between threads on every platform. Booking checks run these on every request.
public enum ChinaTime {
    public static let zone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!
    public static let offsetSeconds: Int64 = 8 * 3600

    /// A civil date and time of day.
    public struct Civil: Equatable, Sendable {
        public let year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    }

    /// The civil date and time `offset` seconds east of UTC (Beijing by default).
    public static func civil(_ date: Date, offset: Int64 = offsetSeconds) -> Civil {
        let t = Int64(date.timeIntervalSince1970.rounded(.down)) + offset
        let days = floorDiv(t, 86400)
        let secs = t - days * 86400
        let (y, m, d) = civilFromDays(days)
        return Civil(year: y, month: m, day: d, hour: Int(secs / 3600), minute: Int(secs % 3600 / 60), second: Int(secs % 60))
    }

    /// The instant of a Beijing civil time; nil for impossible dates (2026-02-30).
    public static func date(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), (0...24).contains(hour), (0..<60).contains(minute) else { return nil }
        let days = daysFromCivil(year, month, day)
        guard civilFromDays(days) == (year, month, day) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + Int64(hour * 3600 + minute * 60) - offsetSeconds))
    }

    /// A Beijing clock time on a calendar day (a `Day` is always a real date, so only the time can be out of range).
    public static func date(_ day: Day, hour: Int = 0, minute: Int = 0) -> Date? {
        date(year: day.year, month: day.month, day: day.dayOfMonth, hour: hour, minute: minute)
    }

    /// Beijing midnight at the start of the day containing `date`.
    public static func startOfDay(_ date: Date) -> Date {
        let t = Int64(date.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        return Date(timeIntervalSince1970: TimeInterval(floorDiv(t, 86400) * 86400 - offsetSeconds))
    }

    /// ISO weekday in Beijing: 1 = Monday … 7 = Sunday.
    public static func weekday(_ date: Date) -> Int {
        let days = floorDiv(Int64(date.timeIntervalSince1970.rounded(.down)) + offsetSeconds, 86400)
        return Int(((days % 7) + 7 + 3) % 7) + 1 // 1970-01-01 was a Thursday
    }

    /// Minutes after Beijing midnight.
    public static func minuteOfDay(_ date: Date) -> Int {
        let c = civil(date)
        return c.hour * 60 + c.minute
    }

    /// "2026-11-28 14:05" in Beijing time.
    public static func display(_ date: Date) -> String {
        let c = civil(date)
        return "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day)) \(pad(c.hour)):\(pad(c.minute))"
    }

    /// The calendar date in Beijing, used for policy dates.
    public static func dateString(_ date: Date) -> String {
        let c = civil(date)
        return "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day))"
    }

    /// ISO 8601 with the UTC designator, for JSON.
    public static func iso(_ date: Date) -> String {
        let c = civil(date, offset: 0)
        return "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day))T\(pad(c.hour)):\(pad(c.minute)):\(pad(c.second))Z"
    }

    /// Parses RFC 3339 date-times ("2026-12-01T09:00:00+08:00", "…Z", fractional seconds allowed). A time
    /// without a zone is refused: the caller must say which clock it means.
    public static func parseISO(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= b.count else { return nil }
            var n = 0
            for k in from..<(from + len) { guard (48...57).contains(b[k]) else { return nil }; n = n * 10 + Int(b[k] - 48) }
            return n
        }
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58, b[16] == 58,
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2),
              h < 24, s < 60 else { return nil }
        var k = 19
        var fraction = 0.0
        if k < b.count, b[k] == 46 {
            var scale = 0.1
            k += 1
            let start = k
            while k < b.count, (48...57).contains(b[k]) { fraction += Double(b[k] - 48) * scale; scale /= 10; k += 1 }
            guard k > start else { return nil }
        }
        var offset = 0
        if k < b.count, b[k] == 90 || b[k] == 122 { k += 1 }
        else if k < b.count, b[k] == 43 || b[k] == 45, let oh = num(k + 1, 2), k + 3 < b.count, b[k + 3] == 58, let om = num(k + 4, 2), oh < 24, om < 60 {
            offset = (b[k] == 43 ? 1 : -1) * (oh * 3600 + om * 60)
            k += 6
        } else { return nil }
        guard k == b.count, (1...12).contains(mo), (1...31).contains(d) else { return nil }
        let days = daysFromCivil(y, mo, d)
        guard civilFromDays(days) == (y, mo, d) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + Int64(h * 3600 + mi * 60 + s) - Int64(offset)) + fraction)
    }

    static func pad(_ n: Int, _ width: Int = 2) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// Days since 1970-01-01 → proleptic Gregorian (year, month, day).
    static func civilFromDays(_ z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int64 {
        let y = Int64(m <= 2 ? y0 - 1 : y0)
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = Int64(m > 2 ? m - 3 : m + 9)
        let doy = (153 * mp + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
