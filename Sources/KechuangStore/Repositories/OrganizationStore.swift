import FluentKit
import Foundation
import KechuangCore

/// Reads of the organisation directory.
public struct OrganizationStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public struct Filter: Sendable {
        public var kind: OrganizationKind?
        public var banner: Banner?
        public var search: String?
        public init(kind: OrganizationKind? = nil, banner: Banner? = nil, search: String? = nil) {
            self.kind = kind
            self.banner = banner
            self.search = search
        }
    }

    public func list(_ f: Filter, page: PageQuery) async throws -> PagedList<OrganizationRecord> {
        let q = OrganizationRecord.query(on: db)
        if let k = f.kind { q.filter(\.$kindRaw == k.rawValue) }
        if let b = f.banner { q.filter(\.$bannerCode == b.code) }
        if let s = f.search?.trimmingCharacters(in: .whitespaces), !s.isEmpty { q.filter(\.$name ~~ s) }
        let total = try await q.count()
        let items = try await q.sort(\.$name).range(page.offset..<(page.offset + page.per)).all()
        return PagedList(items: items, request: page, total: total)
    }

    /// Enterprises and institutions by name: the employers a talent chooses from.
    public func employers() async throws -> [OrganizationRecord] {
        try await OrganizationRecord.query(on: db).filter(\.$kindRaw ~~ [OrganizationKind.enterprise.rawValue, OrganizationKind.institution.rawValue])
            .sort(\.$kindRaw, .descending).sort(\.$name).all()
    }

    public func find(_ id: UUID) async throws -> OrganizationRecord? {
        try await OrganizationRecord.find(id, on: db)
    }

    public func members(of organizationID: UUID) async throws -> [(UserRecord, String)] {
        try await MembershipRecord.query(on: db).filter(\.$organization.$id == organizationID).with(\.$user).all()
            .map { ($0.user, $0.levelRaw) }
    }

    public func count(kind: OrganizationKind) async throws -> Int {
        try await OrganizationRecord.query(on: db).filter(\.$kindRaw == kind.rawValue).count()
    }

    /// Articles a department is responsible for, lead-unit positions included.
    public func articles(responsibleUnit organizationID: UUID) async throws -> [(PolicyArticleRecord, Int)] {
        try await ArticleUnitRecord.query(on: db).filter(\.$organization.$id == organizationID).with(\.$article).all()
            .map { ($0.article, $0.position) }.sorted { $0.0.number < $1.0.number }
    }
}
