import Fluent
import Foundation
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("Instrument booking API: no double booking, ever")
struct BookingTests {
    static func instrument(_ app: Application, buffer: Int = 0, owner ownerName: String = "鄂尔多斯实验室", name: String = "X射线衍射仪",
                           approval: Bool = false, qualification: String = "", share: ShareMode = .external, cancelHours: Int = 24) async throws -> InstrumentRecord {
        let owner = try #require(try await OrganizationRecord.query(on: app.db).filter(\.$name == ownerName).first())
        var d = InstrumentDraft()
        d.name = name
        d.model = "D8 ADVANCE"
        d.manufacturer = "Bruker"
        d.country = "德国"
        d.classCode = "030201"
        d.originalValue = Money(fen: 120_000_000)
        d.fiscalShare = "1"
        d.purchaseDate = "2023-01-01"
        d.location = "实验楼"
        d.specifications = "测角仪半径250 mm"
        d.functions = "物相分析"
        d.applicationFields = "新材料"
        d.serviceModes = [.onSite]
        d.feeUnitMinutes = 60
        d.feeInternal = Money(fen: 20_000)
        d.feeExternal = Money(fen: 40_000)
        d.contactName = "王工"
        d.contactPhone = "0477-8888888"
        d.shareMode = share
        d.openingHours = Dictionary(uniqueKeysWithValues: (1...7).map { ($0, 0..<1440) })
        d.minMinutes = 30
        d.maxMinutes = 480
        d.bufferMinutes = buffer
        d.maxDaysAhead = 60
        d.cancelHours = cancelHours
        d.approvalRequired = approval
        d.qualification = qualification
        return try await InstrumentStore(db: app.db).create(d, organizationID: owner.id!, actor: Actor(userID: nil, name: "test", address: "test"))
    }

