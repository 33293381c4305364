import FluentKit
import Foundation
import KechuangCore

/// The reads the project pages need beyond each store's core use cases: an expert's assignments with their context,
/// the pool with its accounts, sheets and the project of an application, call titles, objections.
extension ReviewStore {
    public struct AssignmentContext: Sendable {
        public let assignment: ReviewAssignmentRecord
        public let application: ProjectApplicationRecord
        public let call: ProjectCallRecord?
        public let sheet: ReviewSheetRecord?
    }

    /// An expert's assignments (those whose application still exists), with the application, call and the expert's sheet.
    public func assignmentContexts(expertUserID: UUID) async throws -> [AssignmentContext] {
        let list = try await assignments(expertUserID: expertUserID)
        guard !list.isEmpty else { return [] }
        let apps = try await ProjectApplicationRecord.query(on: db).filter(\.$id ~~ list.map(\.applicationID)).all()
        let calls = try await ProjectCallRecord.query(on: db).filter(\.$id ~~ list.map(\.callID)).all()
        let sheets = try await ReviewSheetRecord.query(on: db).filter(\.$assignmentID ~~ list.map { $0.id! }).all()
        return list.compactMap { a in
            apps.first { $0.id == a.applicationID }.map { app in
                AssignmentContext(assignment: a, application: app, call: calls.first { $0.id == a.callID }, sheet: sheets.first { $0.assignmentID == a.id })
            }
        }
    }

    /// One assignment, only for the expert it is assigned to (nil for anyone else, staff included).
    public func assignment(_ id: UUID, expertUserID: UUID) async throws -> (ReviewAssignmentRecord, ProjectApplicationRecord, ProjectCallRecord)? {
        guard let a = try await assignment(id), a.expertUserID == expertUserID,
              let app = try await ProjectApplicationRecord.find(a.applicationID, on: db), let call = try await ProjectCallRecord.find(a.callID, on: db) else { return nil }
        return (a, app, call)
    }

    /// The expert pool with each expert's account (profiles whose account is gone are left out).
    public func expertsWithAccounts() async throws -> [(profile: ExpertProfileRecord, user: UserRecord)] {
        let experts = try await experts()
        guard !experts.isEmpty else { return [] }
        let users = Dictionary(try await UserRecord.query(on: db).filter(\.$id ~~ experts.map(\.userID)).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return experts.compactMap { e in users[e.userID].map { (e, $0) } }
    }

    /// An application's sheets, highest total first.
    public func sheets(applicationID: UUID) async throws -> [ReviewSheetRecord] {
        try await ReviewSheetRecord.query(on: db).filter(\.$applicationID == applicationID).sort(\.$total, .descending).all()
    }
}

extension ProjectStore {
    /// The project contracted from an application, if any.
    public func project(applicationID: UUID) async throws -> ProjectRecord? {
        try await ProjectRecord.query(on: db).filter(\.$applicationID == applicationID).first()
    }
}

extension ProjectCallStore {
    public func titles(_ ids: Set<UUID>) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await ProjectCallRecord.query(on: db).filter(\.$id ~~ Array(ids)).all().map { ($0.id!, $0.title) }, uniquingKeysWith: { a, _ in a })
    }

    public func objection(_ id: UUID) async throws -> ProjectObjectionRecord? { try await ProjectObjectionRecord.find(id, on: db) }
}

extension AccountStore {
    /// Accounts by id (for names on lists).
    public func users(ids: [UUID]) async throws -> [UserRecord] {
        ids.isEmpty ? [] : try await UserRecord.query(on: db).filter(\.$id ~~ ids).all()
    }

    /// Accounts by user name, as typed on a form (user names are stored in lower case).
    public func users(usernames: [String]) async throws -> [UserRecord] {
        usernames.isEmpty ? [] : try await UserRecord.query(on: db).filter(\.$username ~~ usernames.map { $0.lowercased() }).all()
    }
}

extension OrganizationStore {
    /// The organisation with exactly this registered name.
    public func find(name: String) async throws -> OrganizationRecord? {
        try await OrganizationRecord.query(on: db).filter(\.$name == name).first()
    }
}

extension ListingStore {
    /// Published demands, newest first (a call may be set from one).
    public func publishedDemands(limit: Int) async throws -> [DemandRecord] {
        try await DemandRecord.query(on: db).filter(\.$status == ListingStatus.published.rawValue).sort(\.$createdAt, .descending).limit(limit).all()
    }
}

extension ReviewStore {
    /// The panel typed on a challenge call's form, checked against the active expert pool (`CallPanel`).
    public func callPanel(_ raw: String) async throws -> [UUID] {
        let names = CallPanel.names(raw)
        let active = Set(try await experts().filter(\.active).map(\.userID))
        let users = names.isEmpty ? [] : try await UserRecord.query(on: db).filter(\.$username ~~ names).all().filter { active.contains($0.id!) }
        return try Result { () throws(ValidationErrors) in
            try CallPanel.resolve(names, pool: Dictionary(users.map { ($0.username.lowercased(), $0.id!) }, uniquingKeysWith: { a, _ in a }))
        }.get()
    }
}
