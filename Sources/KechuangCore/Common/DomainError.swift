import Foundation

/// A failure the user can act on: a stable code, a translatable message and, for input errors, the field.
///
/// Core and Store throw these; the web layer maps `kind` to an HTTP status and renders the message
/// in the user's language. Anything else that escapes a handler is a bug and becomes a 500.
public struct DomainError: Error, Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// `malformed`: the body cannot be read at all (400); `invalidInput`: it can, but a field is wrong (422).
        case malformed, invalidInput, unauthenticated, forbidden, notFound, conflict, tooManyRequests, payloadTooLarge
    }

    public let kind: Kind
    /// Stable machine-readable code, e.g. `field.required`.
    public let code: String
    /// Translation key of the message; `arguments` fill its `{name}` placeholders.
    public let messageKey: String
    public let arguments: [String: String]
    /// The input field the error is about, if any (form field name or JSON key).
    public let field: String?

    public init(_ kind: Kind, code: String, messageKey: String? = nil, arguments: [String: String] = [:], field: String? = nil) {
        self.kind = kind
        self.code = code
        self.messageKey = messageKey ?? "err.\(code)"
        self.arguments = arguments
        self.field = field
    }

    public static func invalid(_ field: String, _ code: String, _ arguments: [String: String] = [:]) -> DomainError {
        DomainError(.invalidInput, code: code, arguments: arguments, field: field)
    }

    public static func notFound(_ what: String) -> DomainError {
        DomainError(.notFound, code: "not_found", arguments: ["what": what])
    }

    public static let forbidden = DomainError(.forbidden, code: "forbidden")
    public static let unauthenticated = DomainError(.unauthenticated, code: "unauthenticated")
}

/// Several input errors at once, so a form can mark every bad field in one round trip.
public struct ValidationErrors: Error, Sendable {
    public let errors: [DomainError]
    public init(_ errors: [DomainError]) { self.errors = errors }
    public var first: DomainError { errors[0] }
}
