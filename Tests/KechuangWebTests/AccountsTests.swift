import Fluent
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("Accounts: registration, login, logout, password, CSRF, throttling")
struct AccountsTests {
    @Test("An enterprise registers: user, organisation and membership are stored and audited, and it is signed in")
    func registerEnterprise() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.get("/register")
            let code = CreditCode.complete("91150627MA0999999")!
            let res = try await b.post("/register", ["username": "newco", "password": "Secret123", "passwordConfirm": "Secret123",
                                                     "displayName": "新公司", "role": "enterprise", "organizationName": "伊金霍洛旗测试科技有限公司",
                                                     "creditCode": code, "banner": "150627", "institutionType": ""])
            #expect(res.status == .seeOther)
            #expect(res.headers.first(name: .location) == "/account")
            let account = try await b.get("/account")
            #expect(account.body.string.contains("伊金霍洛旗测试科技有限公司"))
            let user = try #require(try await UserRecord.query(on: app.db).filter(\.$username == "newco").first())
            #expect(user.role == .enterprise)
            #expect(user.passwordHash.hasPrefix("$2"))
            let orgs = try await AccountStore(db: app.db, hasher: app.services.hasher).organizations(of: user.id!)
            #expect(orgs.map(\.creditCode) == [code])
            #expect(try await auditCount(app, action: "user.register") == 1)
            #expect(try await auditCount(app, action: "organization.create") == 1)
        }
    }

    @Test("A bad registration re-shows the form with every error and the input, and stores nothing")
    func registerInvalid() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.get("/register")
            let before = try await UserRecord.query(on: app.db).count()
            let res = try await b.post("/register", ["username": "Bad Name", "password": "short", "passwordConfirm": "x",
                                                     "displayName": "<script>alert(1)</script>", "role": "enterprise",
                                                     "organizationName": "' OR 1=1 --", "creditCode": "123", "banner": "999999"])
            #expect(res.status == .unprocessableEntity)
            let html = res.body.string
            #expect(html.contains("只能使用小写字母"))
            #expect(html.contains("统一社会信用代码格式或校验位不正确"))
            #expect(html.contains("未知旗区"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!html.contains("<script>alert(1)</script>"))
            #expect(try await UserRecord.query(on: app.db).count() == before)
        }
    }

    @Test("Registration cannot take a staff role")
    func registerStaffRoleRefused() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.get("/register")
            let res = try await b.post("/register", ["username": "sneaky", "password": "Secret123", "passwordConfirm": "Secret123",
                                                     "displayName": "x", "role": "admin"])
            #expect(res.status == .unprocessableEntity)
            #expect(try await UserRecord.query(on: app.db).filter(\.$username == "sneaky").count() == 0)
        }
    }

    @Test("Login with the right password starts a session; logout ends it")
    func loginLogout() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.signIn("admin")
            let before = b.cookie
            #expect(try await b.get("/admin/users").status == .ok)
            let out = try await b.post("/logout", [:])
            #expect(out.status == .seeOther)
            b.cookie = before
            let after = try await b.get("/admin/users")
            #expect(after.status == .seeOther)
            #expect(after.headers.first(name: .location)?.hasPrefix("/login?next=") == true)
            #expect(try await auditCount(app, action: "login.success") == 1)
            #expect(try await auditCount(app, action: "logout") == 1)
        }
    }

    @Test("A wrong password and an unknown user get the same answer and are audited")
    func wrongPassword() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.get("/login")
            let wrong = try await b.post("/login", ["username": "admin", "password": "nope12345"])
            let unknown = try await b.post("/login", ["username": "ghost", "password": "nope12345"])
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.body.string.contains("用户名或密码不正确"))
            #expect(unknown.body.string.contains("用户名或密码不正确"))
            #expect(try await auditCount(app, action: "login.failure") == 2)
        }
    }

    @Test("After five failures the sixth attempt is refused, even with the right password")
    func throttling() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.get("/login")
            for _ in 0..<5 { try await b.post("/login", ["username": "reviewer", "password": "wrong-pass1"]) }
            let res = try await b.post("/login", ["username": "reviewer", "password": demoPassword])
            #expect(res.status == .tooManyRequests)
            #expect(res.body.string.contains("分钟后再试"))
            #expect(try await auditCount(app, action: "login.throttled") == 1)
        }
    }

    @Test("A form posted without the session's CSRF token is refused and changes nothing")
    func csrfRejected() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.signIn("admin")
            let res = try await b.post("/admin/users", ["username": "csrfuser", "password": "Secret123", "role": "reviewer"], csrf: false)
            #expect(res.status == .forbidden)
            b.csrf = "forged"
            let forged = try await b.post("/admin/users", ["username": "csrfuser", "password": "Secret123", "role": "reviewer"])
            #expect(forged.status == .forbidden)
            #expect(try await UserRecord.query(on: app.db).filter(\.$username == "csrfuser").count() == 0)
        }
    }

    @Test("Changing the password needs the current one; the new one then works")
    func changePassword() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.signIn("talent")
            try await b.get("/account/password")
            let bad = try await b.post("/account/password", ["currentPassword": "wrong", "newPassword": "Newpass123", "newPasswordConfirm": "Newpass123"])
            #expect(bad.status == .unprocessableEntity)
            let ok = try await b.post("/account/password", ["currentPassword": demoPassword, "newPassword": "Newpass123", "newPasswordConfirm": "Newpass123"])
            #expect(ok.status == .seeOther)
            let fresh = Browser(app)
            try await fresh.signIn("talent", "Newpass123")
            #expect(try await auditCount(app, action: "user.password_change") == 1)
        }
    }

    @Test("An admin creates a staff account in the UI; it is audited without its password hash")
    func adminCreatesStaff() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.signIn("admin")
            try await b.get("/admin/users/new")
            let res = try await b.post("/admin/users", ["username": "zhang.san", "password": "Staff2026x", "displayName": "张三",
                                                        "role": "reviewer", "organizationName": "市财政局"])
            #expect(res.status == .seeOther)
            let entry = try #require(try await AuditEntryRecord.query(on: app.db).filter(\.$action == "user.create").sort(\.$at, .descending).first())
            #expect(entry.afterJSON?.contains("zhang.san") == true)
            #expect(entry.afterJSON?.contains("$2") == false)
            #expect(entry.actorName == "admin")
        }
    }

    @Test("A session idle for longer than the limit is over and the user is asked to sign in again")
    func expiredSession() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.signIn("admin")
            // Age the session in the database as eight hours and a minute of idleness would.
            let records = try await SessionRecord.query(on: app.db).all()
            for r in records where r.data[CurrentUserMiddleware.sessionUserKey] != nil {
                r.data[CurrentUserMiddleware.sessionSeenKey] = String(Int(Date().timeIntervalSince1970 - CurrentUserMiddleware.idleTimeout - 60))
                try await r.update(on: app.db)
            }
            let res = try await b.get("/account")
            #expect(res.status == .seeOther)
            #expect(res.headers.first(name: .location)?.contains("expired=1") == true)
            #expect(try await auditCount(app, action: "session.expired") == 1)
        }
    }
}
