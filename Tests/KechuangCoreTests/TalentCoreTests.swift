import Foundation
@testable import KechuangCore
import Testing

@Suite("Talent: ID numbers, QR codes, the code format, classification, service requests")
struct TalentCoreTests {
    let base: RuleBase
    init() throws { base = try RuleBase.load(directory: repoRoot + "/policies/ordos") }

    @Test("居民身份证号码: the GB 11643 check character, birth date and masking")
    func residentID() {
        // The standard's worked example.
        #expect(ResidentID.validate("11010519491231002X") == .success("11010519491231002X"))
        #expect(ResidentID.validate("11010519491231002x") == .success("11010519491231002X"))
        #expect(ResidentID.validate("110105194912310021") == .failure(.invalid("id_number", "talent.id_checksum")))
        #expect(ResidentID.validate("1101051949123100") == .failure(.invalid("id_number", "talent.id_format")))
        #expect(ResidentID.validate("110105194913310024").isFailure)
        let made = ResidentID.make(address: "150602", birth: Day("1990-02-28")!, sequence: 17)
        #expect(ResidentID.validate(made) == .success(made))
        #expect(ResidentID.birthDate(made) == Day("1990-02-28"))
        #expect(ResidentID.masked("11010519491231002X") == "110105********002X")
        #expect(ResidentID.maskedPhone("13847700001") == "138****0001")
    }

