import FluentKit
import Foundation
import KechuangCore

/// Published achievements and demands of the demo organisations (taken from the labelled matching set, so the
/// demo's matches are the evaluated ones) and the demo broker's profile.
public enum DemoMarket {
    public struct File: Codable, Sendable {
        public struct Achievement: Codable, Sendable {
            public let title: String, abstract: String, field: String, trl: Int, owner: String, modes: String
            public let priceYuan: String?
        }

        public struct Demand: Codable, Sendable {
            public let title: String, problem: String, expected: String, field: String, minTRL: Int, owner: String, budgetYuan: String
        }

        public struct Broker: Codable, Sendable {
            public let username: String, organization: String, certificate: String, fields: String, bio: String
        }

        public let achievements: [Achievement]
        public let demands: [Demand]
        public let broker: Broker?
    }

    static func load(_ file: File, on tx: any Database, now: Date = Date()) async throws {
        let orgs = Dictionary(try await OrganizationRecord.query(on: tx).all().map { ($0.name, $0.id!) }, uniquingKeysWith: { a, _ in a })
        let system = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!
        for a in file.achievements {
            guard let owner = orgs[a.owner] else { throw DomainError(.invalidInput, code: "demo.bad_row", arguments: ["name": a.title]) }
            let r = AchievementRecord()
            r.organizationID = owner; r.createdBy = system; r.title = a.title; r.abstract = a.abstract; r.keywords = ""; r.field = a.field; r.trl = a.trl
            r.patents = ""; r.modes = a.modes; r.priceFen = a.priceYuan.flatMap { Money(yuanString: $0)?.fen }; r.contactName = "成果转化办公室"
            r.contactPhone = "0477-8888000"; r.status = ListingStatus.published.rawValue; r.reviewNote = ""; r.publishedAt = now
            try await r.create(on: tx)
        }
        let deadline = Day(ChinaTime.dateString(now.addingTimeInterval(120 * 86400)))!.description
        for d in file.demands {
            guard let owner = orgs[d.owner], let budget = Money(yuanString: d.budgetYuan) else { throw DomainError(.invalidInput, code: "demo.bad_row", arguments: ["name": d.title]) }
            let r = DemandRecord()
            r.organizationID = owner; r.createdBy = system; r.title = d.title; r.problem = d.problem; r.expected = d.expected; r.field = d.field
            r.budgetFen = budget.fen; r.deadline = deadline; r.minTRL = d.minTRL; r.confidentiality = Confidentiality.public.rawValue
            r.status = ListingStatus.published.rawValue; r.reviewNote = ""; r.publishedAt = now
            try await r.create(on: tx)
        }
        if let b = file.broker, let user = try await UserRecord.query(on: tx).filter(\.$username == b.username).first() {
            let p = BrokerProfileRecord()
            p.userID = user.id!; p.organization = b.organization; p.certificate = b.certificate; p.fields = b.fields; p.bio = b.bio
            try await p.create(on: tx)
        }
    }
}
