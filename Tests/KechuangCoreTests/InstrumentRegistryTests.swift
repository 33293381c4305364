import Foundation
import KechuangCore
import Testing

@Suite("Instrument registry, availability and calendars")
struct InstrumentRegistryTests {
    /// A complete, valid registry row (shared with the HTTP tests through `Tests/Fixtures`).
    static func row(_ changes: [String: String] = [:]) -> [String: String] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/instrument-row.json")
        var r = try! JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        for (k, v) in changes { r[k] = v }
        return r
    }

    @Test("A complete row parses: percent share, banner by name, hours, fen")
    func parses() throws {
        let d = try InstrumentDraft.parse(Self.row(), today: "2026-11-28")
        #expect(d.fiscalShare == "0.8")
        #expect(d.banner == .kangbashi)
        #expect(d.feeExternal == Money(fen: 60050))
        #expect(d.openingHours[6] == 540..<720 && d.openingHours[1] == 510..<1050 && d.openingHours[7] == nil)
        #expect(d.approvalRequired)
        #expect(try InstrumentDraft.parse(d.fields, today: "2026-11-28") == d)
    }

    @Test("Every bad field is named", arguments: [
        ("class_code", "0303", "instrument.class_code"), ("original_value", "12.345", "money.not_fen"), ("original_value", "0", "money.not_positive"),
        ("fee_external", "-1", "money.negative"), ("fiscal_share", "120%", "instrument.fiscal_share"), ("purchase_date", "2027-01-01", "instrument.purchase_date"),
        ("opening_hours", "1-5 17:30-08:30", "instrument.opening_hours"), ("max_minutes", "10", "instrument.max_below_min"),
        ("service_modes", "teleport", "field.not_allowed"), ("status", "broken", "field.not_allowed"), ("contact_phone", "abc", "instrument.phone"),
        ("name", "", "field.required"), ("buffer_minutes", "500", "field.range"),
    ])
    func refused(field: String, value: String, code: String) {
        do {
            _ = try InstrumentDraft.parse(Self.row([field: value]), today: "2026-11-28")
            Issue.record("accepted \(field)=\(value)")
        } catch {
            #expect(error.errors.contains { $0.field == field && $0.code == code }, "\(error.errors)")
        }
    }

    @Test("An import lists every bad row and keeps none")
    func importRows() throws {
        let header = InstrumentDraft.fieldNames
        let good = header.map { Self.row()[$0]! }
        let bad = header.map { Self.row(["class_code": "x", "fee_internal": "1.001"])[$0]! }
        do {
            _ = try InstrumentDraft.parseTable([header, good, bad, good.map { _ in "" }, bad], today: "2026-11-28")
            Issue.record("bad rows accepted")
        } catch {
            #expect(Set(error.problems.map(\.line)) == [3, 5])
            #expect(error.problems.filter { $0.line == 3 }.count == 2)
        }
        #expect(try InstrumentDraft.parseTable([header, good, good], today: "2026-11-28").map(\.line) == [2, 3])
        #expect(throws: ImportErrors.self) { try InstrumentDraft.parseTable([Array(header.dropLast())], today: "2026-11-28") }
    }

    @Test("Opening hours round-trip through the human form")
    func openingHours() {
        let h = OpeningHours.parse("1-5 08:30-17:30；6 09:00-12:00")!
        #expect(OpeningHours.format(h) == "1-5 08:30-17:30; 6 09:00-12:00")
        #expect(OpeningHours.fromStorage(OpeningHours.storage(h)) == h)
        #expect(OpeningHours.parse("1-5 08:30-17:30; 5 09:00-10:00") == nil) // Friday twice
        #expect(OpeningHours.parse("8 09:00-10:00") == nil)
    }

    @Test("A week of availability splits opening hours into free and busy, in Beijing time")
    func availability() throws {
        let f = ISO8601DateFormatter()
        let monday = f.date(from: "2026-11-30T00:00:00+08:00")!
        let busy = TimeSlot(start: f.date(from: "2026-11-30T10:00:00+08:00")!, end: f.date(from: "2026-11-30T11:15:00+08:00")!)
        let days = BookingPolicy.officeHours.availability(from: monday.addingTimeInterval(3600), days: 7, busy: [busy])
        #expect(days.map(\.date) == ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06"])
        #expect(days[0].segments.map(\.busy) == [false, true, false])
        #expect(days[0].freeMinutes == 540 - 75)
        #expect(days[5].segments.isEmpty && days[6].segments.isEmpty)
        #expect(BookingPolicy.officeHours.openMinutes(from: monday, to: monday.addingTimeInterval(7 * 86400)) == 5 * 540)
    }

    @Test("iCalendar: CRLF, escaped text, folded at 75 octets without splitting a character")
    func ics() {
        let f = ISO8601DateFormatter()
        let slot = TimeSlot(start: f.date(from: "2026-12-01T09:00:00+08:00")!, end: f.date(from: "2026-12-01T11:00:00+08:00")!)
        let text = ICalendar(name: "X射线衍射仪", events: [.init(uid: "b1@kechuang", slot: slot, summary: "场发射扫描电子显微镜; 已预约, 备注\n第二行" + String(repeating: "测", count: 40),
                                                          location: "实验楼", description: "d", status: "CONFIRMED", updated: slot.start)]).render(now: slot.start)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(text.contains("DTSTART:20261201T010000Z\r\n"))
        #expect(text.contains("\\; 已预约\\, 备注\\n第二行"))
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75) }
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains(String(repeating: "测", count: 40)))
    }
}
