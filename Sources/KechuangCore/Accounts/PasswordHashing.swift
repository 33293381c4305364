import Foundation

/// Hashes and verifies passwords. The web layer supplies Bcrypt; Core and Store only see this protocol.
public protocol PasswordHashing: Sendable {
    func hash(_ password: String) throws -> String
    func verify(_ password: String, against hash: String) throws -> Bool
}

/// The person or process behind a change, as the audit log records it.
public struct Actor: Sendable, Equatable {
    public let userID: UUID?
    public let name: String
    /// Client address, or "cli" / "system" for commands and start-up work.
    public let address: String

    public init(userID: UUID?, name: String, address: String) {
        self.userID = userID
        self.name = name
        self.address = address
    }

    public static let system = Actor(userID: nil, name: "system", address: "system")
    public static func cli(_ name: String = "cli") -> Actor { Actor(userID: nil, name: name, address: "cli") }
}
