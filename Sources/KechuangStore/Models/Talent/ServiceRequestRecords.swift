import FluentKit
import Foundation
import KechuangCore

/// A green-channel service request (一码供给): which service, the unit that answers it, its state and deadline clock.
public final class ServiceRequestRecord: Model, @unchecked Sendable {
    public static let schema = "talent_service_requests"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "talent_id") public var talent: TalentRecord
    @Parent(key: "unit_id") public var unit: OrganizationRecord
    @Field(key: "service") public var service: String
    @Field(key: "details") public var details: String
    @Field(key: "state") public var state: String
    @Field(key: "sla_days") public var slaDays: Int
    @Field(key: "submitted_at") public var submittedAt: Date
    @OptionalField(key: "accepted_at") public var acceptedAt: Date?
    @Field(key: "paused_seconds") public var pausedSeconds: Int64
    @OptionalField(key: "paused_since") public var pausedSince: Date?
    @OptionalField(key: "closed_at") public var closedAt: Date?
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var requestState: ServiceRequestState { ServiceRequestState(rawValue: state) ?? .submitted }
    public var deadline: ServiceDeadline {
        ServiceDeadline(submittedAt: submittedAt, days: slaDays, pausedSeconds: pausedSeconds, pausedSince: pausedSince)
    }
}

/// One step of a request, as the talent sees it: who did what, with the note.
public final class ServiceRequestStepRecord: Model, @unchecked Sendable {
    public static let schema = "talent_service_steps"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "request_id") public var request: ServiceRequestRecord
    @Field(key: "action") public var action: String
    @Field(key: "from_state") public var fromState: String
    @Field(key: "to_state") public var toState: String
    @Field(key: "actor_name") public var actorName: String
    @Field(key: "note") public var note: String
    @Field(key: "at") public var at: Date

    public init() {}
}

/// A document the talent sent with a request (asked for by the unit): seen by the talent, the unit and the office.
public final class ServiceRequestFileRecord: Model, @unchecked Sendable {
    public static let schema = "talent_service_files"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "request_id") public var request: ServiceRequestRecord
    @Field(key: "filename") public var filename: String
    @Field(key: "content_type") public var contentType: String
    @Field(key: "content") public var content: Data
    @Field(key: "uploaded_by_name") public var uploadedByName: String
    @Field(key: "uploaded_at") public var uploadedAt: Date

    public init() {}
}
