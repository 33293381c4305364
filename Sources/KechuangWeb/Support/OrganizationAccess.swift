import Foundation
import KechuangCore
import KechuangStore
import Vapor

extension Request {
    /// The organisation named by `:id` if the user may act on its data: its members, and bureau staff.
    /// Others get 404 rather than 403 so organisation ids cannot be probed.
    func organizationForData() async throws -> (OrganizationRecord, EntityKind, staff: Bool) {
        let me = try requireUser()
        guard let id = parameters.get("id", as: UUID.self), let org = try await organizations.find(id), let kind = org.kind.entityKind else {
            throw DomainError.notFound("organization")
        }
        let staff = me.role.isStaff
        if !staff, !(try await accounts.isMember(userID: me.id, organizationID: id)) { throw DomainError.notFound("organization") }
        return (org, kind, staff)
    }
}

extension Request {
    /// A data source as people read it: "self-declared" is translated, department names stay as they are.
    func sourceLabel(_ source: String) -> String {
        source == EntityFact.selfDeclared ? t("source_self_declared") : source
    }
}
