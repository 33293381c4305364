import Fluent
import Foundation
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("Instrument sharing: registry, search, booking workflow, usage, statements, calendars, reviews, evaluation")
struct InstrumentFlowTests {
    /// A Beijing date `days` from now, for booking forms.
    static func day(_ days: Int) -> String { ChinaTime.dateString(Date().addingTimeInterval(TimeInterval(days * 86400))) }

    static func bookings(_ app: Application, _ i: InstrumentRecord) async throws -> [BookingRecord] {
        try await BookingRecord.query(on: app.db).filter(\.$instrument.$id == i.id!).sort(\.$createdAt).all()
    }

    @Test("A unit member registers an instrument; bad fields re-show the form with nothing written; outsiders cannot edit")
    func registry() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.signIn("institution")
            #expect(try await b.get("/instruments/new").status == .ok)
            var fields = InstrumentRows.row()
            fields["class_code"] = "12"
            fields["fee_external"] = "1.234"
            let before = try await InstrumentRecord.query(on: app.db).count()
            let bad = try await b.post("/instruments", fields)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("field-error"))
            #expect(try await InstrumentRecord.query(on: app.db).count() == before)
            let good = try await b.post("/instruments", InstrumentRows.row())
            #expect(good.status == .seeOther)
            let i = try #require(try await InstrumentRecord.query(on: app.db).filter(\.$assetNumber == "A-1").first())
            #expect(i.feeExternalFen == 60050 && i.fiscalShare == "0.8" && i.approvalRequired)
            #expect(try await auditCount(app, action: "instrument.create") == 1)
            let page = try await b.get("/instruments/\(i.id!.uuidString)")
            #expect(page.body.string.contains("Sigma 300") && page.body.string.contains("¥600.50"))

            let outsider = Browser(app)
            try await outsider.signIn("enterprise")
            #expect(try await outsider.get("/instruments/\(i.id!.uuidString)/edit").status == .notFound)
            #expect(try await outsider.post("/instruments/\(i.id!.uuidString)/edit", InstrumentRows.row(["name": "改名"])).status == .notFound)
            #expect(try await outsider.get("/instruments/\(i.id!.uuidString)/manage").status == .notFound)
        }
    }

    @Test("An import with one bad row imports nothing and lists the row; a clean file imports every row")
    func importAtomic() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.signIn("institution")
            try await b.get("/instruments/new")
            let header = InstrumentDraft.fieldNames
            func line(_ r: [String: String]) -> String { header.map { "\"\(r[$0]!)\"" }.joined(separator: ",") }
            let good1 = line(InstrumentRows.row(["asset_number": "B-1", "name": "拉曼光谱仪"]))
            let good2 = line(InstrumentRows.row(["asset_number": "B-2", "name": "核磁共振波谱仪"]))
            let bad = line(InstrumentRows.row(["asset_number": "B-3", "original_value": "-5"]))
            let before = try await InstrumentRecord.query(on: app.db).count()
            let helper = EntityDataAndApplicationsTests()
            let refused = try await helper.multipart(b, "/instruments/import", filename: "i.csv", content: Data(([header.joined(separator: ","), good1, bad, good2]).joined(separator: "\n").utf8))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("original_value"))
            #expect(try await InstrumentRecord.query(on: app.db).count() == before)
            let accepted = try await helper.multipart(b, "/instruments/import", filename: "i.csv", content: Data(([header.joined(separator: ","), good1, good2]).joined(separator: "\n").utf8))
            #expect(accepted.status == .seeOther)
            #expect(try await InstrumentRecord.query(on: app.db).count() == before + 2)
        }
    }

    @Test("Search in Chinese without a dictionary, with filters; bad filters name the field")
    func search() async throws {
        try await withPlatform { app in
            struct Result: Decodable { struct Item: Decodable { let name: String; let matchedTerms: [String] }; let total: Int; let items: [Item] }
            let q = "扫描电镜".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let res = try await json(app, .GET, "/api/v1/instruments?q=\(q)")
            #expect(res.status == .ok)
            let r = try JSONDecoder().decode(Result.self, from: Data(res.body.readableBytesView))
            #expect(r.items.first?.name == "场发射扫描电子显微镜")
            #expect(r.items.first?.matchedTerms.contains("扫描") == true)
            let none = try JSONDecoder().decode(Result.self, from: Data(try await json(app, .GET, "/api/v1/instruments?q=\(q)&banner=150621").body.readableBytesView))
            #expect(none.total == 0)
            let cheap = try JSONDecoder().decode(Result.self, from: Data(try await json(app, .GET, "/api/v1/instruments?fee_max=350").body.readableBytesView))
            #expect(cheap.items.map(\.name) == ["气相色谱-质谱联用仪"])
            let free = try JSONDecoder().decode(Result.self, from: Data(try await json(app, .GET, "/api/v1/instruments?from=\(Self.day(7))&to=\(Self.day(9))").body.readableBytesView))
            #expect(free.total == 3) // the internal-only ICP-MS is not bookable by the public
            let badFee = try await json(app, .GET, "/api/v1/instruments?fee_min=1.005")
            #expect(badFee.status == .badRequest || badFee.status == .unprocessableEntity)
            #expect(try errorBody(badFee).field == "fee_min")
            #expect(try await Browser(app).get("/instruments?q=\(q)").body.string.contains("场发射扫描电子显微镜"))
        }
    }

    @Test("Approval, rejection, waiting list offer on release, reschedule with the frozen price, cancel deadline")
    func workflow() async throws {
        try await withPlatform { app in
            let i = try await BookingTests.instrument(app, approval: true)
            let path = "/instruments/\(i.id!.uuidString)"
            let ent = Browser(app), tal = Browser(app), owner = Browser(app)
            try await ent.signIn("enterprise"); try await tal.signIn("talent"); try await owner.signIn("institution")
            try await ent.get(path)
            let slot = ["date": Self.day(3), "start": "09:00", "end": "11:00"]
            #expect(try await ent.post("\(path)/book", slot).status == .seeOther)
            let first = try #require(try await Self.bookings(app, i).first)
            #expect(first.status == "pending" && first.external && first.feeFen == 80_000 && first.unitFen == 40_000)
            // The slot is held while pending: the talent is offered the waiting list and joins it.
            try await tal.get(path)
            let clash = try await tal.post("\(path)/book", ["date": Self.day(3), "start": "10:00", "end": "12:00"])
            #expect(clash.status == .conflict)
            #expect(clash.body.string.contains("/waitlist"))
            #expect(try await tal.post("\(path)/waitlist", ["date": Self.day(3), "start": "10:00", "end": "12:00"]).status == .seeOther)
            // Only the owning unit approves or rejects.
            try await ent.get("/bookings")
            #expect(try await ent.post("/bookings/\(first.id!.uuidString)/approve", [:]).status == .notFound)
            try await owner.get("\(path)/manage")
            #expect(try await owner.post("/bookings/\(first.id!.uuidString)/reject", ["note": ""]).status != .seeOther)
            #expect(try await owner.post("/bookings/\(first.id!.uuidString)/reject", ["note": "设备维护"]).status == .seeOther)
            let entry = try #require(try await WaitlistRecord.query(on: app.db).first())
            #expect(entry.status == "offered" && entry.offeredUntil != nil)
            // My bookings filter by status and upcoming/past.
            #expect(try await ent.get("/bookings?status=rejected&when=upcoming").body.string.contains("设备维护"))
            let confirmedOnly = try await ent.get("/bookings?status=confirmed")
            #expect(confirmedOnly.status == .ok && !confirmedOnly.body.string.contains("设备维护"))
            #expect(!(try await ent.get("/bookings?when=past").body.string.contains("设备维护")))
            #expect(try await ent.get("/bookings?when=tomorrow").status.code / 100 == 4)
            try await tal.get("/bookings")
            #expect(try await tal.post("/waitlist/\(entry.id!.uuidString)/accept", [:]).status == .seeOther)
            let taken = try #require(try await Self.bookings(app, i).last)
            #expect(taken.userID != first.userID && taken.status == "pending")
            #expect(try await owner.post("/bookings/\(taken.id!.uuidString)/approve", [:]).status == .seeOther)
            // The price changes; a reschedule keeps the price frozen at booking time.
            i.feeExternalFen = 99_900
            try await i.update(on: app.db)
            try await tal.get("/bookings")
            #expect(try await tal.post("/bookings/\(taken.id!.uuidString)/reschedule", ["date": Self.day(4), "start": "14:00", "end": "16:00"]).status == .seeOther)
            let moved = try #require(try await BookingRecord.query(on: app.db).filter(\.$replacesID == taken.id!).first())
            #expect(moved.feeFen == 80_000 && moved.status == "pending")
            #expect(try await BookingRecord.find(taken.id, on: app.db)?.status == "rescheduled")
            // Someone else's booking cannot be cancelled; the holder can.
            #expect(try await ent.post("/bookings/\(moved.id!.uuidString)/cancel", [:]).status == .notFound)
            #expect(try await tal.post("/bookings/\(moved.id!.uuidString)/cancel", [:]).status == .seeOther)
            #expect(try await auditCount(app, action: "booking.reject") == 1)
            #expect(try await auditCount(app, action: "waitlist.offer") == 1)
        }
    }

    @Test("Inside the cancellation deadline the holder may not cancel; a missing training record refuses the booking")
    func deadlineAndTraining() async throws {
        try await withPlatform { app in
            let i = try await BookingTests.instrument(app, qualification: "XRD上机培训", cancelHours: 72)
            let path = "/instruments/\(i.id!.uuidString)"
            let ent = Browser(app), owner = Browser(app)
            try await ent.signIn("enterprise"); try await owner.signIn("institution")
            try await ent.get(path)
            let refused = try await ent.post("\(path)/book", ["date": Self.day(2), "start": "09:00", "end": "10:00"])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("XRD上机培训"))
            #expect(try await Self.bookings(app, i).isEmpty)
            try await owner.get("\(path)/manage")
            #expect(try await owner.post("\(path)/trainings", ["trainee": "enterprise", "note": "2026-11 培训并考核合格"]).status == .seeOther)
            try await ent.get(path)
            #expect(try await ent.post("\(path)/book", ["date": Self.day(2), "start": "09:00", "end": "10:00"]).status == .seeOther)
            let b = try #require(try await Self.bookings(app, i).first)
            let token = try await apiToken(app, "enterprise")
            let late = try await json(app, .POST, "/api/v1/bookings/\(b.id!.uuidString)/cancel", token: token)
            #expect(late.status == .conflict)
            #expect(try errorBody(late).code == "booking.cancel_deadline_passed")
            #expect(try await BookingRecord.find(b.id, on: app.db)?.status == "confirmed")
        }
    }

    @Test("Weekly repeats for the owning unit skip clashing weeks when asked, and refuse the whole series otherwise")
    func series() async throws {
        try await withPlatform { app in
            let i = try await BookingTests.instrument(app)
            let path = "/instruments/\(i.id!.uuidString)"
            let ent = Browser(app), owner = Browser(app)
            try await ent.signIn("enterprise"); try await owner.signIn("institution")
            try await ent.get(path)
            #expect(try await ent.post("\(path)/book", ["date": Self.day(9), "start": "09:00", "end": "10:00"]).status == .seeOther)
            #expect(try await ent.post("\(path)/book", ["date": Self.day(2), "start": "09:00", "end": "10:00", "repeat": "3"]).status == .unprocessableEntity)
            try await owner.get(path)
            #expect(try await owner.post("\(path)/book", ["date": Self.day(2), "start": "09:00", "end": "10:00", "repeat": "3"]).status == .conflict)
            #expect(try await Self.bookings(app, i).count == 1)
            #expect(try await owner.post("\(path)/book", ["date": Self.day(2), "start": "09:00", "end": "10:00", "repeat": "3", "skip_conflicts": "true"]).status == .seeOther)
            let all = try await Self.bookings(app, i)
            #expect(all.count == 3)
            #expect(Set(all.compactMap(\.seriesID)).count == 1 && all.filter { !$0.external }.allSatisfy { $0.unitFen == 20_000 })
        }
    }

    @Test("Usage is priced in fen, flagged when far from the booking, billed in a monthly statement (HTML and XLSX), and rated")
    func usageAndStatement() async throws {
        try await withPlatform { app in
            let i = try await BookingTests.instrument(app)
            let path = "/instruments/\(i.id!.uuidString)"
            let owner = Browser(app)
            try await owner.signIn("institution")
            try await owner.get("\(path)/manage")
            let yesterday = Self.day(-1)
            let walkIn = ["username": "enterprise", "operator": "王工", "date": yesterday, "start": "09:00", "end": "10:30", "samples": "3", "purpose": "research", "notes": ""]
            #expect(try await owner.post("\(path)/usage", walkIn.merging(["end": "08:00"]) { $1 }).status == .unprocessableEntity)
            #expect(try await owner.post("\(path)/usage", walkIn.merging(["username": "nobody"]) { $1 }).status == .unprocessableEntity)
            #expect(try await UsageRecord.query(on: app.db).filter(\.$instrumentID == i.id!).count() == 0)
            #expect(try await owner.post("\(path)/usage", walkIn).status == .seeOther)
            let u = try #require(try await UsageRecord.query(on: app.db).filter(\.$instrumentID == i.id!).first())
            #expect(u.feeFen == 80_000 && u.external && u.minutes == 90) // two started hours at the external price
            let month = String(yesterday.prefix(7))
            let org = try #require(try await OrganizationRecord.query(on: app.db).filter(\.$name == "鄂尔多斯实验室").first())
            let summary = try await owner.get("/instruments/statements?owner=\(org.id!.uuidString)&month=\(month)")
            #expect(summary.body.string.contains("鄂尔多斯市康巴什氢能科技有限公司"))
            let client = try #require(u.userOrgID)
            let xlsx = try await owner.get("/instruments/statements/\(client.uuidString)?owner=\(org.id!.uuidString)&month=\(month)&format=xlsx")
            #expect(xlsx.headers.contentType?.description.contains("spreadsheetml") == true)
            let rows = try XLSXReader.rows(from: Data(xlsx.body.readableBytesView))
            // Every line of the client's month at this owner (demo history included), summed exactly in fen.
            let (_, from, to) = try StatementController.month(month)
            let owned = try await InstrumentRecord.query(on: app.db).filter(\.$organization.$id == org.id!).all().map { $0.id! }
            let lines = try await UsageRecord.query(on: app.db).filter(\.$instrumentID ~~ owned).filter(\.$userOrgID == client)
                .filter(\.$startAt >= from).filter(\.$startAt < to).all()
            #expect(rows.count == lines.count + 2)
            #expect(rows.contains { $0.contains("800.00") && $0.contains("90") })
            #expect(rows.last?.contains(Money(fen: lines.reduce(0) { $0 + $1.feeFen }).plainYuan) == true)
            #expect(try await Browser(app).get("/instruments/statements?owner=\(org.id!.uuidString)").status == .seeOther) // to the sign-in page
            let stranger = Browser(app)
            try await stranger.signIn("talent")
            #expect(try await stranger.get("/instruments/statements?owner=\(org.id!.uuidString)&month=\(month)").status == .notFound)
            let ent = Browser(app)
            try await ent.signIn("enterprise")
            try await ent.get("/bookings")
            #expect(try await ent.post("/usage/\(u.id!.uuidString)/rate", ["rating": "9"]).status != .seeOther)
            #expect(try await ent.post("/usage/\(u.id!.uuidString)/rate", ["rating": "4", "comment": "数据质量好"]).status == .seeOther)
            #expect(try await UsageRecord.find(u.id, on: app.db)?.rating == 4)
            // Booked two hours, used five: flagged as inflated.
            let token = try await apiToken(app, "enterprise")
            let (s, e) = BookingTests.slot(daysAhead: 1, hour: 9, minutes: 120)
            #expect(try await json(app, .POST, "/api/v1/instruments/\(i.id!.uuidString)/bookings", token: token, body: #"{"start":"\#(s)","end":"\#(e)"}"#).status == .created)
            let booking = try #require(try await Self.bookings(app, i).first)
            // 09:00 Beijing three days ago, so that start + 5 h stays on the same day whatever the time of the run.
            booking.startAt = ChinaTime.startOfDay(Date().addingTimeInterval(-3 * 86400)).addingTimeInterval(9 * 3600)
            booking.endAt = booking.startAt.addingTimeInterval(7200)
            booking.blockedUntil = booking.endAt
            try await booking.update(on: app.db)
            let start = ChinaTime.display(booking.startAt)
            try await owner.get("\(path)/manage")
            #expect(try await owner.post("\(path)/usage", ["booking": booking.id!.uuidString, "operator": "王工", "date": String(start.prefix(10)), "start": String(start.suffix(5)),
                                                           "end": String(ChinaTime.display(booking.startAt.addingTimeInterval(5 * 3600)).suffix(5)), "samples": "1", "purpose": "research"]).status == .seeOther)
            let flagged = try #require(try await UsageRecord.query(on: app.db).filter(\.$bookingID == booking.id!).first())
            #expect(flagged.gapFlag == "over" && flagged.bookedMinutes == 120 && flagged.feeFen == 5 * 40_000)
            #expect(try await BookingRecord.find(booking.id, on: app.db)?.status == "completed")
            // The usage log: every record of the instrument for its unit, filtered, totalled in fen, exported; others get 404.
            let log = try await owner.get("\(path)/usage?flagged=1")
            #expect(log.status == .ok && log.body.string.contains("王工") && log.body.string.contains("¥2,000.00"))
            let walkInDay = try await owner.get("\(path)/usage?from=\(yesterday)&to=\(yesterday)&side=external&purpose=research&format=csv")
            let csvLines = walkInDay.body.string.split(separator: "\r\n")
            #expect(csvLines.count == 2 && csvLines[1].contains("800.00") && csvLines[1].contains(",90,"))
            let usageSheet = try XLSXReader.rows(from: Data(try await owner.get("\(path)/usage?format=xlsx").body.readableBytesView))
            #expect(usageSheet.count == 3 && usageSheet[0].count == 13)
            #expect(try await owner.get("\(path)/usage?from=\(yesterday)&to=\(Self.day(-2))").status == .unprocessableEntity)
            #expect(try await owner.get("\(path)/usage?from=yesterday").status == .unprocessableEntity)
            #expect(try await ent.get("\(path)/usage").status == .notFound)
        }
    }

    @Test("Calendar feeds: the instrument's is public without names; a user's is behind a secret URL that can be reset")
    func calendars() async throws {
        try await withPlatform { app in
            let i = try await BookingTests.instrument(app)
            let token = try await apiToken(app, "enterprise")
            let (s, e) = BookingTests.slot()
            #expect(try await json(app, .POST, "/api/v1/instruments/\(i.id!.uuidString)/bookings", token: token, body: #"{"start":"\#(s)","end":"\#(e)","note":"私人备注"}"#).status == .created)
            let pub = try await Browser(app).get("/instruments/\(i.id!.uuidString)/calendar.ics")
            #expect(pub.headers.contentType?.description.hasPrefix("text/calendar") == true)
            #expect(pub.body.string.contains("BEGIN:VEVENT") && !pub.body.string.contains("私人备注"))
            let ent = Browser(app)
            try await ent.signIn("enterprise")
            try await ent.get("/bookings")
            #expect(try await ent.post("/bookings/calendar", [:]).status == .seeOther)
            let feed = try #require(try await CalendarFeedRecord.query(on: app.db).first())
            let mine = try await Browser(app).get("/calendar/\(feed.token).ics")
            #expect(mine.status == .ok && mine.body.string.contains("私人备注"))
            #expect(try await ent.post("/bookings/calendar", [:]).status == .seeOther)
            #expect(try await Browser(app).get("/calendar/\(feed.token).ics").status == .notFound)
        }
    }

    @Test("查重评议: comparable instruments with their hours, the review rules' findings, a reviewer's decision")
    func purchaseReview() async throws {
        try await withPlatform { app in
            let inst = Browser(app)
            try await inst.signIn("institution")
            try await inst.get("/purchase-reviews/new")
            let proposal = ["name": "扫描电子显微镜", "model": "JSM-IT800", "class_code": "030302", "key_specs": "分辨率0.5 nm", "budget": "1500000",
                            "funding_source": "local_fiscal", "fiscal_share": "1", "justification": "氢能电极材料表征需求持续增长，现有设备排队严重。"]
            #expect(try await inst.post("/purchase-reviews", proposal.merging(["budget": "-1"]) { $1 }).status == .unprocessableEntity)
            #expect(try await PurchaseReviewRecord.query(on: app.db).count() == 0)
            #expect(try await inst.post("/purchase-reviews", proposal).status == .seeOther)
            let r = try #require(try await PurchaseReviewRecord.query(on: app.db).first())
            let page = try await inst.get("/purchase-reviews/\(r.id!.uuidString)")
            #expect(page.body.string.contains("场发射扫描电子显微镜")) // the demo SEM is comparable and unused: weighs against buying
            #expect(page.body.string.contains("purchase_review_required") == false)
            #expect(r.findingsJSON.contains("\"purchase_against_underused\"") && r.findingsJSON.contains("eligible"))
            #expect(try await inst.post("/purchase-reviews/\(r.id!.uuidString)/decide", ["decision": "not_recommend", "opinion": "同类仪器利用不足"]).status == .forbidden)
            let reviewer = Browser(app)
            try await reviewer.signIn("reviewer")
            try await reviewer.get("/purchase-reviews/\(r.id!.uuidString)")
            #expect(try await reviewer.post("/purchase-reviews/\(r.id!.uuidString)/decide", ["decision": "not_recommend", "opinion": "同类仪器利用不足，建议通过共享满足。"]).status == .seeOther)
            #expect(try await PurchaseReviewRecord.find(r.id, on: app.db)?.decision == "not_recommend")
            // A second proposal of the same class just under 30万 is flagged as a possible split.
            #expect(try await inst.post("/purchase-reviews", proposal.merging(["budget": "280000"]) { $1 }).status == .seeOther)
            let second = try #require(try await PurchaseReviewRecord.query(on: app.db).filter(\.$budgetFen == 28_000_000).first())
            #expect(second.findingsJSON.contains("purchase_split_suspected"))
            let decoded = try JSONDecoder().decode(PurchaseReviewController.Findings.self, from: Data(second.findingsJSON.utf8))
            #expect(decoded.findings.first { $0.rule == "purchase_split_suspected" }?.status == "eligible")
            #expect(decoded.findings.first { $0.rule == "purchase_just_under_threshold" }?.status == "eligible")
        }
    }

    @Test("Evaluation ranks units with awards from the policy engine; compliance lists must-share instruments that are not open")
    func evaluationAndCompliance() async throws {
        try await withPlatform { app in
            let page = try await Browser(app).get("/instruments/evaluation")
            #expect(page.status == .ok && page.body.string.contains("ordos-2026.1"))
            let staff = Browser(app)
            try await staff.signIn("reviewer")
            let xlsx = try await staff.get("/instruments/evaluation.xlsx")
            #expect(xlsx.status == .ok)
            #expect(try XLSXReader.rows(from: Data(xlsx.body.readableBytesView)).count >= 4)
            let compliance = try await staff.get("/admin/instruments/compliance")
            #expect(compliance.body.string.contains("电感耦合等离子体质谱仪"))
            #expect(!compliance.body.string.contains("X射线衍射仪"))
            // Filters: the demo ICP-MS is shared internally only (not open), in 康巴什区; it is in working order.
            #expect(try await staff.get("/admin/instruments/compliance?problem=not_open&banner=150603").body.string.contains("电感耦合等离子体质谱仪"))
            #expect(!(try await staff.get("/admin/instruments/compliance?problem=not_active").body.string.contains("电感耦合等离子体质谱仪")))
            let elsewhere = try await staff.get("/admin/instruments/compliance?banner=150621")
            #expect(elsewhere.status == .ok && !elsewhere.body.string.contains("电感耦合等离子体质谱仪"))
            #expect(try await staff.get("/admin/instruments/compliance?problem=broken").status.code / 100 == 4)
            let sheet = try XLSXReader.rows(from: Data(try await staff.get("/admin/instruments/compliance?format=xlsx").body.readableBytesView))
            #expect(sheet.first?.count == 8 && sheet.contains { $0.first == "电感耦合等离子体质谱仪" && $0.last?.contains("instrument_value") == true })
        }
    }

    @Test("A lapsed waiting-list offer passes to the next in line")
    func waitlistSweep() async throws {
        try await withPlatform { app in
            let i = try await BookingTests.instrument(app)
            let users = try await UserRecord.query(on: app.db).filter(\.$username ~~ ["enterprise", "talent", "broker"]).all()
            let byName = Dictionary(users.map { ($0.username, $0.id!) }, uniquingKeysWith: { a, _ in a })
            let actor = Actor(userID: nil, name: "test", address: "test")
            let start = Date().addingTimeInterval(5 * 86400)
            let slot = TimeSlot(start: start, end: start.addingTimeInterval(3600))
            guard case .created(let held) = try await BookingStore(db: app.db).book(instrument: i, userID: byName["enterprise"]!, slot: slot, external: true, idempotencyKey: nil,
                                                                                                    actor: .system) else {
                Issue.record("not booked"); return
            }
            let store = WaitlistStore(db: app.db)
            let first = try await store.join(instrument: i, userID: byName["talent"]!, slot: slot, actor: actor)
            let second = try await store.join(instrument: i, userID: byName["broker"]!, slot: slot, actor: actor)
            // Joined a minute apart (set, not slept: the order must not depend on the clock's resolution).
            if let earlier = try await WaitlistRecord.find(first.id, on: app.db) {
                earlier.createdAt = Date().addingTimeInterval(-60)
                try await earlier.update(on: app.db)
            }
            try await BookingStore(db: app.db).cancel(held, actor: actor)
            #expect(try await WaitlistRecord.find(first.id, on: app.db)?.status == "offered")
            #expect(try await WaitlistRecord.find(second.id, on: app.db)?.status == "waiting")
            try await store.sweep(now: Date().addingTimeInterval(25 * 3600))
            #expect(try await WaitlistRecord.find(first.id, on: app.db)?.status == "expired")
            #expect(try await WaitlistRecord.find(second.id, on: app.db)?.status == "offered")
        }
    }
}