    /// Tomorrow-or-later 09:00–10:00 Beijing time, as ISO 8601 with +08:00.
    static func slot(daysAhead: Int = 3, hour: Int = 9, minutes: Int = 60) -> (String, String) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = ChinaTime.zone
        let day = cal.startOfDay(for: Date().addingTimeInterval(TimeInterval(daysAhead * 86400)))
        let start = day.addingTimeInterval(TimeInterval(hour * 3600))
        let f = ISO8601DateFormatter()
        f.timeZone = ChinaTime.zone
        return (f.string(from: start), f.string(from: start.addingTimeInterval(TimeInterval(minutes * 60))))
    }

    @Test("200 concurrent requests for the same slot: exactly one 201, the rest 409 naming the slot, no 5xx")
    func concurrent() async throws {
        try await withPlatform { app in
            let i = try await Self.instrument(app)
            let token = try await apiToken(app, "enterprise")
            let (s, e) = Self.slot()
            let statuses = try await withThrowingTaskGroup(of: (UInt, String).self) { group in
                for k in 0..<200 {
                    // Half ask for the same hour, half for overlapping half-hours shifted by 30 minutes.
                    let (ks, ke) = k % 2 == 0 ? (s, e) : Self.slot(hour: 9, minutes: 90)
                    group.addTask {
                        let res = try await json(app, .POST, "/api/v1/instruments/\(i.id!.uuidString)/bookings", token: token,
                                                 body: #"{"start":"\#(ks)","end":"\#(ke)"}"#)
                        return (res.status.code, res.body.string)
                    }
                }
                var out: [(UInt, String)] = []
                for try await r in group { out.append(r) }
                return out
            }
            #expect(statuses.filter { $0.0 == 201 }.count == 1)
            // On failure, say what the other answers were.
            let others = statuses.filter { $0.0 != 201 && $0.0 != 409 }
            #expect(statuses.filter { $0.0 == 409 }.count == 199, "other answers: \(others.count), first: \(others.first.map { "\($0.0) \($0.1)" } ?? "-")")
            #expect(statuses.allSatisfy { $0.0 < 500 })
            #expect(statuses.first { $0.0 == 409 }?.1.contains("booking.conflict") == true)
            #expect(try await BookingRecord.query(on: app.db).count() == 1)
        }
    }

    @Test("Buffers count, Idempotency-Key replays, bad input names the field, fees are frozen in fen")
    func rules() async throws {
        try await withPlatform { app in
            let i = try await Self.instrument(app, buffer: 15)
            let token = try await apiToken(app, "enterprise")
            let (s, e) = Self.slot()
            var h = HTTPHeaders()
            h.contentType = .json
            h.bearerAuthorization = BearerAuthorization(token: token)
            h.replaceOrAdd(name: "Idempotency-Key", value: "abc-1")
            let first = try await app.testing().sendRequest(.POST, "/api/v1/instruments/\(i.id!.uuidString)/bookings", headers: h,
                                                            body: ByteBuffer(string: #"{"start":"\#(s)","end":"\#(e)"}"#))
            #expect(first.status == .created)
            #expect(first.body.string.contains(#""fee":"400.00""#))
            let replay = try await app.testing().sendRequest(.POST, "/api/v1/instruments/\(i.id!.uuidString)/bookings", headers: h,
                                                             body: ByteBuffer(string: #"{"start":"\#(s)","end":"\#(e)"}"#))
            #expect(replay.status == .ok)
            // Starts exactly at the previous end, but the 15-minute buffer is still running.
            let (_, e2) = Self.slot(hour: 11, minutes: 0)
            let next = try await json(app, .POST, "/api/v1/instruments/\(i.id!.uuidString)/bookings", token: token,
                                      body: #"{"start":"\#(e)","end":"\#(e2)"}"#)
            #expect(next.status == .conflict)
            let backwards = try await json(app, .POST, "/api/v1/instruments/\(i.id!.uuidString)/bookings", token: token, body: #"{"start":"\#(e)","end":"\#(s)"}"#)
            #expect(backwards.status == .unprocessableEntity)
            #expect(try errorBody(backwards).field == "end")
            let malformed = try await json(app, .POST, "/api/v1/instruments/\(i.id!.uuidString)/bookings", token: token, body: #"{"start":"tomorrow","end":"\#(e)"}"#)
            #expect(try errorBody(malformed).field == "start")
            let unknown = try await json(app, .POST, "/api/v1/instruments/\(UUID().uuidString)/bookings", token: token, body: #"{"start":"\#(s)","end":"\#(e)"}"#)
            #expect(unknown.status == .notFound)
            #expect(try await BookingRecord.query(on: app.db).count() == 1)
        }
    }

    @Test("The audit log names the person who booked (their username and address), not 'api' and a user id")
    func auditNamesTheBooker() async throws {
        try await withPlatform { app in
            let i = try await Self.instrument(app)
            let (s, e) = Self.slot(daysAhead: 5)
            let res = try await json(app, .POST, "/api/v1/instruments/\(i.id!.uuidString)/bookings", token: try await apiToken(app, "enterprise"),
                                     body: #"{"start":"\#(s)","end":"\#(e)"}"#)
            #expect(res.status == .created)
            let entry = try #require(try await AuditEntryRecord.query(on: app.db).filter(\.$action == "booking.create").first())
            #expect(entry.actorName == "enterprise")
            #expect(entry.address != "api")
        }
    }

    @Test("The booking API reads an instrument edited a moment ago: new fee, new status, at once")
    func editsSeenAtOnce() async throws {
        try await withPlatform { app in
            let i = try await Self.instrument(app)
            let token = try await apiToken(app, "enterprise")
            let path = "/api/v1/instruments/\(i.id!.uuidString)/bookings"
            let (s1, e1) = Self.slot(daysAhead: 3, hour: 9)
            #expect(try await json(app, .POST, path, token: token, body: #"{"start":"\#(s1)","end":"\#(e1)"}"#).body.string.contains(#""fee":"400.00""#))
            // The owner raises the price: the next booking is priced at the new fee.
            i.feeExternalFen = 55_500
            try await i.update(on: app.db)
            let (s2, e2) = Self.slot(daysAhead: 3, hour: 13)
            #expect(try await json(app, .POST, path, token: token, body: #"{"start":"\#(s2)","end":"\#(e2)"}"#).body.string.contains(#""fee":"555.00""#))
            // Taken out of service: refused at once.
            i.status = InstrumentStatus.repair.rawValue
            try await i.update(on: app.db)
            let (s3, e3) = Self.slot(daysAhead: 4, hour: 9)
            #expect(try await json(app, .POST, path, token: token, body: #"{"start":"\#(s3)","end":"\#(e3)"}"#).status == .conflict)
        }
    }
}
