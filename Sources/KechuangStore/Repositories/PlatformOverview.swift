import FluentKit
import Foundation
import KechuangCore
import SQLKit

/// What the front page counts and what the health check asks: read-only questions about the platform as a whole.
public struct PlatformOverview: Sendable {
    let db: any Database
    public init(db: any Database) { self.db = db }

    public struct Counts: Sendable, Equatable {
        public let enterprises: Int
        public let institutions: Int
        public let departments: Int
        public let articles: Int
        public let targets: Int
        public let users: Int
        public let policyTitle: String?
    }

    public func counts(documentID: String) async throws -> Counts {
        let orgs = OrganizationStore(db: db)
        return Counts(
            enterprises: try await orgs.count(kind: .enterprise),
            institutions: try await orgs.count(kind: .institution),
            departments: try await orgs.count(kind: .department),
            articles: try await PolicyArticleRecord.query(on: db).filter(\.$documentID == documentID).count(),
            targets: try await IndicatorTargetRecord.query(on: db).count(),
            users: try await UserRecord.query(on: db).count(),
            policyTitle: try await PolicyTextStore(db: db).document(documentID)?.title)
    }

    /// Throws when the database does not answer a trivial query (the load balancer's health check).
    public func ping() async throws {
        _ = try await StoreSQL.sql(db).raw("SELECT 1 AS ok").all()
    }
}
