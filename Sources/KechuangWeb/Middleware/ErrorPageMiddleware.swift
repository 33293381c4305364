import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Turns every error into the right status and either `{"error":{code,message,field}}` or the error page.
///
/// Domain errors carry their own status and message; Vapor's aborts (404, 413) keep theirs; anything
/// else is a bug: it is logged with full detail and the user sees a plain 500 page.
struct ErrorPageMiddleware: Middleware {
    /// Future-based so a successful request pays no extra hop; only errors go async to render the page.
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: req).flatMapError { error in
            req.eventLoop.makeFutureWithTask { await render(error, for: req) }
        }
    }

    struct Described {
        let status: HTTPResponseStatus
        let code: String
        let message: String
        let field: String?
        /// Seconds a refused client should wait (429 and 503), sent as Retry-After.
        var retryAfter: Int? = nil
    }

    static func describe(_ error: any Error, for req: Request) -> Described {
        let tr = req.services.translator
        switch error {
        case let e as DomainError:
            return Described(status: e.kind.status, code: e.code, message: tr.message(e, req.lang), field: e.field,
                             retryAfter: e.kind == .tooManyRequests ? Self.retryAfter(e) : nil)
        case let v as ValidationErrors:
            let e = v.first
            return Described(status: e.kind.status, code: e.code, message: tr.message(e, req.lang), field: e.field)
        case let a as any AbortError:
            let code: String
            switch a.status {
            case .notFound: code = "not_found"
            case .payloadTooLarge: code = "body.too_large"
            case .methodNotAllowed: code = "method_not_allowed"
            case .unsupportedMediaType: code = "body.unsupported_type"
            default: code = a.status.code < 500 ? "bad_request" : "internal"
            }
            let key = "err_" + code.replacingOccurrences(of: ".", with: "_")
            let message = tr.table(req.lang)[key] != nil ? tr.text(key, req.lang, ["what": ""]) : a.reason
            return Described(status: a.status.code >= 500 ? .internalServerError : a.status, code: code, message: message, field: nil)
        default:
            if let decoding = error as? DecodingError {
                return Described(status: .badRequest, code: "body.malformed_json", message: tr.text("err_body_malformed_json", req.lang), field: decoding.fieldName)
            }
            if DatabaseBusy.matches(error) {
                return Described(status: .serviceUnavailable, code: "service.busy", message: tr.text("err_service_busy", req.lang), field: nil, retryAfter: 1)
            }
            return Described(status: .internalServerError, code: "internal", message: tr.text("err_internal", req.lang), field: nil)
        }
    }

    /// Rate limits say seconds, the login throttle minutes; a 429 always carries a wait.
    static func retryAfter(_ e: DomainError) -> Int {
        if let s = e.arguments["seconds"].flatMap(Int.init) { return s }
        if let m = e.arguments["minutes"].flatMap(Int.init) { return m * 60 }
        return 60
    }

    func render(_ error: any Error, for req: Request) async -> Response {
        let d = Self.describe(error, for: req)
        if d.status == .internalServerError {
            req.logger.error("unhandled error", metadata: ["error": .string(String(reflecting: error)), "path": .string(req.url.path)])
        } else if d.status == .serviceUnavailable {
            req.logger.warning("database busy", metadata: ["error": .string(String(reflecting: error)), "path": .string(req.url.path)])
        }
        if req.isAPI || req.headers.accept.first?.mediaType == .json {
            var body = ["code": d.code, "message": d.message]
            if let f = d.field { body["field"] = f }
            let res = Response(status: d.status)
            try? res.content.encode(["error": body], as: .json)
            if d.status == .unauthorized { res.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer") }
            if let wait = d.retryAfter { res.headers.replaceOrAdd(name: .retryAfter, value: String(wait)) }
            return res
        }
        // A visitor who needs to sign in is sent to the login form, which returns them here afterwards.
        if d.status == .unauthorized, req.method == .GET {
            let expired = req.storage[SessionExpiredKey.self] == true
            let target = req.url.path + (req.url.query.map { "?" + $0 } ?? "")
            let url = "/login?next=" + (target.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "/") + (expired ? "&expired=1" : "")
            return req.redirect(to: url, redirectType: .normal)
        }
        do {
            let ctx = ErrorPageContent(status: Int(d.status.code), code: d.code, message: d.message)
            let res = try await req.page("error", titleKey: "error_title", content: ctx).encodeResponse(for: req)
            res.status = d.status
            if let wait = d.retryAfter { res.headers.replaceOrAdd(name: .retryAfter, value: String(wait)) }
            return res
        } catch {
            req.logger.error("error page failed", metadata: ["error": .string(String(reflecting: error))])
            return Response(status: d.status, body: .init(string: d.message))
        }
    }
}

struct ErrorPageContent: Encodable {
    let status: Int
    let code: String
    let message: String
}

extension DomainError.Kind {
    var status: HTTPResponseStatus {
        switch self {
        case .malformed: .badRequest
        case .invalidInput: .unprocessableEntity
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooManyRequests: .tooManyRequests
        case .payloadTooLarge: .payloadTooLarge
        }
    }
}

extension DecodingError {
    var fieldName: String? {
        switch self {
        case .keyNotFound(let k, _): k.stringValue
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): c.codingPath.last?.stringValue
        @unknown default: nil
        }
    }
}
