import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Who may see what of a talent. Personal data goes to the person, the talent office (admins and members of
/// 市委组织部, which runs 分类认定 and the 人才办), and a service unit for the one request it handles — nobody else:
/// not enterprises, brokers, other talents or other departments' reviewers.
extension Request {
    static let talentOfficeUnit = "市委组织部"

    var talents: TalentStore { TalentStore(db: db, cipher: services.cipher) }
    var talentCodes: TalentCodeStore { TalentCodeStore(db: db, cipher: services.cipher) }

    /// The signed-in talent's own record (nil before the profile is first saved).
    func ownTalent() async throws -> TalentRecord? {
        let me = try requireUser()
        guard me.role == .talent else { throw DomainError.forbidden }
        return try await talents.of(userID: me.id)
    }

    /// The signed-in talent's record, or a 404 asking them to fill in the profile first.
    func requireOwnTalent() async throws -> TalentRecord {
        guard let t = try await ownTalent() else { throw DomainError(.notFound, code: "talent.no_profile") }
        return t
    }

    /// Admins, and reviewers who are members of the talent office.
    func isTalentOffice() async throws -> Bool {
        guard let me = currentUser else { return false }
        if me.role == .admin { return true }
        guard me.role == .reviewer else { return false }
        return try await accounts.organizations(of: me.id).contains { $0.name == Self.talentOfficeUnit }
    }

    func requireTalentOffice() async throws {
        guard try await isTalentOffice() else { throw DomainError.forbidden }
    }

    /// The departments the signed-in reviewer belongs to (the service units whose queues they work).
    func serviceUnits() async throws -> [OrganizationRecord] {
        guard let me = currentUser, me.role.isStaff else { return [] }
        return try await accounts.organizations(of: me.id).filter { $0.kind == .department }
    }

    /// A viewer entry for the access log.
    func talentViewer(purpose: String, unit: String?) -> TalentStore.Viewer {
        let me = currentUser
        return TalentStore.Viewer(userID: me?.id, name: me.map { "\($0.displayName) (\($0.username))" } ?? "visitor", role: me?.role.rawValue ?? "",
                                  unit: unit, purpose: purpose)
    }
}
