import FluentKit
import Foundation
import KechuangCore

/// Monthly statements of an owning unit: whose instruments, which sessions in the month, and who the clients are.
extension InstrumentStore {
    /// Units whose statements someone may read: every unit with instruments for staff, their own units otherwise.
    public func statementOwners(userID: UUID, staff: Bool) async throws -> [OrganizationRecord] {
        if staff {
            return try await OrganizationRecord.query(on: db).join(InstrumentRecord.self, on: \OrganizationRecord.$id == \InstrumentRecord.$organization.$id)
                .unique().sort(\.$name).all()
        }
        return try await MembershipRecord.query(on: db).filter(\.$user.$id == userID).with(\.$organization).all().map(\.organization)
    }

    /// Sessions on the unit's instruments that started in [from, to), with those instruments by id.
    public func ownerUsage(ownerID: UUID, from: Date, to: Date) async throws -> (usage: [UsageRecord], instruments: [UUID: InstrumentRecord]) {
        let instruments = try await InstrumentRecord.query(on: db).filter(\.$organization.$id == ownerID).all()
        guard !instruments.isEmpty else { return ([], [:]) }
        let byID = Dictionary(instruments.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return (try await UsageStore(db: db).usage(from: from, to: to, instrumentIDs: instruments.map { $0.id! }), byID)
    }

    /// Names of organisations by id.
    public func organizationNames(_ ids: Set<UUID>) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await OrganizationRecord.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// Every registered instrument, by name, with its owning unit: the must-share check and the sharing evaluation
    /// read the whole registry so they are never stale against the rule base in force.
    public func registryWithOwners() async throws -> [(instrument: InstrumentRecord, owner: OrganizationRecord?)] {
        let instruments = try await InstrumentRecord.query(on: db).sort(\.$name).sort(\.$id).all()
        let owners = Dictionary(try await OrganizationRecord.query(on: db).filter(\.$id ~~ Set(instruments.map { $0.$organization.id })).all().map { ($0.id!, $0) },
                                uniquingKeysWith: { a, _ in a })
        return instruments.map { ($0, owners[$0.$organization.id]) }
    }

    /// Sessions that started in [from, to) on any instrument.
    public func usage(from: Date, to: Date) async throws -> [UsageRecord] { try await UsageStore(db: db).usage(from: from, to: to) }
}
