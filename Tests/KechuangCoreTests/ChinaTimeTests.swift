import Foundation
import KechuangCore
import Testing

@Suite("Beijing time by arithmetic")
struct ChinaTimeTests {
    @Test("Display, date and ISO strings agree with Foundation's formatters from 1992 (after China's last DST) to 2100")
    func agreesWithFoundation() {
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = TimeZone(identifier: "Asia/Shanghai")
        local.dateFormat = "yyyy-MM-dd HH:mm"
        let utc = ISO8601DateFormatter()
        var x: UInt64 = 42
        for _ in 0..<2000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            let t = 700_000_000 + Double(Int64(x >> 33) % 3_400_000_000) // 1992 … 2097
            let d = Date(timeIntervalSince1970: t)
            #expect(ChinaTime.display(d) == local.string(from: d))
            #expect(ChinaTime.iso(d) == utc.string(from: d))
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = ChinaTime.zone
            #expect(ChinaTime.weekday(d) == (cal.component(.weekday, from: d) + 5) % 7 + 1)
            #expect(ChinaTime.startOfDay(d) == cal.startOfDay(for: d))
        }
    }

    @Test("RFC 3339 date-times parse with their offset; zone-less, impossible and malformed ones do not", arguments: [
        ("2026-12-01T09:00:00+08:00", "2026-12-01T01:00:00Z"), ("2026-12-01T01:00:00Z", "2026-12-01T01:00:00Z"),
        ("2026-12-01T01:00:00.250Z", "2026-12-01T01:00:00Z"), ("2024-02-29T23:30:00-05:30", "2024-03-01T05:00:00Z"),
    ])
    func parses(text: String, utc: String) {
        #expect(ChinaTime.parseISO(text).map(ChinaTime.iso) == utc)
    }

    @Test("Refused date-times", arguments: ["2026-12-01T09:00:00", "2026-02-30T09:00:00Z", "2026-12-01 09:00:00Z", "2026-12-01T25:00:00Z",
                                           "2026-12-01T09:00:00+8", "tomorrow", "2026-12-01T09:00:00Z junk", ""])
    func refused(text: String) {
        #expect(ChinaTime.parseISO(text) == nil)
    }

    @Test("Civil dates to instants")
    func civilDates() {
        #expect(ChinaTime.date(year: 2026, month: 12, day: 1, hour: 9).map(ChinaTime.iso) == "2026-12-01T01:00:00Z")
        #expect(ChinaTime.date(year: 2026, month: 2, day: 29) == nil)
        #expect(ChinaTime.weekday(ChinaTime.date(year: 2026, month: 11, day: 30)!) == 1)
    }
}
