import FluentKit
import Foundation

/// One login attempt; failures drive throttling, kept in the database so all server processes see them.
public final class LoginAttemptRecord: Model, @unchecked Sendable {
    public static let schema = "login_attempts"

    @ID(key: .id) public var id: UUID?
    @Field(key: "username") public var username: String
    @Field(key: "address") public var address: String
    @Field(key: "succeeded") public var succeeded: Bool
    @Field(key: "at") public var at: Date

    public init() {}

    public init(username: String, address: String, succeeded: Bool, at: Date) {
        self.username = username
        self.address = address
        self.succeeded = succeeded
        self.at = at
    }
}
