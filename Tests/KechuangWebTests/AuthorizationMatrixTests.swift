import Foundation
import KechuangCore
@testable import KechuangWeb
import Testing
import VaporTesting

/// Every route × every role: allowed or denied as this table says. A route missing from the table, or
/// registered without an access rule, fails the test, so no route can be added without deciding who may call it.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    static let table: [String: String] = [
        "GET /": "everyone",
        // projects (#12)
        "GET /projects": "everyone",
        "GET /projects/calls/new": "admin|reviewer",
        "POST /projects/calls": "admin|reviewer",
        "GET /projects/calls/:id": "everyone",
        "POST /projects/calls/:id/review": "admin|reviewer",
        "GET /projects/calls/:id/ranking": "admin|reviewer",
        "POST /projects/calls/:id/publicity": "admin|reviewer",
        "POST /projects/calls/:id/award": "admin|reviewer",
        "GET /projects/publicity": "everyone",
        "POST /projects/calls/:id/objections": "signed-in",
        "POST /projects/objections/:id/answer": "admin|reviewer",
        "GET /projects/mine": "signed-in",
        "GET /projects/calls/:id/apply": "enterprise|institution",
        "POST /projects/calls/:id/applications": "enterprise|institution",
        "GET /projects/applications/:id": "admin|enterprise|institution|reviewer",
        "POST /projects/applications/:id": "enterprise|institution",
        "POST /projects/applications/:id/submit": "enterprise|institution",
        "POST /projects/applications/:id/act": "admin|enterprise|institution|reviewer",
        "POST /api/v1/projects/applications/:id/check": "admin|enterprise|institution|reviewer",
        "GET /projects/reviews": "signed-in",
        "POST /projects/reviews/conflicts": "signed-in",
        "GET /projects/reviews/:id": "signed-in",
        "POST /projects/reviews/:id": "signed-in",
        "GET /projects/experts": "admin|reviewer",
        "POST /projects/experts": "admin|reviewer",
        "GET /projects/list": "signed-in",
        "GET /api/v1/projects": "signed-in",
        "GET /projects/:id": "signed-in",
        "POST /projects/:id/act": "signed-in",
        "POST /projects/:id/milestones/:milestone": "admin|reviewer",
        "POST /projects/:id/disbursements": "admin|reviewer",
        "POST /projects/:id/expenses": "signed-in",
        "POST /api/v1/projects/:id/expenses": "signed-in",
        "POST /projects/:id/expenses/:expense/resolve": "admin|reviewer",
        "GET /integrity": "admin|reviewer",
        "POST /integrity": "admin|reviewer",
        "GET /integrity/me": "signed-in",
        "GET /api/v1/integrity/me": "signed-in",
        "POST /integrity/:id/close": "admin|reviewer",
        "GET /integrity/:id/evidence": "admin|reviewer",
        // talent (#11)
        "GET /talent/me": "talent",
        "POST /talent/me": "talent",
        "POST /talent/me/evidence": "talent",
        "GET /talent/evidence/:id": "admin|reviewer|talent",
        "GET /talent/me/access-log": "talent",
        "GET /talent/me/classification": "talent",
        "POST /talent/me/classification": "talent",
        "GET /api/v1/talent/me/classification": "talent",
        "GET /admin/talent/classifications": "admin|reviewer",
        "POST /admin/talent/classifications/:id/decide": "admin|reviewer",
        "POST /admin/talent/:id/withdraw": "admin|reviewer",
        "GET /talent/me/code": "talent",
        "POST /talent/me/code": "talent",
        "GET /talent/me/code.png": "talent",
        "GET /talent/me/code.svg": "talent",
        "POST /api/v1/talent/me/code": "talent",
        "GET /talent/verify": "everyone",
        "GET /api/v1/talent/keys": "everyone",
        "POST /api/v1/talent/verify": "everyone",
        "POST /admin/talent/:id/code/revoke": "admin|reviewer",
        "POST /admin/talent/keys/rotate": "admin",
        "GET /talent/me/match": "talent",
        "GET /api/v1/talent/me/match": "talent",
        "GET /talent/me/requests": "talent",
        "POST /talent/me/requests": "talent",
        "GET /api/v1/talent/me/requests": "talent",
        "GET /talent/requests/:id": "admin|reviewer|talent",
        "POST /talent/requests/:id/documents": "talent",
        "GET /talent/requests/:id/files/:file": "admin|reviewer|talent",
        "POST /talent/requests/:id/act": "admin|reviewer|talent",
        "GET /services/requests": "admin|reviewer",
        "GET /admin/talent": "admin|reviewer",
        "GET /admin/talent/:id": "admin|reviewer",
        "GET /lang/:code": "everyone",
        "GET /login": "everyone",
        "POST /login": "everyone",
        "POST /logout": "signed-in",
        "GET /register": "everyone",
        "POST /register": "everyone",
        "GET /account": "signed-in",
        "GET /account/password": "signed-in",
        "POST /account/password": "signed-in",
        "GET /account/tokens": "signed-in",
        "POST /account/tokens": "signed-in",
        "POST /account/tokens/:id/revoke": "signed-in",
        "GET /admin/users": "admin",
        "GET /admin/users/new": "admin",
        "POST /admin/users": "admin",
        "POST /admin/users/:username/role": "admin",
        "GET /admin/audit": "admin",
        "GET /organizations": "everyone",
        "GET /organizations/:id": "everyone",
        "GET /policy": "everyone",
        "GET /policy/articles/:number": "everyone",
        "POST /api/v1/tokens": "everyone",
        "GET /api/v1/tokens": "signed-in",
        "DELETE /api/v1/tokens/:id": "signed-in",
        "GET /api/v1/me": "signed-in",
        "GET /api/v1/policy/articles": "everyone",
        "GET /api/v1/policy/articles/:number": "everyone",
        "GET /api/v1/policy/targets": "everyone",
        "GET /api/v1/organizations": "everyone",
        "GET /healthz": "everyone",
        "GET /metrics": "everyone",
        "GET /api/openapi.json": "everyone",
        "GET /policy/rules": "everyone",
        "GET /policy/rules/:id": "everyone",
        "GET /policy/match": "everyone",
        "POST /api/v1/policy/match": "everyone",
        "GET /ladder": "everyone",
        "POST /api/v1/ladder": "everyone",
        "GET /api/v1/policy/rules": "everyone",
        "GET /admin/policy": "admin",
        "POST /admin/policy/reload": "admin",
        "GET /organizations/:id/data": "signed-in",
        "POST /organizations/:id/data": "signed-in",
        "POST /organizations/:id/data/import": "signed-in",
        "GET /organizations/:id/match": "signed-in",
        "GET /organizations/:id/ladder": "signed-in",
        "GET /organizations/:id/recognitions": "signed-in",
        "POST /organizations/:id/recognitions": "admin|reviewer",
        "POST /recognitions/:id/revoke": "admin|reviewer",
        "GET /recognitions/:id/evidence": "signed-in",
        "GET /admin/recognitions": "admin|reviewer",
        "GET /platforms": "everyone",
        "GET /platforms/new": "admin|reviewer",
        "POST /platforms": "admin|reviewer",
        "GET /platforms/:id": "everyone",
        "POST /platforms/:id/reports": "signed-in",
        "POST /platforms/:id/revoke": "admin|reviewer",
        "POST /platforms/reports/import": "admin|reviewer",
        "GET /admin/platforms/awards": "admin|reviewer",
        "GET /api/v1/platforms": "everyone",
        "GET /entities/points": "admin|reviewer",
        "GET /organizations/:id/points": "signed-in",
        "GET /entities/tracking": "admin|reviewer",
        "GET /admin/ladder/runs": "admin|reviewer",
        "POST /admin/ladder/runs": "admin|reviewer",
        "GET /admin/ladder/runs/:id": "admin|reviewer",
        "GET /admin/ladder/runs/:id/files/:name": "admin|reviewer",
        "POST /organizations/:id/applications": "admin|enterprise|institution",
        "GET /review/applications": "admin|reviewer",
        "GET /review/applications/:id": "admin|reviewer",
        "POST /review/applications/:id/decision": "admin|reviewer",
        "GET /admin/policy/runs": "admin",
        "POST /admin/policy/runs": "admin",
        "GET /admin/policy/runs/:id": "admin",
        "GET /admin/policy/runs/:id/files/:name": "admin",
        "GET /api/v1/jobs/:id": "admin",
        "GET /api/v1/jobs/:id/files/:name": "admin",
        "POST /api/v1/policy/runs": "admin",
        "GET /admin/policy/whatif": "admin|reviewer",
        "GET /monitoring": "everyone",
        "GET /monitoring/indicators/:key": "everyone",
        "POST /monitoring/indicators/:key/values": "admin|reviewer",
        "GET /api/v1/monitoring/indicators": "everyone",
        "GET /tracking": "admin|reviewer",
        "GET /monitoring/banners": "everyone",
        "POST /monitoring/import": "admin|reviewer",
        "POST /api/v1/instruments/:id/bookings": "signed-in",
        "GET /api/v1/instruments": "everyone",
        "GET /market": "everyone",
        "GET /market/achievements": "everyone",
        "GET /market/demands": "everyone",
        "GET /market/achievements/new": "signed-in",
        "POST /market/achievements": "signed-in",
        "GET /market/achievements/:id": "everyone",
        "GET /market/achievements/:id/edit": "signed-in",
        "POST /market/achievements/:id/edit": "signed-in",
        "POST /market/achievements/:id/status": "signed-in",
        "GET /market/demands/new": "signed-in",
        "POST /market/demands": "signed-in",
        "GET /market/demands/:id": "everyone",
        "GET /market/demands/:id/edit": "signed-in",
        "POST /market/demands/:id/edit": "signed-in",
        "POST /market/demands/:id/status": "signed-in",
        "GET /market/review": "admin|reviewer",
        "POST /market/matches": "signed-in",
        "POST /market/matches/:id/decide": "signed-in",
        "GET /market/mine": "signed-in",
        "GET /market/challenges": "everyone",
        "GET /market/challenges/new": "admin|reviewer",
        "POST /market/challenges": "admin|reviewer",
        "GET /market/challenges/:id": "everyone",
        "POST /market/challenges/:id/bids": "signed-in",
        "POST /market/bids/:id/scores": "signed-in",
        "POST /market/challenges/:id/award": "admin|reviewer",
        "POST /market/challenges/:id/milestones": "admin|reviewer",
        "GET /market/contracts": "signed-in",
        "GET /market/contracts/new": "signed-in",
        "POST /market/contracts": "signed-in",
        "GET /market/contracts/:id": "signed-in",
        "POST /api/v1/market/contracts": "signed-in",
        "GET /market/brokers": "everyone",
        "GET /market/brokers/profile": "broker",
        "POST /market/brokers/profile": "broker",
        "GET /market/brokers/:id": "everyone",
        "GET /market/points": "signed-in",
        "GET /market/points/leaderboard": "everyone",
        "POST /market/points/:id/reverse": "admin|reviewer",
        "GET /api/v1/market/achievements": "everyone",
        "GET /api/v1/market/demands": "everyone",
        "GET /api/v1/market/demands/:id/matches": "signed-in",
        "GET /api/v1/market/achievements/:id/matches": "signed-in",
        "GET /api/v1/instruments/:id/availability": "everyone",
        "POST /api/v1/bookings/:id/cancel": "signed-in",
        "GET /instruments": "everyone",
        "GET /instruments/:id": "everyone",
        "GET /instruments/new": "signed-in",
        "POST /instruments": "signed-in",
        "GET /instruments/:id/edit": "signed-in",
        "POST /instruments/:id/edit": "signed-in",
        "POST /instruments/import": "signed-in",
        "POST /instruments/:id/book": "signed-in",
        "POST /instruments/:id/waitlist": "signed-in",
        "GET /bookings": "signed-in",
        "POST /bookings/:id/cancel": "signed-in",
        "POST /bookings/:id/reschedule": "signed-in",
        "POST /waitlist/:id/accept": "signed-in",
        "POST /waitlist/:id/withdraw": "signed-in",
        "POST /usage/:id/rate": "signed-in",
        "POST /bookings/calendar": "signed-in",
        "GET /instruments/:id/manage": "signed-in",
        "POST /bookings/:id/approve": "signed-in",
        "POST /bookings/:id/reject": "signed-in",
        "POST /instruments/:id/usage": "signed-in",
        "GET /instruments/:id/usage": "signed-in",
        "POST /instruments/:id/trainings": "signed-in",
        "GET /instruments/statements": "signed-in",
        "GET /instruments/statements/:id": "signed-in",
        "GET /instruments/:id/calendar.ics": "everyone",
        "GET /calendar/:key": "everyone",
        "GET /admin/instruments/compliance": "admin|reviewer",
        "GET /purchase-reviews": "signed-in",
        "GET /purchase-reviews/new": "signed-in",
        "POST /purchase-reviews": "signed-in",
        "GET /purchase-reviews/:id": "signed-in",
        "POST /purchase-reviews/:id/decide": "admin|reviewer",
        "GET /instruments/evaluation": "everyone",
        "GET /instruments/evaluation.xlsx": "admin|reviewer",
        "GET /api/v1/monitoring/banners": "everyone",
        "GET /dashboard": "admin|reviewer",
        "POST /dashboard/issued": "admin",
        "GET /tracking/mine": "admin|reviewer",
        "GET /tracking/report": "admin|reviewer",
        "GET /tracking/export.xlsx": "admin|reviewer",
        "GET /tracking/articles/:number": "admin|reviewer",
        "POST /tracking/articles/:number/reports": "admin|reviewer",
        "GET /tracking/attachments/:id": "admin|reviewer",
    ]

    static func key(_ route: Route) -> String {
        "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
    }

    static func concretePath(_ route: Route) -> String {
        "/" + route.path.map { c -> String in
            switch c.description {
            case ":id": UUID().uuidString
            case ":number": "7"
            case ":code": "en"
            case ":name": "results.csv"
            case ":key": "rd_intensity"
            default: c.description
            }
        }.joined(separator: "/")
    }

    /// Routes open to staff by role that also need membership of the talent office (市委组织部): another department's
    /// reviewer passes the role check and is then refused (403). `TalentAccessTests` proves both sides.
    static let talentOfficeOnly: Set<String> = [
        "GET /admin/talent", "GET /admin/talent/:id", "GET /admin/talent/classifications", "POST /admin/talent/classifications/:id/decide",
        "POST /admin/talent/:id/withdraw", "POST /admin/talent/:id/code/revoke",
    ]

    @Test("Every route has an access rule, and the rule is the one this table expects")
    func everyRouteHasARule() async throws {
        try await withPlatform { app in
            var seen = Set<String>()
            for route in app.routes.all {
                let k = Self.key(route)
                seen.insert(k)
                let access = try #require(route.userInfo[Access.userInfoKey] as? Access, "\(k) was registered without an access rule")
                #expect(Self.table[k] == access.description, "\(k): table says \(Self.table[k] ?? "nothing"), route says \(access)")
            }
            #expect(Set(Self.table.keys) == seen, "table and routes differ: \(Set(Self.table.keys).symmetricDifference(seen))")
        }
    }

    @Test("Each role is allowed exactly where its rule allows, and denied everywhere else")
    func walkRoutesByRole() async throws {
        try await withPlatform { app in
            var tokens: [Role: String] = [:]
            for role in Role.allCases { tokens[role] = try await apiToken(app, role.rawValue) }
            // A visitor has a session and its CSRF token, as a browser would, so what is tested here is access, not CSRF.
            let visitor = Browser(app)
            try await visitor.get("/login")
            let identities: [Role?] = [nil] + Role.allCases.map { Optional($0) }
            for route in app.routes.all {
                let access = try #require(route.userInfo[Access.userInfoKey] as? Access)
                for identity in identities {
                    var headers = HTTPHeaders()
                    if let identity {
                        headers.bearerAuthorization = BearerAuthorization(token: tokens[identity]!)
                    } else {
                        headers.replaceOrAdd(name: .cookie, value: visitor.cookie!)
                        headers.replaceOrAdd(name: "X-CSRF-Token", value: visitor.csrf!)
                    }
                    let path = Self.concretePath(route)
                    let res = try await app.testing().sendRequest(route.method, path, headers: headers)
                    let who = identity?.rawValue ?? "visitor"
                    let allowed = access.allows(identity.map { role in
                        CurrentUser(UserStub.record(role), via: .token)
                    })
                    if allowed && identity == .reviewer && Self.talentOfficeOnly.contains(Self.key(route)) {
                        #expect(res.status == .forbidden, "a reviewer outside the talent office reached \(Self.key(route)): \(res.status)")
                    } else if allowed {
                        #expect(![.unauthorized, .forbidden].contains(res.status), "\(who) should reach \(Self.key(route)) but got \(res.status)")
                    } else if identity == nil {
                        let redirectedToLogin = res.status == .seeOther && (res.headers.first(name: .location) ?? "").hasPrefix("/login")
                        #expect(res.status == .unauthorized || redirectedToLogin, "visitor reached \(Self.key(route)): \(res.status)")
                    } else {
                        #expect(res.status == .forbidden, "\(who) reached \(Self.key(route)): \(res.status)")
                    }
                    #expect(res.status.code < 500, "\(who) \(Self.key(route)) gave \(res.status)")
                }
            }
        }
    }
}

import KechuangStore

/// A user record of a given role, only for asking an `Access` rule.
enum UserStub {
    static func record(_ role: Role) -> UserRecord {
        UserRecord(id: UUID(), username: role.rawValue, displayName: role.rawValue, passwordHash: "", role: role)
    }
}