    @Test("QR: the smallest version for the data, finder patterns in three corners, timing lines, dark module")
    func qrStructure() throws {
        #expect(try QRCode.encode("HELLO").version == 1)
        let code = try QRCode.encode(String(repeating: "A", count: 135), correction: .medium)
        #expect(code.version == 8 && code.size == 49)
        // Byte-mode capacity of version 8-M is 152 bytes: 153 needs version 9.
        #expect(try QRCode.encode(String(repeating: "A", count: 152)).version == 8)
        #expect(try QRCode.encode(String(repeating: "A", count: 153)).version == 9)
        for (x0, y0) in [(0, 0), (code.size - 7, 0), (0, code.size - 7)] {
            for i in 0..<7 {
                #expect(code.isDark(x: x0 + i, y: y0) && code.isDark(x: x0, y: y0 + i), "finder edge at \(x0),\(y0)")
            }
            #expect(!code.isDark(x: x0 + 1, y: y0 + 1) && code.isDark(x: x0 + 3, y: y0 + 3))
        }
        for i in 8..<(code.size - 8) { #expect(code.isDark(x: i, y: 6) == (i % 2 == 0)) }
        #expect(code.isDark(x: 8, y: code.size - 8))
        #expect(throws: QRCode.TooLong.self) { try QRCode.encode(String(repeating: "x", count: 3000), correction: .high) }
    }

    @Test("Reed–Solomon: the generator of degree 7 and a known remainder (ISO/IEC 18004 annex I: 01234567 at 1-M)")
    func reedSolomon() {
        #expect(ReedSolomon.divisor(degree: 7) == [127, 122, 154, 164, 11, 68, 117])
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        #expect(ReedSolomon.remainder(data, divisor: ReedSolomon.divisor(degree: 10)) == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    @Test("PNG: signature, chunk CRCs and the stored-deflate stream's Adler-32")
    func png() {
        let bytes = PNGImage.greyscale(width: 2, height: 1, pixels: [0, 255])
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(bytes.suffix(8)) == [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]) // IEND and its well-known CRC
        #expect(PNGImage.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        let z = PNGImage.zlibStored([0, 0, 255])
        #expect(Array(z.suffix(4)) == [0x01, 0x02, 0x01, 0x00]) // Adler-32 of 00 00 FF: a = 1+0+0+255 = 0x100, b = 1+1+0x100 = 0x102
    }

    /// A stand-in signature for Core tests (Ed25519 lives in the store): the signature is the message's first 64
    /// bytes repeated, so any change of a signed byte breaks it.
    static let fakeCheck: TalentCodeVerifier.SignatureCheck = { _, message, signature in signature == fakeSign(message) }
    static func fakeSign(_ m: [UInt8]) -> [UInt8] { (0..<64).map { m[$0 % m.count] ^ UInt8($0) } }

    func keys(signsUntil: Date? = nil) -> TalentCodeKeys {
        TalentCodeKeys(issuer: "t", keys: [PublishedTalentKey(kid: "0102030405060708", publicKey: Array(repeating: 7, count: 32), signsFrom: Date(timeIntervalSince1970: 0), signsUntil: signsUntil)])
    }

    func code(category: TalentCategory = .c, issued: Date, days: Double = 90) -> String {
        let p = TalentCodePayload(keyID: [1, 2, 3, 4, 5, 6, 7, 8], talentID: UUID(uuidString: "F02A5154-3131-4021-897D-2B5F7A364A41")!, category: category,
                                  issuedAt: issued, expiresAt: issued.addingTimeInterval(days * 86_400))
        return p.text(signature: Self.fakeSign(p.message))
    }

    @Test("人才码 layout: 135 characters, round trip, and each refusal in order")
    func codeFormat() {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let text = code(issued: now)
        #expect(text.count == 135 && text.hasPrefix("KC1:"))
        let v = TalentCodeVerifier(keys: keys(), check: Self.fakeCheck)
        guard case .valid(let p) = v.verify(text, now: now.addingTimeInterval(60)) else { Issue.record("refused"); return }
        #expect(p.category == .c && p.talentID.uuidString == "F02A5154-3131-4021-897D-2B5F7A364A41" && p.keyIDHex == "0102030405060708")
        #expect(v.verify("https://kc.example/talent/verify?code=" + text, now: now) == .valid(p))
        #expect(v.verify(text, now: now.addingTimeInterval(90 * 86_400)) == .refused(.expired, p))
        #expect(v.verify(text, now: now.addingTimeInterval(-3600)) == .refused(.notYetValid, p))
        #expect(TalentCodeVerifier(keys: TalentCodeKeys(issuer: "t", keys: []), check: Self.fakeCheck).verify(text, now: now) == .refused(.unknownKey, p))
        #expect(TalentCodeVerifier(keys: keys(signsUntil: now.addingTimeInterval(-86_400)), check: Self.fakeCheck).verify(text, now: now) == .refused(.keyRetired, p))
        var bytes = Base64URL.decode(String(text.dropFirst(4)))!
        bytes[25] = TalentCategory.a.index
        if case .refused(.badSignature, _) = v.verify("KC1:" + Base64URL.encode(bytes), now: now) {} else { Issue.record("a raised class passed") }
        #expect(v.verify("KC1:" + String(text.dropFirst(5)), now: now) == .refused(.malformed, nil))
        #expect(v.verify("hello", now: now) == .refused(.malformed, nil))
    }

    @Test("Classification from profiles: an academician is A, a young doctor E, a master aged 36 with a mid title nothing")
    func classification() {
        let day = Day("2026-06-30")!
        func profile(degree: TalentDegree, title: TalentTitleLevel, born: Int, honours: [TalentHonour] = [], awards: [TalentAward] = []) -> TalentProfile {
            TalentProfile(name: "x", birthYear: born, field: "f", employment: .fullTime, arrivalDate: Day("2025-01-01")!, degree: degree, titleLevel: title,
                          titles: "", honours: honours, awards: awards, projects: [])
        }
        func run(_ p: TalentProfile) -> TalentClassification { TalentClassification.run(base: base, date: day, inputs: p.inputs(on: day, category: nil, supportStart: nil)) }
        #expect(run(profile(degree: .doctorate, title: .senior, born: 1960, honours: [.academician])).category == .a)
        let young = run(profile(degree: .doctorate, title: .intermediate, born: 1985))
        #expect(young.category == .e && young.result(.e)!.met.map(\.rule.id) == ["tc_e_young_doctor"])
        let none = run(profile(degree: .master, title: .intermediate, born: 1990))
        #expect(none.category == nil && none.nextClass?.category == .f)
        let f = none.result(.f)!
        let ageLine = f.requirements[0].alternatives.first { $0.rule.id == "tc_f_young_master" }!.lines.first { $0.source.hasPrefix("age") }!
        #expect(ageLine.value == Fixed(36) && ageLine.threshold == Fixed(35) && ageLine.gap == Fixed(1))
        let award = TalentAward(name: "n", level: .national, grade: 1, rank: 2, year: 2023, prizeFen: nil)
        #expect(run(profile(degree: .bachelor, title: .none, born: 1970, awards: [award])).category == .b)
    }

    @Test("Service requests: who may move a request where; the clock stops while documents are awaited")
    func serviceRequests() {
        #expect(ServiceRequestAction.accept.next(from: .submitted, wasAccepted: false) == .accepted)
        #expect(ServiceRequestAction.complete.next(from: .submitted, wasAccepted: false) == nil)
        #expect(ServiceRequestAction.supplyDocuments.next(from: .documentsRequested, wasAccepted: true) == .accepted)
        #expect(ServiceRequestAction.supplyDocuments.next(from: .documentsRequested, wasAccepted: false) == .submitted)
        #expect(ServiceRequestAction.withdraw.next(from: .completed, wasAccepted: true) == nil)
        #expect(ServiceRequestAction.available(in: .accepted, for: .unit, wasAccepted: true) == [.requestDocuments, .complete, .refuse])
        #expect(ServiceRequestAction.available(in: .documentsRequested, for: .talent, wasAccepted: true) == [.supplyDocuments, .withdraw])
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        let waiting = ServiceDeadline(submittedAt: t0, days: 10, pausedSeconds: 0, pausedSince: t0.addingTimeInterval(86_400))
        let later = t0.addingTimeInterval(30 * 86_400)
        #expect(!waiting.overdue(state: .documentsRequested, now: later), "not overdue while the talent owes documents")
        #expect(waiting.due(now: later) == t0.addingTimeInterval(39 * 86_400))
        let open = ServiceDeadline(submittedAt: t0, days: 10, pausedSeconds: 3 * 86_400, pausedSince: nil)
        #expect(open.overdue(state: .accepted, now: t0.addingTimeInterval(14 * 86_400)))
        #expect(!open.overdue(state: .accepted, now: t0.addingTimeInterval(12 * 86_400)))
        #expect(!open.overdue(state: .completed, now: later))
    }

    @Test("Stable support: ten years from the classification date, then it ends; the yearly grant only for class A")
    func supportSchedule() {
        let start = Day("2020-03-01")!
        var inputs: [String: Value] = ["talent_category": .text("A"), "full_time_in_ordos": .bool(true)]
        let a = SupportSchedule.run(base: base, start: start, today: Day("2026-12-03")!, inputs: inputs)
        #expect(a.years.count == 11 && a.years.prefix(10).allSatisfy(\.eligible) && !a.years[10].eligible)
        #expect(a.years[6].state == .current && a.years[0].state == .past && a.years[9].from == Day("2029-03-01"))
        #expect(a.years[0].grantCeiling == Fixed(units: 10_000_000_00, scale: 2))
        inputs["talent_category"] = .text("B")
        #expect(SupportSchedule.run(base: base, start: start, today: Day("2026-12-03")!, inputs: inputs).years[0].grantCeiling == nil)
    }
}

extension Result {
    var isFailure: Bool { if case .failure = self { true } else { false } }
}
