import FluentKit
import Foundation
import KechuangCore

/// A shared research instrument (art. 22) with the national platform's core fields and its booking rules.
public final class InstrumentRecord: Model, @unchecked Sendable {
    public static let schema = "instruments"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "organization_id") public var organization: OrganizationRecord
    @Field(key: "name") public var name: String
    @Field(key: "model") public var model: String
    @Field(key: "manufacturer") public var manufacturer: String
    @Field(key: "class_code") public var classCode: String
    @Field(key: "original_value_fen") public var originalValueFen: Int64
    @Field(key: "fiscal_share") public var fiscalShare: String
    @Field(key: "banner_code") public var bannerCode: String
    @Field(key: "status") public var status: String
    @Field(key: "fee_unit_minutes") public var feeUnitMinutes: Int
    @Field(key: "fee_internal_fen") public var feeInternalFen: Int64
    @Field(key: "fee_external_fen") public var feeExternalFen: Int64
    /// Opening hours as "1:510-1050,2:510-1050,…" (ISO weekday: minutes after midnight, Beijing time).
    @Field(key: "opening_hours") public var openingHours: String
    @Field(key: "min_minutes") public var minMinutes: Int
    @Field(key: "max_minutes") public var maxMinutes: Int
    @Field(key: "buffer_minutes") public var bufferMinutes: Int
    @Field(key: "max_days_ahead") public var maxDaysAhead: Int
    @Field(key: "approval_required") public var approvalRequired: Bool
    @Field(key: "country") public var country: String
    @Field(key: "asset_number") public var assetNumber: String
    @Field(key: "funding_source") public var fundingSource: String
    @Field(key: "purchase_date") public var purchaseDate: String
    @Field(key: "location") public var location: String
    @Field(key: "specifications") public var specifications: String
    @Field(key: "functions") public var functions: String
    @Field(key: "application_fields") public var applicationFields: String
    @Field(key: "sample_requirements") public var sampleRequirements: String
    /// Comma-separated `ServiceMode` raw values.
    @Field(key: "service_modes") public var serviceModes: String
    @Field(key: "contact_name") public var contactName: String
    @Field(key: "contact_phone") public var contactPhone: String
    @Field(key: "share_mode") public var shareMode: String
    /// The training record a user needs before booking; empty when none is required.
    @Field(key: "qualification") public var qualification: String
    @Field(key: "cancel_hours") public var cancelHours: Int
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public var policy: BookingPolicy {
        BookingPolicy(openingHours: OpeningHours.fromStorage(openingHours), minMinutes: minMinutes, maxMinutes: maxMinutes, bufferMinutes: bufferMinutes,
                      maxDaysAhead: maxDaysAhead, approvalRequired: approvalRequired, qualification: qualification.isEmpty ? nil : qualification,
                      cancellationDeadlineHours: cancelHours)
    }

    /// Open to bookings at all: in working order and shared.
    public var bookable: Bool { status == InstrumentStatus.active.rawValue && shareMode != ShareMode.none.rawValue }

    public var fees: FeeStandard { FeeStandard(unitMinutes: feeUnitMinutes, internalFen: feeInternalFen, externalFen: feeExternalFen) }
}

/// A booking of an instrument. `blockedUntil` is the end plus the instrument's buffer: the interval no other
/// pending or confirmed booking may touch (enforced by the database, see M0011).
public final class BookingRecord: Model, @unchecked Sendable {
    public static let schema = "bookings"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "instrument_id") public var instrument: InstrumentRecord
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "start_at") public var startAt: Date
    @Field(key: "end_at") public var endAt: Date
    @Field(key: "blocked_until") public var blockedUntil: Date
    @Field(key: "status") public var status: String
    /// The price at booking time, frozen.
    @Field(key: "fee_fen") public var feeFen: Int64
    @OptionalField(key: "idempotency_key") public var idempotencyKey: String?
    @OptionalField(key: "user_org_id") public var userOrgID: UUID?
    /// The user is outside the owning unit (external price, counts as sharing).
    @Field(key: "external") public var external: Bool
    /// The fee standard in force when the booking was made: price per started unit (frozen).
    @Field(key: "unit_minutes") public var unitMinutes: Int
    @Field(key: "unit_fen") public var unitFen: Int64
    @Field(key: "note") public var note: String
    @Field(key: "decision_note") public var decisionNote: String
    /// Bookings made together as weekly repeats share a series id.
    @OptionalField(key: "series_id") public var seriesID: UUID?
    /// A reschedule cancels the old booking and links the new one to it (the history stays).
    @OptionalField(key: "replaces_id") public var replacesID: UUID?
    @OptionalField(key: "decided_by") public var decidedBy: UUID?
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @OptionalField(key: "cancelled_by") public var cancelledBy: UUID?
    @OptionalField(key: "cancelled_at") public var cancelledAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public var slot: TimeSlot { TimeSlot(start: startAt, end: endAt) }
    public var active: Bool { status == "pending" || status == "confirmed" }

    public init() {}
}
