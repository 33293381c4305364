import KechuangCore
import Vapor

/// A form's previous input and its field errors, translated, for re-showing the form after a mistake.
struct FormState: Encodable {
    var values: [String: String]
    var errors: [String: String]
    /// An error not tied to one field (e.g. wrong password).
    var general: String?

    static let empty = FormState(values: [:], errors: [:], general: nil)

    /// Passwords are never echoed back into a page.
    init(values: [String: String], errors: [String: String] = [:], general: String? = nil) {
        self.values = values.filter { !$0.key.lowercased().contains("password") && $0.key != "_csrf" }
        self.errors = errors
        self.general = general
    }

    init(_ error: any Error, values: [String: String], req: Request) throws {
        let tr = req.services.translator
        var errors: [String: String] = [:]
        var general: String?
        let list: [DomainError]
        switch error {
        case let v as ValidationErrors: list = v.errors
        case let d as DomainError: list = [d]
        default: throw error
        }
        for e in list {
            if let f = e.field, errors[f] == nil { errors[f] = tr.message(e, req.lang) } else if e.field == nil { general = tr.message(e, req.lang) }
        }
        self.init(values: values, errors: errors, general: general)
    }

    var hasErrors: Bool { !errors.isEmpty || general != nil }
}

extension Response {
    /// Re-shown forms answer 422 so scripts and tests see the failure; browsers render the body anyway.
    static func rerender(_ view: View, for req: Request, status: HTTPResponseStatus = .unprocessableEntity) async throws -> Response {
        let res = try await view.encodeResponse(for: req)
        res.status = status
        return res
    }
}
