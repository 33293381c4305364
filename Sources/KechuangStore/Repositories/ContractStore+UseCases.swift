import FluentKit
import Foundation
import KechuangCore

/// Technology contracts as use cases: the register a party or the office reads, registration from the form with
/// its links checked, one contract for its parties, and the art. 12 subsidy asked of the policy engine.
extension ContractStore {
    public struct ContractFilter: Sendable, Equatable {
        public enum Side: String, Sendable, CaseIterable { case output, absorbed }
        public var text = ""
        /// Registration year.
        public var year: Int?
        public var type: ContractType?
        public var field: PriorityField?
        /// Output: the seller is in Ordos; absorbed: the buyer is.
        public var side: Side?
        public init(text: String = "", year: Int? = nil, type: ContractType? = nil, field: PriorityField? = nil, side: Side? = nil) {
            self.text = text
            self.year = year
            self.type = type
            self.field = field
            self.side = side
        }
    }

    /// Contracts newest-signed first: all of them for the registration office (staff), the user's units' (as seller
    /// or buyer) otherwise. Without a page, every match (exports).
    public func contracts(userID: UUID, staff: Bool, filter f: ContractFilter, page: PageQuery?) async throws -> (items: [TechContractRecord], total: Int) {
        var b = TechContractRecord.query(on: db)
        if !f.text.isEmpty {
            let text = f.text
            b = b.group(.or) { g in
                g.filter(\.$registrationNumber ~~ text).filter(\.$contractNumber ~~ text).filter(\.$title ~~ text).filter(\.$sellerName ~~ text).filter(\.$buyerName ~~ text)
            }
        }
        if let year = f.year { b = b.registered(in: year) }
        if let type = f.type { b = b.filter(\.$type == type.rawValue) }
        if let field = f.field { b = b.filter(\.$field == field.rawValue) }
        if f.side == .output { b = b.filter(\.$sellerRegion =~ ContractDraft.ordosRegionPrefix) }
        if f.side == .absorbed { b = b.filter(\.$buyerRegion =~ ContractDraft.ordosRegionPrefix) }
        if !staff {
            let mine = try await memberships(userID)
            b = b.group(.or) { $0.filter(\.$sellerOrgID ~~ mine).filter(\.$buyerOrgID ~~ mine) }
        }
        let total = try await b.count()
        let sorted = b.sort(\.$signedOn, .descending).sort(\.$id)
        let items = try await (page.map { sorted.range($0.offset..<($0.offset + $0.per)) } ?? sorted).all()
        return (items, total)
    }

    func memberships(_ userID: UUID) async throws -> [UUID] {
        try await MembershipRecord.query(on: db).filter(\.$user.$id == userID).all().map { $0.$organization.id }
    }

    /// Registers a contract typed in the form. A member registers as the seller (`seller` is their unit); the office
    /// (staff, `seller` nil) registers for others and the seller is linked when its name is a registered unit.
    /// Achievement, demand and broker links are checked together with the contract's own fields.
    public func registerForm(_ values: [String: String], seller: OrganizationRecord?, today: Day, base: RuleBase, now: Date, actor: Actor) async throws
        -> TechContractRecord {
        var values = values
        var links = Links()
        if let seller {
            values["seller_name"] = seller.name
            links.sellerOrgID = seller.id
        } else if let name = values["seller_name"] {
            links.sellerOrgID = try await OrganizationRecord.query(on: db).filter(\.$name == name).first()?.id
        }
        let draft = try ContractDraft.parse(values, today: today)
        links.buyerOrgID = try await OrganizationRecord.query(on: db).filter(\.$name == draft.buyerName).first()?.id
        var v = Validator()
        if let raw = values["achievement_id"], !raw.isEmpty {
            if let id = UUID(uuidString: raw), try await AchievementRecord.find(id, on: db) != nil { links.achievementID = id } else { v.add(.invalid("achievement_id", "market.unknown_listing")) }
        }
        if let raw = values["demand_id"], !raw.isEmpty {
            if let id = UUID(uuidString: raw), try await DemandRecord.find(id, on: db) != nil { links.demandID = id } else { v.add(.invalid("demand_id", "market.unknown_listing")) }
        }
        if let raw = values["broker"], !raw.isEmpty {
            if let u = try await UserRecord.query(on: db).filter(\.$username == raw.lowercased()).first(), u.role == .broker { links.brokerID = u.id }
            else { v.add(.invalid("broker", "market.unknown_broker")) }
        }
        try v.throwIfAny()
        return try await register(draft, links: links, base: base, actor: actor, now: now)
    }

    /// One contract for its parties or the office (others get 404), with the titles of what it links to.
    public func contract(_ id: UUID, userID: UUID, staff: Bool) async throws -> (contract: TechContractRecord, achievement: String?, broker: String?) {
        guard let c = try await TechContractRecord.find(id, on: db) else { throw DomainError.notFound("contract") }
        if !staff {
            let mine = try await memberships(userID)
            guard c.sellerOrgID.map(mine.contains) == true || c.buyerOrgID.map(mine.contains) == true else { throw DomainError.notFound("contract") }
        }
        let achievement = try await c.achievementID.asyncMap { try await AchievementRecord.find($0, on: db)?.title } ?? nil
        let broker = try await c.brokerID.asyncMap { try await UserRecord.find($0, on: db)?.displayName } ?? nil
        return (c, achievement, broker)
    }

    /// The art. 12 technology-transaction subsidy of a contract's seller: computed by the engine on the seller's
    /// technical income registered in the contract's registration year, as of that year's last day.
    public struct Subsidy: Sendable, Equatable {
        public let year: Int
        public let income: Money
        public let amount: Money
        /// The rule's result rests on a provisional parameter.
        public let provisional: Bool
    }

    public func contractSubsidy(_ c: TechContractRecord, base: RuleBase, now: Date) async throws -> Subsidy? {
        guard let seller = c.sellerOrgID, let org = try await OrganizationRecord.find(seller, on: db), let kind = org.kind.entityKind else { return nil }
        let year = c.registrationYear ?? ChinaTime.civil(now).year
        let income = try await TechContractRecord.registered(in: year, on: db).filter(\.$sellerOrgID == seller).all().reduce(Int64(0)) { $0 + $1.technicalIncomeFen }
        let report = MatchReport.run(base: base, entity: kind, date: Day("\(year)-12-31")!, inputs: ["tech_contract_income": .num(.fen(income))])
            .only("tech_transaction_subsidy")
        guard let item = report.items.first, item.outcome.status == .eligible, let fen = try? item.outcome.amount?.fen() else { return nil }
        return Subsidy(year: year, income: Money(fen: income), amount: Money(fen: fen), provisional: item.trace.provisional)
    }

    /// Contracts registered in `year` (the market's home page counts them).
    public func registeredCount(year: Int) async throws -> Int { try await TechContractRecord.registered(in: year, on: db).count() }
}
