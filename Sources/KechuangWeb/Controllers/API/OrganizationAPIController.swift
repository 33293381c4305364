import KechuangCore
import KechuangStore
import Vapor

/// The organisation directory as JSON, paginated and filtered like the page.
struct OrganizationAPIController {
    struct OrgJSON: Content {
        let id: String
        let kind: String
        let institutionType: String?
        let name: String
        let bannerCode: String?
        let bannerName: String?
    }

    struct ListJSON: Content {
        let items: [OrgJSON]
        let page: Int
        let per: Int
        let total: Int
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "api", "v1", "organizations", access: .everyone, use: list)
    }

    @Sendable func list(req: Request) async throws -> ListJSON {
        var kind: OrganizationKind?
        if let raw = try? req.query.get(String.self, at: "kind") {
            guard let k = OrganizationKind(rawValue: raw) else { throw DomainError.invalid("kind", "field.not_allowed", ["value": String(raw.prefix(20))]) }
            kind = k
        }
        var banner: Banner?
        if let raw = try? req.query.get(String.self, at: "banner") {
            guard let b = Banner(codeOrName: raw) else { throw DomainError.invalid("banner", "banner.unknown", ["value": String(raw.prefix(20))]) }
            banner = b
        }
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: try? req.query.get(Int.self, at: "per"))
        let result = try await req.organizations.list(.init(kind: kind, banner: banner, search: try? req.query.get(String.self, at: "q")), page: page)
        return ListJSON(items: result.items.map {
            OrgJSON(id: $0.id!.uuidString, kind: $0.kindRaw, institutionType: $0.institutionTypeRaw, name: $0.name,
                    bannerCode: $0.bannerCode, bannerName: $0.banner?.nameZh)
        }, page: result.page, per: result.per, total: result.total)
    }
}
