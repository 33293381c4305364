import FluentKit
import Foundation
import KechuangCore

/// The instrument registry: create, edit and import (all rows or none), each change audited in its transaction.
public struct InstrumentStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public func instrument(_ id: UUID) async throws -> InstrumentRecord? { try await InstrumentRecord.find(id, on: db) }

    /// Organisations whose instruments someone may register: theirs, or (`everyOne`, for admins) every one but departments.
    public func registeringOrganizations(userID: UUID, everyOne: Bool) async throws -> [OrganizationRecord] {
        if everyOne { return try await OrganizationRecord.query(on: db).filter(\.$kindRaw != OrganizationKind.department.rawValue).sort(\.$name).all() }
        return try await MembershipRecord.query(on: db).filter(\.$user.$id == userID).with(\.$organization).all().map(\.organization)
            .filter { $0.kind != .department }
    }

    /// What the audit log keeps of an instrument.
    struct Snapshot: Encodable {
        let fields: [String: String]
        let organization: String
    }

    public static func draft(of i: InstrumentRecord) -> InstrumentDraft {
        var d = InstrumentDraft()
        d.name = i.name; d.model = i.model; d.manufacturer = i.manufacturer; d.country = i.country; d.classCode = i.classCode
        d.assetNumber = i.assetNumber; d.originalValue = Money(fen: i.originalValueFen)
        d.fundingSource = FundingSource(rawValue: i.fundingSource) ?? .other; d.fiscalShare = i.fiscalShare; d.purchaseDate = i.purchaseDate
        d.banner = Banner(rawValue: i.bannerCode) ?? .kangbashi; d.location = i.location; d.specifications = i.specifications
        d.functions = i.functions; d.applicationFields = i.applicationFields; d.sampleRequirements = i.sampleRequirements
        d.serviceModes = i.serviceModes.split(separator: ",").compactMap { ServiceMode(rawValue: String($0)) }
        d.feeUnitMinutes = i.feeUnitMinutes; d.feeInternal = Money(fen: i.feeInternalFen); d.feeExternal = Money(fen: i.feeExternalFen)
        d.contactName = i.contactName; d.contactPhone = i.contactPhone
        d.status = InstrumentStatus(rawValue: i.status) ?? .active; d.shareMode = ShareMode(rawValue: i.shareMode) ?? .external
        d.openingHours = OpeningHours.fromStorage(i.openingHours); d.minMinutes = i.minMinutes; d.maxMinutes = i.maxMinutes
        d.bufferMinutes = i.bufferMinutes; d.maxDaysAhead = i.maxDaysAhead; d.cancelHours = i.cancelHours
        d.approvalRequired = i.approvalRequired; d.qualification = i.qualification
        return d
    }

    public static func apply(_ d: InstrumentDraft, to i: InstrumentRecord) {
        i.name = d.name; i.model = d.model; i.manufacturer = d.manufacturer; i.country = d.country; i.classCode = d.classCode
        i.assetNumber = d.assetNumber; i.originalValueFen = d.originalValue.fen; i.fundingSource = d.fundingSource.rawValue
        i.fiscalShare = d.fiscalShare; i.purchaseDate = d.purchaseDate; i.bannerCode = d.banner.code; i.location = d.location
        i.specifications = d.specifications; i.functions = d.functions; i.applicationFields = d.applicationFields
        i.sampleRequirements = d.sampleRequirements; i.serviceModes = d.serviceModes.map(\.rawValue).joined(separator: ",")
        i.feeUnitMinutes = d.feeUnitMinutes; i.feeInternalFen = d.feeInternal.fen; i.feeExternalFen = d.feeExternal.fen
        i.contactName = d.contactName; i.contactPhone = d.contactPhone; i.status = d.status.rawValue; i.shareMode = d.shareMode.rawValue
        i.openingHours = OpeningHours.storage(d.openingHours); i.minMinutes = d.minMinutes; i.maxMinutes = d.maxMinutes
        i.bufferMinutes = d.bufferMinutes; i.maxDaysAhead = d.maxDaysAhead; i.cancelHours = d.cancelHours
        i.approvalRequired = d.approvalRequired; i.qualification = d.qualification
    }

    public func create(_ d: InstrumentDraft, organizationID: UUID, actor: Actor) async throws -> InstrumentRecord {
        try await db.transaction { tx in try await Self.insert(d, organizationID: organizationID, actor: actor, on: tx) }
    }

    static func insert(_ d: InstrumentDraft, organizationID: UUID, actor: Actor, on tx: any Database) async throws -> InstrumentRecord {
        if !d.assetNumber.isEmpty, try await InstrumentRecord.query(on: tx).filter(\.$organization.$id == organizationID)
            .filter(\.$assetNumber == d.assetNumber).count() > 0 {
            throw DomainError(.conflict, code: "instrument.asset_number_taken", arguments: ["value": d.assetNumber], field: "asset_number")
        }
        let i = InstrumentRecord()
        i.$organization.id = organizationID
        apply(d, to: i)
        try await i.create(on: tx)
        try await AuditTrail.record(on: tx, actor: actor, action: "instrument.create", entityType: "instrument", entityID: i.id!.uuidString,
                                    before: Optional<Snapshot>.none, after: Snapshot(fields: d.fields, organization: organizationID.uuidString))
        return i
    }

    public func update(_ i: InstrumentRecord, with d: InstrumentDraft, actor: Actor) async throws {
        let before = Snapshot(fields: Self.draft(of: i).fields, organization: i.$organization.id.uuidString)
        try await db.transaction { tx in
            if !d.assetNumber.isEmpty, d.assetNumber != i.assetNumber, try await InstrumentRecord.query(on: tx).filter(\.$organization.$id == i.$organization.id)
                .filter(\.$assetNumber == d.assetNumber).count() > 0 {
                throw DomainError(.conflict, code: "instrument.asset_number_taken", arguments: ["value": d.assetNumber], field: "asset_number")
            }
            Self.apply(d, to: i)
            try await i.update(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "instrument.update", entityType: "instrument", entityID: i.id!.uuidString,
                                        before: before, after: Snapshot(fields: d.fields, organization: i.$organization.id.uuidString))
        }
    }

    /// Imports checked rows in one transaction; a duplicate asset number (in the file or the registry) fails the
    /// whole import with every offending line listed.
    public func importRows(_ rows: [(line: Int, draft: InstrumentDraft)], organizationID: UUID, actor: Actor) async throws -> Int {
        var problems: [ImportProblem] = []
        var seen: [String: Int] = [:]
        for r in rows where !r.draft.assetNumber.isEmpty {
            if let first = seen[r.draft.assetNumber] {
                problems.append(ImportProblem(line: r.line, error: .invalid("asset_number", "import.duplicate_asset_number", ["line": String(first)])))
            } else { seen[r.draft.assetNumber] = r.line }
        }
        let taken = Set(try await InstrumentRecord.query(on: db).filter(\.$organization.$id == organizationID).all().map(\.assetNumber))
        for r in rows where !r.draft.assetNumber.isEmpty && taken.contains(r.draft.assetNumber) {
            problems.append(ImportProblem(line: r.line, error: DomainError(.conflict, code: "instrument.asset_number_taken", arguments: ["value": r.draft.assetNumber], field: "asset_number")))
        }
        if !problems.isEmpty { throw ImportErrors(problems: problems.sorted { $0.line < $1.line }) }
        try await db.transaction { tx in
            for r in rows { _ = try await Self.insert(r.draft, organizationID: organizationID, actor: actor, on: tx) }
            try await AuditTrail.event(on: tx, actor: actor, action: "instrument.import", entityType: "organization", entityID: organizationID.uuidString,
                                       detail: ["rows": String(rows.count)])
        }
        return rows.count
    }
}
