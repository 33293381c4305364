import FluentKit
import Foundation

/// A technology achievement (科技成果) listed by its owning organisation.
public final class AchievementRecord: Model, @unchecked Sendable {
    public static let schema = "achievements"
    @ID(key: .id) public var id: UUID?
    @Field(key: "organization_id") public var organizationID: UUID
    @Field(key: "created_by") public var createdBy: UUID
    @Field(key: "title") public var title: String
    @Field(key: "abstract") public var abstract: String
    @Field(key: "keywords") public var keywords: String
    @Field(key: "field") public var field: String
    @Field(key: "trl") public var trl: Int
    /// "number:status; …" (see `Patent.format`).
    @Field(key: "patents") public var patents: String
    /// Comma-separated `CooperationMode` values.
    @Field(key: "modes") public var modes: String
    /// nil: negotiable (面议).
    @OptionalField(key: "price_fen") public var priceFen: Int64?
    @Field(key: "contact_name") public var contactName: String
    @Field(key: "contact_phone") public var contactPhone: String
    @Field(key: "status") public var status: String
    @Field(key: "review_note") public var reviewNote: String
    /// The broker who brought the listing in, if any (attribution).
    @OptionalField(key: "broker_id") public var brokerID: UUID?
    @OptionalField(key: "published_at") public var publishedAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?
    public init() {}
}

/// An enterprise's technical demand (企业出题).
public final class DemandRecord: Model, @unchecked Sendable {
    public static let schema = "demands"
    @ID(key: .id) public var id: UUID?
    @Field(key: "organization_id") public var organizationID: UUID
    @Field(key: "created_by") public var createdBy: UUID
    @Field(key: "title") public var title: String
    @Field(key: "problem") public var problem: String
    @Field(key: "expected") public var expected: String
    @Field(key: "field") public var field: String
    @Field(key: "budget_fen") public var budgetFen: Int64
    @Field(key: "deadline") public var deadline: String
    @Field(key: "min_trl") public var minTRL: Int
    @Field(key: "confidentiality") public var confidentiality: String
    @Field(key: "status") public var status: String
    @Field(key: "review_note") public var reviewNote: String
    @OptionalField(key: "published_at") public var publishedAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?
    public init() {}
}

/// A 揭榜挂帅 or 赛马 challenge set by staff (立题), usually from a demand.
public final class ChallengeRecord: Model, @unchecked Sendable {
    public static let schema = "challenges"
    @ID(key: .id) public var id: UUID?
    @OptionalField(key: "demand_id") public var demandID: UUID?
    @Field(key: "title") public var title: String
    @Field(key: "description") public var description: String
    @Field(key: "conditions") public var conditions: String
    @Field(key: "mode") public var mode: String
    @Field(key: "reward_fen") public var rewardFen: Int64
    @Field(key: "deadline") public var deadline: String
    /// One criterion per line, "name:weight".
    @Field(key: "criteria") public var criteria: String
    /// One milestone per line, "name|trl|share|due".
    @Field(key: "milestones") public var milestones: String
    @Field(key: "teams") public var teams: Int
    @Field(key: "state") public var state: String
    @Field(key: "created_by") public var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?
    public init() {}
}

public final class PanelMemberRecord: Model, @unchecked Sendable {
    public static let schema = "challenge_panel"
    @ID(key: .id) public var id: UUID?
    @Field(key: "challenge_id") public var challengeID: UUID
    @Field(key: "user_id") public var userID: UUID
    public init() {}
}

/// A bid (答题) of an institution or consortium.
public final class BidRecord: Model, @unchecked Sendable {
    public static let schema = "challenge_bids"
    @ID(key: .id) public var id: UUID?
    @Field(key: "challenge_id") public var challengeID: UUID
    @Field(key: "organization_id") public var organizationID: UUID
    @Field(key: "consortium") public var consortium: String
    @Field(key: "proposal") public var proposal: String
    @Field(key: "claimed_trl") public var claimedTRL: Int
    @Field(key: "budget_fen") public var budgetFen: Int64
    /// submitted, selected, not_selected, eliminated, completed.
    @Field(key: "status") public var status: String
    @Field(key: "submitted_by") public var submittedBy: UUID
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    public init() {}
}

public final class ScoreSheetRecord: Model, @unchecked Sendable {
    public static let schema = "challenge_scores"
    @ID(key: .id) public var id: UUID?
    @Field(key: "bid_id") public var bidID: UUID
    @Field(key: "member_id") public var memberID: UUID
    @Field(key: "scores_json") public var scoresJSON: String
    @Field(key: "comment") public var comment: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    public init() {}
}

