import FluentKit
import Foundation
import KechuangCore

/// Achievements and demands: drafts, edits, and the moves of `ListingLifecycle`, each audited in its transaction;
/// publication earns the owner its points.
public struct ListingStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public static func apply(_ d: AchievementDraft, to a: AchievementRecord) {
        a.title = d.title; a.abstract = d.abstract; a.keywords = d.keywords; a.field = d.field.rawValue; a.trl = d.trl
        a.patents = Patent.format(d.patents); a.modes = d.modes.map(\.rawValue).joined(separator: ","); a.priceFen = d.price?.fen
        a.contactName = d.contactName; a.contactPhone = d.contactPhone
    }

    public static func apply(_ d: DemandDraft, to r: DemandRecord) {
        r.title = d.title; r.problem = d.problem; r.expected = d.expected; r.field = d.field.rawValue; r.budgetFen = d.budget.fen
        r.deadline = d.deadline.description; r.minTRL = d.minTRL; r.confidentiality = d.confidentiality.rawValue
    }

    public func saveAchievement(_ d: AchievementDraft, existing: AchievementRecord?, organizationID: UUID, brokerID: UUID?, actor: Actor) async throws -> AchievementRecord {
        let a = existing ?? AchievementRecord()
        let before = existing?.snapshot
        if existing == nil {
            a.organizationID = organizationID
            a.createdBy = actor.userID ?? UUID()
            a.status = ListingStatus.draft.rawValue
            a.reviewNote = ""
            a.brokerID = brokerID
        } else {
            a.status = try ListingLifecycle.next(ListingStatus(rawValue: a.status) ?? .draft, .edit, owner: true, staff: false).rawValue
        }
        Self.apply(d, to: a)
        try await db.transaction { tx in
            try await a.save(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: existing == nil ? "achievement.create" : "achievement.update", entityType: "achievement",
                                        entityID: a.id!.uuidString, before: before, after: a.snapshot)
        }
        return a
    }

    public func saveDemand(_ d: DemandDraft, existing: DemandRecord?, organizationID: UUID, actor: Actor) async throws -> DemandRecord {
        let r = existing ?? DemandRecord()
        let before = existing?.snapshot
        if existing == nil {
            r.organizationID = organizationID
            r.createdBy = actor.userID ?? UUID()
            r.status = ListingStatus.draft.rawValue
            r.reviewNote = ""
        } else {
            r.status = try ListingLifecycle.next(ListingStatus(rawValue: r.status) ?? .draft, .edit, owner: true, staff: false).rawValue
        }
        Self.apply(d, to: r)
        try await db.transaction { tx in
            try await r.save(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: existing == nil ? "demand.create" : "demand.update", entityType: "demand",
                                        entityID: r.id!.uuidString, before: before, after: r.snapshot)
        }
        return r
    }

    /// Moves a listing through its lifecycle; publishing awards the owner its points in the same transaction.
    public func move<L: MarketListing>(_ l: L, _ action: ListingLifecycle.Action, owner: Bool, staff: Bool, note: String, base: RuleBase, actor: Actor) async throws {
        let next = try ListingLifecycle.next(ListingStatus(rawValue: l.status) ?? .draft, action, owner: owner, staff: staff)
        try await db.transaction { tx in
            let before = l.snapshot
            l.status = next.rawValue
            if action == .reject || action == .publish { l.reviewNote = note }
            if next == .published { l.publishedAt = Date() }
            try await l.update(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "\(L.kind).\(action.rawValue)", entityType: L.kind, entityID: l.id!.uuidString,
                                        before: before, after: l.snapshot)
            if next == .published {
                try await PointsStore.award(.listingPublished, to: l.organizationID, refType: L.kind, refID: l.id!.uuidString, reason: l.title,
                                            base: base, on: tx, actor: actor)
            }
        }
    }
}

/// What achievements and demands share: an owner, a title and a place in `ListingLifecycle`.
public protocol MarketListing: Model where IDValue == UUID {
    static var kind: String { get }
    var organizationID: UUID { get }
    var title: String { get }
    var status: String { get set }
    var reviewNote: String { get set }
    var publishedAt: Date? { get set }
    /// What the audit log keeps of the listing.
    var snapshot: [String: String] { get }
}

extension AchievementRecord: MarketListing {
    public static var kind: String { "achievement" }
    public var snapshot: [String: String] {
        ["title": title, "field": field, "trl": String(trl), "price": priceFen.map { Money(fen: $0).plainYuan } ?? "negotiable", "status": status]
    }
}

extension DemandRecord: MarketListing {
    public static var kind: String { "demand" }
    public var snapshot: [String: String] {
        ["title": title, "field": field, "budget": Money(fen: budgetFen).plainYuan, "deadline": deadline, "status": status]
    }
}
