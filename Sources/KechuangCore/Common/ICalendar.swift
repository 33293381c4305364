import Foundation

/// Writes iCalendar (RFC 5545) feeds: CRLF line ends, lines folded at 75 octets without splitting a UTF-8
/// character, text escaped, all times in UTC.
public struct ICalendar: Sendable {
    public struct Event: Sendable {
        public let uid: String
        public let slot: TimeSlot
        public let summary: String
        public let location: String
        public let description: String
        /// TENTATIVE, CONFIRMED or CANCELLED.
        public let status: String
        public let updated: Date

        public init(uid: String, slot: TimeSlot, summary: String, location: String, description: String, status: String, updated: Date) {
            self.uid = uid
            self.slot = slot
            self.summary = summary
            self.location = location
            self.description = description
            self.status = status
            self.updated = updated
        }
    }

    public let name: String
    public let events: [Event]

    public init(name: String, events: [Event]) {
        self.name = name
        self.events = events
    }

    public func render(now: Date = Date()) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kechuang//Ordos sci-tech platform//ZH", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + Self.escape(name), "X-WR-TIMEZONE:Asia/Shanghai"]
        for e in events {
            lines += ["BEGIN:VEVENT", "UID:" + e.uid, "DTSTAMP:" + Self.utc(now), "LAST-MODIFIED:" + Self.utc(e.updated),
                      "DTSTART:" + Self.utc(e.slot.start), "DTEND:" + Self.utc(e.slot.end), "SUMMARY:" + Self.escape(e.summary),
                      "LOCATION:" + Self.escape(e.location), "DESCRIPTION:" + Self.escape(e.description), "STATUS:" + e.status, "END:VEVENT"]
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    static func utc(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: d)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;").replacingOccurrences(of: ",", with: "\\,")
            .replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "")
    }

    /// Folds a content line into pieces of at most 75 octets; continuation lines start with one space.
    static func fold(_ line: String) -> String {
        var pieces: [String] = []
        var current = ""
        var octets = 0
        for ch in line {
            let n = String(ch).utf8.count
            let limit = pieces.isEmpty ? 75 : 74
            if octets + n > limit {
                pieces.append(current)
                current = ""
                octets = 0
            }
            current.append(ch)
            octets += n
        }
        pieces.append(current)
        return pieces.joined(separator: "\r\n ")
    }
}
