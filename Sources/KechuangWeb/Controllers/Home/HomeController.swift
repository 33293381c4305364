import Fluent
import KechuangCore
import KechuangStore
import Vapor

/// The front page: what the platform offers, with live counts.
struct HomeController {
    struct Content: Encodable {
        let enterprises: Int
        let institutions: Int
        let departments: Int
        let articles: Int
        let targets: Int
        let users: Int
        let policyTitle: String?
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "", access: .everyone, use: index)
        r.on(.GET, "lang", ":code", access: .everyone, use: switchLanguage)
    }

    /// Counts shown on the home page; a plain function so tests can call it without HTTP.
    static func counts(db: any Database, documentID: String) async throws -> Content {
        let orgs = OrganizationStore(db: db)
        let policy = try await PolicyTextStore(db: db).document(documentID)
        return Content(
            enterprises: try await orgs.count(kind: .enterprise),
            institutions: try await orgs.count(kind: .institution),
            departments: try await orgs.count(kind: .department),
            articles: try await PolicyArticleRecord.query(on: db).filter(\.$documentID == documentID).count(),
            targets: try await IndicatorTargetRecord.query(on: db).count(),
            users: try await UserRecord.query(on: db).count(),
            policyTitle: policy?.title)
    }

    @Sendable func index(req: Request) async throws -> View {
        try await req.page("home/index", titleKey: "home_title", content: Self.counts(db: req.db, documentID: req.services.policyDocumentID))
    }

    /// Sets the language cookie and returns to the page the user was on (same-site paths only).
    @Sendable func switchLanguage(req: Request) async throws -> Response {
        guard let code = req.parameters.get("code"), let lang = Translator.Lang(rawValue: code) else {
            throw DomainError.invalid("code", "field.not_allowed", ["value": req.parameters.get("code") ?? ""])
        }
        let back = (try? req.query.get(String.self, at: "next")) ?? "/"
        let safe = back.hasPrefix("/") && !back.hasPrefix("//") ? back : "/"
        let res = req.redirect(to: safe, redirectType: .normal)
        res.cookies[LanguageMiddleware.cookie] = HTTPCookies.Value(string: lang.rawValue, maxAge: 365 * 24 * 3600, path: "/",
                                                                    isSecure: req.services.config.secureCookies, isHTTPOnly: true, sameSite: .lax)
        return res
    }
}
