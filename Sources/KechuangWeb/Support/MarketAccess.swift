import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

extension Request {
    var marketCatalog: MarketCatalog { services.market }
    var contracts: ContractStore { ContractStore(db: db) }

    /// The organisation the user lists for (its first non-department membership); a 403 names why when none.
    func listingOrganization() async throws -> OrganizationRecord {
        let me = try requireUser()
        guard let org = try await accounts.organizations(of: me.id).first(where: { $0.kind != .department }) else {
            throw DomainError(.invalidInput, code: "market.no_organization", field: "organization")
        }
        return org
    }

    func ownsOrganization(_ id: UUID) async throws -> Bool {
        guard let me = currentUser else { return false }
        return try await accounts.isMember(userID: me.id, organizationID: id)
    }

    func achievement() async throws -> AchievementRecord {
        guard let id = parameters.get("id", as: UUID.self), let a = try await AchievementRecord.find(id, on: db) else { throw DomainError.notFound("achievement") }
        return a
    }

    func demand() async throws -> DemandRecord {
        guard let id = parameters.get("id", as: UUID.self), let d = try await DemandRecord.find(id, on: db) else { throw DomainError.notFound("demand") }
        return d
    }

    /// A listing is visible to everyone once published; before that (and after withdrawal) only to its owner and staff.
    func mayView(status: String, organizationID: UUID) async throws -> Bool {
        if status == ListingStatus.published.rawValue || status == ListingStatus.closed.rawValue { return true }
        if currentUser?.role.isStaff == true { return true }
        return try await ownsOrganization(organizationID)
    }

    /// Options for the field and banner selects.
    func fieldOptions() -> [RegistrationController.Option] { PriorityField.allCases.map { .init(value: $0.rawValue, label: t("field_\($0.rawValue)")) } }
    func bannerOptions() -> [RegistrationController.Option] { Banner.allCases.map { .init(value: $0.code, label: lang == .zh ? $0.nameZh : $0.nameEn) } }
    func bannerName(_ code: String?) -> String { code.flatMap(Banner.init(rawValue:)).map { lang == .zh ? $0.nameZh : $0.nameEn } ?? "" }
}
