import Foundation
import KechuangCore
import Testing

@Suite("Account rules")
struct AccountRulesTests {
    @Test("A complete enterprise registration is accepted and normalised")
    func validRegistration() throws {
        let code = CreditCode.complete("91150602MA0123456")!
        let r = try Registration.validate(RegistrationForm(username: "acme", password: "Secret123", passwordConfirm: "Secret123",
                                                           displayName: " 艾克米 ", role: "enterprise", organizationName: "艾克米科技有限公司",
                                                           creditCode: code.lowercased(), banner: "东胜区"))
        #expect(r.displayName == "艾克米")
        #expect(r.organization?.creditCode == code)
        #expect(r.organization?.banner == .dongsheng)
    }

    @Test("Every problem of a registration is reported at once, each naming its field")
    func allErrorsTogether() {
        do {
            _ = try Registration.validate(RegistrationForm(username: "A", password: "abc", passwordConfirm: "abd", displayName: "",
                                                           role: "enterprise", organizationName: "", creditCode: "91150602MA0123456X", banner: "nowhere"))
            Issue.record("expected errors")
        } catch {
            let fields = Set(error.errors.compactMap(\.field))
            #expect(fields == ["username", "password", "displayName", "organizationName", "creditCode", "banner"])
        }
    }

    @Test("Staff roles cannot be taken by registering", arguments: ["admin", "reviewer", "broker", "root"])
    func noStaffRole(role: String) {
        #expect(throws: ValidationErrors.self) {
            try Registration.validate(RegistrationForm(username: "x1x", password: "Secret123", passwordConfirm: "Secret123", displayName: "x", role: role))
        }
    }

    @Test("Talent registers without an organisation")
    func talent() throws {
        let r = try Registration.validate(RegistrationForm(username: "wang", password: "Secret123", passwordConfirm: "Secret123", displayName: "王", role: "talent"))
        #expect(r.organization == nil)
    }

    @Test("Passwords need 8 characters, a letter and a digit", arguments: [("short1", false), ("allletters", false), ("12345678", false), ("Secret123", true)])
    func passwords(pw: String, ok: Bool) {
        var v = Validator()
        #expect((CredentialRules.checkPassword(pw, into: &v) != nil) == ok)
    }

    @Test("Unified social credit codes are checked by their check character")
    func creditCodes() {
        let good = CreditCode.complete("91150602MA0123456")!
        #expect(good.count == 18)
        #expect(CreditCode.isValid(good))
        #expect(CreditCode.isValid("91350100M000100Y43"))
        var chars = Array(good)
        chars[10] = chars[10] == "1" ? "2" : "1"
        #expect(!CreditCode.isValid(String(chars)))
        #expect(!CreditCode.isValid("9115060"))
        #expect(!CreditCode.isValid("91150602MA012345IO"))
    }

    @Test("Throttling starts at the fifth failure in the window and lifts when the oldest leaves it")
    func throttle() {
        let t = LoginThrottle(maxFailures: 5, window: 900)
        let now = Date(timeIntervalSince1970: 1_000_000)
        let four = (1...4).map { now.addingTimeInterval(-Double($0) * 60) }
        #expect(t.waitMinutes(recentFailures: four, now: now) == nil)
        let five = four + [now.addingTimeInterval(-600)]
        #expect(t.waitMinutes(recentFailures: five, now: now) == 5)
        let old = four + [now.addingTimeInterval(-1000)]
        #expect(t.waitMinutes(recentFailures: old, now: now) == nil)
    }
}

@Suite("Money, paging and time")
struct CommonTests {
    @Test("Yuan strings parse to exact fen; more than two decimals are refused", arguments: [
        ("1234.5", Int64(123450)), ("1,234.56", 123456), ("-3.10", -310), ("0.01", 1), ("300000", 30_000_000),
    ])
    func parse(text: String, fen: Int64) {
        #expect(Money(yuanString: text)?.fen == fen)
    }

    @Test("Malformed amounts are refused", arguments: ["1.234", "abc", "", "1.", ".5", "1e5", "--1"])
    func refuse(text: String) {
        #expect(Money(yuanString: text) == nil)
    }

    @Test("Amounts display with grouping and two decimals")
    func display() {
        #expect(Money(fen: 123456789).display == "¥1,234,567.89")
        #expect(Money(fen: -5).plainYuan == "-0.05")
    }

    @Test("Page requests are bounded")
    func paging() {
        let p = PageQuery(page: 0, per: 10_000)
        #expect(p.page == 1 && p.per == PageQuery.maxPer)
        let r = PagedList(items: [1, 2], request: PageQuery(page: 2, per: 2), total: 5)
        #expect(r.pageCount == 3 && r.hasPrevious && r.hasNext)
    }

    @Test("Times show in Beijing time")
    func beijing() {
        #expect(ChinaTime.display(Date(timeIntervalSince1970: 0)) == "1970-01-01 08:00")
    }
}
