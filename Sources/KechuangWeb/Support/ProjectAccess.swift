import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Who may see and move what in the projects module. Outsiders get 404, not 403, so ids cannot be probed.
extension Request {
    var projectToday: Day { today }

    func myOrganizationIDs() async throws -> [UUID] {
        guard let me = currentUser else { return [] }
        return try await accounts.organizationIDs(of: me.id)
    }

    /// An application and whether the viewer is staff; members of the applying organisation and staff only.
    func projectApplication(_ name: String = "id") async throws -> (ProjectApplicationRecord, staff: Bool) {
        let me = try requireUser()
        guard let id = parameters.get(name, as: UUID.self), let a = try await ProjectApplicationStore(db: db).find(id) else {
            throw DomainError.notFound("project_application")
        }
        if me.role.isStaff { return (a, true) }
        guard try await myOrganizationIDs().contains(a.organizationID) else { throw DomainError.notFound("project_application") }
        return (a, false)
    }

    /// A project and whether the viewer is staff; members of the organisation and staff only.
    func project(_ name: String = "id") async throws -> (ProjectRecord, staff: Bool) {
        let me = try requireUser()
        guard let id = parameters.get(name, as: UUID.self), let p = try await ProjectStore(db: db).find(id) else { throw DomainError.notFound("project") }
        if me.role.isStaff { return (p, true) }
        guard try await myOrganizationIDs().contains(p.organizationID) else { throw DomainError.notFound("project") }
        return (p, false)
    }

    func projectCall(_ name: String = "id") async throws -> ProjectCallRecord {
        guard let id = parameters.get(name, as: UUID.self), let c = try await ProjectCallStore(db: db).find(id) else { throw DomainError.notFound("project_call") }
        return c
    }

    func organizationNames(_ ids: [UUID]) async throws -> [UUID: String] {
        let set = Array(Set(ids))
        guard !set.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await OrganizationRecord.query(on: db).filter(\.$id ~~ set).all().map { ($0.id!, $0.name) })
    }

    /// "1,234.56 元" style amounts are the house display; plain yuan go into forms and exports.
    func fieldLabel(_ raw: String) -> String { t("field_" + raw) }
}
