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
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public var policy: BookingPolicy {
        var hours: [Int: Range<Int>] = [:]
        for part in openingHours.split(separator: ",") {
            let kv = part.split(separator: ":")
            let range = kv.count == 2 ? kv[1].split(separator: "-").compactMap { Int($0) } : []
            if kv.count == 2, let day = Int(kv[0]), range.count == 2, range[0] < range[1] { hours[day] = range[0]..<range[1] }
        }
        return BookingPolicy(openingHours: hours, minMinutes: minMinutes, maxMinutes: maxMinutes, bufferMinutes: bufferMinutes,
                             maxDaysAhead: maxDaysAhead, approvalRequired: approvalRequired)
    }

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
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
}
