import FluentKit
import Foundation
import KechuangCore

/// Technology-contract registration: one registration per contract (seller + the parties' contract number), a
/// 16-digit registration number, seller points, and the sums monitoring reads (技术输出 and 吸纳 kept apart).
public struct ContractStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public struct Links: Sendable {
        public var sellerOrgID: UUID?, buyerOrgID: UUID?, achievementID: UUID?, demandID: UUID?, brokerID: UUID?
        public init(sellerOrgID: UUID? = nil, buyerOrgID: UUID? = nil, achievementID: UUID? = nil, demandID: UUID? = nil, brokerID: UUID? = nil) {
            self.sellerOrgID = sellerOrgID; self.buyerOrgID = buyerOrgID; self.achievementID = achievementID; self.demandID = demandID; self.brokerID = brokerID
        }
    }

    struct Snapshot: Encodable {
        let registrationNumber: String, contractNumber: String, seller: String, buyer: String, total: String, technicalIncome: String, signedOn: String
    }

    public func register(_ d: ContractDraft, links: Links, base: RuleBase, actor: Actor, now: Date = Date()) async throws -> TechContractRecord {
        if try await TechContractRecord.query(on: db).filter(\.$sellerName == d.sellerName).filter(\.$contractNumber == d.contractNumber).count() > 0 {
            throw DomainError(.conflict, code: "contract.duplicate", arguments: ["number": d.contractNumber], field: "contract_number")
        }
        // Registration numbers run per registration year: a contract signed in December and registered in January
        // takes the new year's number, as the registration offices issue them.
        let year = ChinaTime.civil(now).year
        // The serial is the next free one for the year; a concurrent registration that took it makes the insert fail
        // on the unique registration number, and the next attempt takes the following serial.
        let attempts = 20
        for attempt in 0..<attempts {
            let prefix = String(year) + d.sellerRegion
            let c = TechContractRecord()
            c.contractNumber = d.contractNumber; c.title = d.title; c.type = d.type.rawValue; c.field = d.field.rawValue
            c.sellerOrgID = links.sellerOrgID; c.sellerName = d.sellerName; c.sellerRegion = d.sellerRegion
            c.buyerOrgID = links.buyerOrgID; c.buyerName = d.buyerName; c.buyerRegion = d.buyerRegion
            c.totalFen = d.total.fen; c.technicalIncomeFen = d.technicalIncome.fen; c.signedOn = d.signedOn.description
            c.achievementID = links.achievementID; c.demandID = links.demandID; c.brokerID = links.brokerID
            c.registeredBy = actor.userID ?? UUID()
            do {
                try await StoreSQL.writeTransaction(db) { tx in
                    // The highest number taken, read inside the write: numbers stay dense. On SQLite the write gate
                    // makes it final; on PostgreSQL registrations of one prefix queue on an advisory lock held to the
                    // end of the transaction (without it, eight concurrent registrations exhausted 20 retries).
                    if StoreSQL.isPostgres(tx) {
                        try await StoreSQL.sql(tx).raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "tech_contract:" + prefix)))").run()
                    }
                    let highest = try await TechContractRecord.query(on: tx).filter(\.$registrationNumber >= prefix + "000000")
                        .filter(\.$registrationNumber <= prefix + "999999").max(\.$registrationNumber)
                    let taken = highest.flatMap { Int($0.suffix(6)) } ?? 0
                    c.registrationNumber = ContractDraft.registrationNumber(year: year, sellerRegion: d.sellerRegion, serial: taken + 1)
                    try await c.create(on: tx)
                    try await AuditTrail.record(on: tx, actor: actor, action: "contract.register", entityType: "tech_contract", entityID: c.id!.uuidString,
                                                before: Optional<Snapshot>.none, after: Snapshot(registrationNumber: c.registrationNumber, contractNumber: c.contractNumber,
                                                                                                 seller: c.sellerName, buyer: c.buyerName, total: d.total.plainYuan,
                                                                                                 technicalIncome: d.technicalIncome.plainYuan, signedOn: c.signedOn))
                    if let seller = links.sellerOrgID {
                        try await PointsStore.award(.contractRegistered, to: seller, refType: "tech_contract", refID: c.id!.uuidString, reason: c.title,
                                                    base: base, on: tx, actor: actor)
                    }
                }
                return c
            } catch {
                let text = String(reflecting: error)
                guard text.contains("registration_number") || text.contains("UNIQUE") || text.contains("23505") else { throw error }
                if try await TechContractRecord.query(on: db).filter(\.$sellerName == d.sellerName).filter(\.$contractNumber == d.contractNumber).count() > 0 {
                    throw DomainError(.conflict, code: "contract.duplicate", arguments: ["number": d.contractNumber], field: "contract_number")
                }
                if attempt == attempts - 1 { throw error }
            }
        }
        throw DomainError(.conflict, code: "contract.duplicate", arguments: ["number": d.contractNumber], field: "contract_number")
    }

    /// Technical income registered in the year, in fen: contracts sold from Ordos (技术输出) and bought into Ordos (吸纳技术).
    public func turnover(year: Int) async throws -> (output: Int64, absorbed: Int64, contracts: Int) {
        let rows = try await TechContractRecord.registered(in: year, on: db).all()
        return (rows.filter { ContractDraft.isOrdos($0.sellerRegion) }.reduce(0) { $0 + $1.technicalIncomeFen },
                rows.filter { ContractDraft.isOrdos($0.buyerRegion) }.reduce(0) { $0 + $1.technicalIncomeFen }, rows.count)
    }
}

/// Connections (对接) between demands and achievements.
public struct MatchStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public func request(demand: DemandRecord, achievement: AchievementRecord, brokerID: UUID?, note: String, actor: Actor) async throws -> MarketMatchRecord {
        if try await MarketMatchRecord.query(on: db).filter(\.$demandID == demand.id!).filter(\.$achievementID == achievement.id!).count() > 0 {
            throw DomainError(.conflict, code: "match.exists")
        }
        let m = MarketMatchRecord()
        m.demandID = demand.id!; m.achievementID = achievement.id!; m.brokerID = brokerID; m.requestedBy = actor.userID ?? UUID()
        m.status = "requested"; m.note = note
        try await db.transaction { tx in
            try await m.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "match.request", entityType: "match", entityID: m.id!.uuidString,
                                       detail: ["demand": demand.id!.uuidString, "achievement": achievement.id!.uuidString, "broker": brokerID?.uuidString ?? ""])
        }
        return m
    }

    /// The achievement's owner accepts or declines; an accepted match earns both sides their points.
    public func decide(_ m: MarketMatchRecord, accept: Bool, demand: DemandRecord, achievement: AchievementRecord, base: RuleBase, actor: Actor) async throws {
        guard m.status == "requested" else { throw DomainError(.conflict, code: "match.already_decided") }
        try await db.transaction { tx in
            m.status = accept ? "accepted" : "declined"
            m.decidedAt = Date()
            try await m.update(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: accept ? "match.accept" : "match.decline", entityType: "match", entityID: m.id!.uuidString)
            if accept {
                for org in Set([demand.organizationID, achievement.organizationID]) {
                    try await PointsStore.award(.matchCompleted, to: org, refType: "match", refID: m.id!.uuidString, reason: demand.title, base: base, on: tx, actor: actor)
                }
            }
        }
    }
}
