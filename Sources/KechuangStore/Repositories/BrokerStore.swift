import FluentKit
import Foundation
import KechuangCore

/// Technology brokers (技术经纪人, art. 14): their public profiles, what each brought about (connections, contracts)
/// and the facilitation reward the engine grants on the income that landed in Ordos.
public struct BrokerStore: Sendable {
    let db: any Database
    public init(db: any Database) { self.db = db }

    public struct Summary: Sendable {
        public let profile: BrokerProfileRecord
        public let user: UserRecord
        public let matches: Int
        public let contracts: Int
    }

    /// Every broker with a profile, with the connections and contracts attributed to them.
    public func summaries() async throws -> [Summary] {
        let profiles = try await BrokerProfileRecord.query(on: db).all()
        guard !profiles.isEmpty else { return [] }
        let users = Dictionary(try await UserRecord.query(on: db).filter(\.$id ~~ profiles.map(\.userID)).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let matches = Dictionary(grouping: try await MarketMatchRecord.query(on: db).filter(\.$brokerID != nil).all(), by: { $0.brokerID! }).mapValues(\.count)
        let contracts = Dictionary(grouping: try await TechContractRecord.query(on: db).filter(\.$brokerID != nil).all(), by: { $0.brokerID! }).mapValues(\.count)
        return profiles.compactMap { p in
            users[p.userID].map { Summary(profile: p, user: $0, matches: matches[p.userID] ?? 0, contracts: contracts[p.userID] ?? 0) }
        }
    }

    public struct Reward: Sendable, Equatable {
        public let amount: Money
        /// The rule's result rests on a provisional parameter.
        public let provisional: Bool
    }

    public struct Profile: Sendable {
        public let profile: BrokerProfileRecord
        public let user: UserRecord
        public let matches: [MarketMatchRecord]
        public let demandTitles: [UUID: String]
        /// Newest signature first.
        public let contracts: [TechContractRecord]
        public let year: Int
        public let landed: Money
        /// Nil when the engine grants nothing (or cannot decide) on this year's landed income.
        public let reward: Reward?
    }

    /// A broker's page for `year`: the reward is asked of the engine on the income that landed that year, as of `today`.
    public func profile(_ id: UUID, year: Int, base: RuleBase, today: Day) async throws -> Profile? {
        guard let p = try await BrokerProfileRecord.find(id, on: db), let u = try await UserRecord.find(p.userID, on: db) else { return nil }
        let matches = try await MarketMatchRecord.query(on: db).filter(\.$brokerID == p.userID).all()
        let demandIDs = Set(matches.map(\.demandID))
        let titles = demandIDs.isEmpty ? [:] : Dictionary(try await DemandRecord.query(on: db).filter(\.$id ~~ demandIDs).all().map { ($0.id!, $0.title) },
                                                          uniquingKeysWith: { a, _ in a })
        let contracts = try await TechContractRecord.query(on: db).filter(\.$brokerID == p.userID).sort(\.$signedOn, .descending).all()
        let landed = ContractDraft.landedIncome(contracts.map { ($0.registrationYear, $0.buyerRegion, Money(fen: $0.technicalIncomeFen)) }, year: year)
        let report = MatchReport.run(base: base, entity: .broker, date: today, inputs: ["facilitated_tech_income": .num(.fen(landed.fen))])
            .only("broker_facilitation_reward")
        var reward: Reward?
        if let item = report.items.first, item.outcome.status == .eligible, let fen = try? item.outcome.amount?.fen() {
            reward = Reward(amount: Money(fen: fen), provisional: item.trace.provisional)
        }
        return Profile(profile: p, user: u, matches: matches, demandTitles: titles, contracts: contracts, year: year, landed: landed, reward: reward)
    }

    public func profile(userID: UUID) async throws -> BrokerProfileRecord? {
        try await BrokerProfileRecord.query(on: db).filter(\.$userID == userID).first()
    }

    public struct ProfileInput: Sendable {
        public let organization: String
        public let certificate: String
        public let fields: [PriorityField]
        public let bio: String
        public init(organization: String, certificate: String, fields: [PriorityField], bio: String) {
            self.organization = organization
            self.certificate = certificate
            self.fields = fields
            self.bio = bio
        }
    }

    /// Creates or updates the broker's own profile, audited.
    public func saveProfile(userID: UUID, _ input: ProfileInput, actor: Actor) async throws -> BrokerProfileRecord {
        let p = try await profile(userID: userID) ?? BrokerProfileRecord()
        let created = p.id == nil
        p.userID = userID; p.organization = input.organization; p.certificate = input.certificate
        p.fields = input.fields.map(\.rawValue).joined(separator: ","); p.bio = input.bio
        try await db.transaction { tx in
            try await p.save(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: created ? "broker.create" : "broker.update", entityType: "broker", entityID: p.id!.uuidString)
        }
        return p
    }
}
