import FluentKit
import Foundation
import KechuangCore

/// The demo data file `data/demo/organizations.json`.
public struct DemoDataFile: Codable, Sendable {
    public struct Institution: Codable, Sendable {
        public let name: String
        public let type: String
        public let banner: String
        public let description: String
    }
    public struct Enterprise: Codable, Sendable {
        public let name: String
        public let banner: String
    }
    public struct User: Codable, Sendable {
        public let username: String
        public let displayName: String
        public let role: String
        public let organization: String?
    }
    /// Shared instruments of the demo institutions (weekday office hours).
    public struct Instrument: Codable, Sendable {
        public let name: String
        public let model: String
        public let manufacturer: String
        public let classCode: String
        public let originalValueYuan: String
        public let fiscalShare: String
        public let owner: String
        public let banner: String
        public let feeInternalYuan: String
        public let feeExternalYuan: String
        public let bufferMinutes: Int
        public let country: String?
        public let specifications: String?
        public let functions: String?
        public let applicationFields: String?
        public let shareMode: String?
        public let approvalRequired: Bool?
        public let qualification: String?
    }

    public let institutions: [Institution]
    public let enterprises: [Enterprise]
    public let instruments: [Instrument]?
    public let market: DemoMarket.File?
    public let users: [User]
    public let password: String
}

/// Loads the demo organisations and one login per role, once; later starts find the marker and skip.
public struct DemoSeeder: Sendable {
    public static let markerKey = "demo_loaded_at"
    public let db: any Database
    public let hasher: any PasswordHashing

    public init(db: any Database, hasher: any PasswordHashing) {
        self.db = db
        self.hasher = hasher
    }

    public func isLoaded() async throws -> Bool {
        try await PlatformSettingRecord.find(Self.markerKey, on: db) != nil
    }

    /// Returns false when the demo data was already there. Needs the policy text loaded first (departments).
    @discardableResult
    public func load(_ file: DemoDataFile, actor: Actor = .system) async throws -> Bool {
        if try await isLoaded() { return false }
        let hash = try hasher.hash(file.password)
        try await db.transaction { tx in
            for inst in file.institutions {
                guard let type = InstitutionType(rawValue: inst.type), let banner = Banner(rawValue: inst.banner) else {
                    throw DomainError(.invalidInput, code: "demo.bad_row", arguments: ["name": inst.name])
                }
                try await upsertOrganization(OrganizationRecord(kind: .institution, institutionType: type, name: inst.name,
                                                                banner: banner, description: inst.description), on: tx)
            }
            for (i, ent) in file.enterprises.enumerated() {
                guard let banner = Banner(rawValue: ent.banner) else {
                    throw DomainError(.invalidInput, code: "demo.bad_row", arguments: ["name": ent.name])
                }
                let code = CreditCode.complete("91" + banner.code + "MA0" + String(format: "%06d", (i + 1) * 7919 % 1_000_000))
                try await upsertOrganization(OrganizationRecord(kind: .enterprise, name: ent.name, creditCode: code, banner: banner), on: tx)
            }
            var enterprises: [OrganizationRecord] = []
            for ent in file.enterprises {
                if let org = try await OrganizationRecord.query(on: tx).filter(\.$name == ent.name).first() { enterprises.append(org) }
            }
            try await DemoEntityFacts.load(enterprises: enterprises, on: tx, actor: actor)
            let today = Day(ChinaTime.dateString(Date()))!
            try await DemoRegistry.recognitions(enterprises: enterprises, today: today, on: tx, actor: actor)
            for u in file.users {
                guard let role = Role(rawValue: u.role) else {
                    throw DomainError(.invalidInput, code: "demo.bad_row", arguments: ["name": u.username])
                }
                if try await UserRecord.query(on: tx).filter(\.$username == u.username).first() != nil { continue }
                let user = UserRecord(username: u.username, displayName: u.displayName, passwordHash: hash, role: role)
                try await user.create(on: tx)
                try await AuditTrail.record(on: tx, actor: actor, action: "user.create", entityType: "user", entityID: user.id!.uuidString,
                                            before: Optional<UserSnapshot>.none, after: UserSnapshot(user))
                if let orgName = u.organization {
                    guard let org = try await OrganizationRecord.query(on: tx).filter(\.$name == orgName).first() else {
                        throw DomainError(.invalidInput, code: "organization.unknown", arguments: ["name": orgName])
                    }
                    try await MembershipRecord(userID: user.id!, organizationID: org.id!, level: .owner).create(on: tx)
                }
            }
            for d in file.instruments ?? [] {
                guard let owner = try await OrganizationRecord.query(on: tx).filter(\.$name == d.owner).first(),
                      let value = Money(yuanString: d.originalValueYuan), let fin = Money(yuanString: d.feeInternalYuan),
                      let fex = Money(yuanString: d.feeExternalYuan) else {
                    throw DomainError(.invalidInput, code: "demo.bad_row", arguments: ["name": d.name])
                }
                let i = InstrumentRecord()
                i.$organization.id = owner.id!
                i.name = d.name
                i.model = d.model
                i.manufacturer = d.manufacturer
                i.classCode = d.classCode
                i.originalValueFen = value.fen
                i.fiscalShare = d.fiscalShare
                i.bannerCode = d.banner
                i.status = "active"
                i.feeUnitMinutes = 60
                i.feeInternalFen = fin.fen
                i.feeExternalFen = fex.fen
                i.openingHours = (1...5).map { "\($0):510-1050" }.joined(separator: ",")
                i.minMinutes = 30
                i.maxMinutes = 480
                i.bufferMinutes = d.bufferMinutes
                i.maxDaysAhead = 60
                i.approvalRequired = d.approvalRequired ?? false
                i.country = d.country ?? ""
                i.assetNumber = ""
                i.fundingSource = d.fiscalShare == "0" ? "own_funds" : "local_fiscal"
                i.purchaseDate = "2023-06-01"
                i.location = d.owner
                i.specifications = d.specifications ?? ""
                i.functions = d.functions ?? ""
                i.applicationFields = d.applicationFields ?? ""
                i.sampleRequirements = ""
                i.serviceModes = "on_site,sample_delivery"
                i.contactName = "仪器平台"
                i.contactPhone = "0477-8888888"
                i.shareMode = d.shareMode ?? "external"
                i.qualification = d.qualification ?? ""
                i.cancelHours = 24
                try await i.create(on: tx)
                try await DemoUsage.history(for: i, on: tx)
            }
            if let market = file.market { try await DemoMarket.load(market, on: tx) }
            try await DemoRegistry.platforms(today: today, on: tx, actor: actor)
            try await PlatformSettingRecord(key: Self.markerKey, value: ChinaTime.iso(Date())).create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "demo.load", entityType: "platform", entityID: "demo",
                                       detail: ["institutions": String(file.institutions.count), "enterprises": String(file.enterprises.count),
                                                "users": String(file.users.count)])
        }
        return true
    }

    private func upsertOrganization(_ org: OrganizationRecord, on tx: any Database) async throws {
        if try await OrganizationRecord.query(on: tx).filter(\.$name == org.name).first() != nil { return }
        try await org.create(on: tx)
    }
}