public final class MilestoneReviewRecord: Model, @unchecked Sendable {
    public static let schema = "milestone_reviews"
    @ID(key: .id) public var id: UUID?
    @Field(key: "challenge_id") public var challengeID: UUID
    @Field(key: "milestone_index") public var milestoneIndex: Int
    @Field(key: "bid_id") public var bidID: UUID
    @Field(key: "reported_trl") public var reportedTRL: Int
    @Field(key: "passed") public var passed: Bool
    /// Funds released to the team by this review (0 when it did not pass).
    @Field(key: "amount_fen") public var amountFen: Int64
    @Field(key: "note") public var note: String
    @Field(key: "reviewer_id") public var reviewerID: UUID
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    public init() {}
}

/// A registered technology contract (技术合同认定登记).
public final class TechContractRecord: Model, @unchecked Sendable {
    public static let schema = "tech_contracts"
    @ID(key: .id) public var id: UUID?
    @Field(key: "registration_number") public var registrationNumber: String
    @Field(key: "contract_number") public var contractNumber: String
    @Field(key: "title") public var title: String
    @Field(key: "type") public var type: String
    @Field(key: "field") public var field: String
    @OptionalField(key: "seller_org_id") public var sellerOrgID: UUID?
    @Field(key: "seller_name") public var sellerName: String
    @Field(key: "seller_region") public var sellerRegion: String
    @OptionalField(key: "buyer_org_id") public var buyerOrgID: UUID?
    @Field(key: "buyer_name") public var buyerName: String
    @Field(key: "buyer_region") public var buyerRegion: String
    @Field(key: "total_fen") public var totalFen: Int64
    @Field(key: "technical_income_fen") public var technicalIncomeFen: Int64
    @Field(key: "signed_on") public var signedOn: String
    @OptionalField(key: "achievement_id") public var achievementID: UUID?
    @OptionalField(key: "demand_id") public var demandID: UUID?
    @OptionalField(key: "broker_id") public var brokerID: UUID?
    @Field(key: "registered_by") public var registeredBy: UUID
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    public init() {}

    /// The year of registration (Beijing), which opens the registration number. Technology-market statistics and the
    /// art. 12 subsidy count a contract in the year it was registered (认定登记), not the year it was signed.
    public var registrationYear: Int? { Int(registrationNumber.prefix(4)) }

    /// Contracts registered in `year`, by the registration number's prefix (indexed, unique).
    public static func registered(in year: Int, on db: any Database) -> QueryBuilder<TechContractRecord> {
        query(on: db).registered(in: year)
    }
}

extension QueryBuilder where Model == TechContractRecord {
    /// Narrows to contracts registered in `year` (the registration number opens with it).
    public func registered(in year: Int) -> QueryBuilder<TechContractRecord> {
        filter(\.$registrationNumber >= "\(year)").filter(\.$registrationNumber < "\(year + 1)")
    }
}

public final class BrokerProfileRecord: Model, @unchecked Sendable {
    public static let schema = "broker_profiles"
    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "organization") public var organization: String
    @Field(key: "certificate") public var certificate: String
    /// Comma-separated `PriorityField` values.
    @Field(key: "fields") public var fields: String
    @Field(key: "bio") public var bio: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?
    public init() {}
}

/// A connection (对接) between a demand and an achievement, requested by the demand's owner or a broker, accepted or
/// declined by the achievement's owner. An accepted one is a completed match.
public final class MarketMatchRecord: Model, @unchecked Sendable {
    public static let schema = "market_matches"
    @ID(key: .id) public var id: UUID?
    @Field(key: "demand_id") public var demandID: UUID
    @Field(key: "achievement_id") public var achievementID: UUID
    @OptionalField(key: "broker_id") public var brokerID: UUID?
    @Field(key: "requested_by") public var requestedBy: UUID
    /// requested, accepted, declined.
    @Field(key: "status") public var status: String
    @Field(key: "note") public var note: String
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    public init() {}
}

/// One entry of the append-only points ledger (积分制, art. 13).
public final class PointsEntryRecord: Model, @unchecked Sendable {
    public static let schema = "points_ledger"
    @ID(key: .id) public var id: UUID?
    @Field(key: "organization_id") public var organizationID: UUID
    @Field(key: "points") public var points: Int
    /// A `PointsEvent` raw value, or "reversal".
    @Field(key: "event") public var event: String
    @Field(key: "ref_type") public var refType: String
    @Field(key: "ref_id") public var refID: String
    @Field(key: "reason") public var reason: String
    @OptionalField(key: "reverses_id") public var reversesID: UUID?
    @OptionalField(key: "created_by") public var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    public init() {}
}
