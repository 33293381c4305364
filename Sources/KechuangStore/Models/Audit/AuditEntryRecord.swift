import FluentKit
import Foundation

/// One line of the append-only audit log. Database triggers reject UPDATE and DELETE on this table.
public final class AuditEntryRecord: Model, @unchecked Sendable {
    public static let schema = "audit_entries"

    @ID(key: .id) public var id: UUID?
    @Field(key: "at") public var at: Date
    @OptionalField(key: "actor_id") public var actorID: UUID?
    /// The username at the time, so the entry stays readable if the user is renamed.
    @Field(key: "actor_name") public var actorName: String
    @Field(key: "action") public var action: String
    @Field(key: "entity_type") public var entityType: String
    @Field(key: "entity_id") public var entityID: String
    @OptionalField(key: "before_json") public var beforeJSON: String?
    @OptionalField(key: "after_json") public var afterJSON: String?
    @Field(key: "address") public var address: String

    public init() {}

    public init(at: Date, actorID: UUID?, actorName: String, action: String, entityType: String, entityID: String,
                beforeJSON: String?, afterJSON: String?, address: String) {
        self.at = at
        self.actorID = actorID
        self.actorName = actorName
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.beforeJSON = beforeJSON
        self.afterJSON = afterJSON
        self.address = address
    }
}
