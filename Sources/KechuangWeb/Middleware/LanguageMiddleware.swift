import Vapor

/// Picks the UI language: the `lang` cookie set by the language switch, else Chinese.
struct LanguageMiddleware: Middleware {
    static let cookie = "kechuang_lang"

    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        if let raw = req.cookies[Self.cookie]?.string, let lang = Translator.Lang(rawValue: raw) {
            req.lang = lang
        } else if req.isAPI, let accept = req.headers.first(name: .acceptLanguage), accept.lowercased().hasPrefix("en") {
            req.lang = .en
        }
        return next.respond(to: req)
    }
}
