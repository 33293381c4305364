import KechuangCore
import KechuangStore
import Vapor

/// The public directory of enterprises, institutions and departments.
struct OrganizationController {
    struct ListContent: Encodable {
        let organizations: [Row]
        let pager: Pager
        let kinds: [RegistrationController.Option]
        let banners: [RegistrationController.Option]
        let kind: String
        let banner: String
        let q: String
    }

    struct Row: Encodable {
        let id: String
        let name: String
        let kindLabel: String
        let bannerName: String?
    }

    struct ShowContent: Encodable {
        let name: String
        let kindLabel: String
        let typeLabel: String?
        let bannerName: String?
        let creditCode: String?
        let description: String
        let articles: [ArticleRef]
        /// Members are listed only to admins and to the organisation's own members.
        let members: [Member]?
    }

    struct ArticleRef: Encodable {
        let number: Int
        let numeral: String
        let title: String
        let lead: Bool
    }

    struct Member: Encodable {
        let displayName: String
        let level: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "organizations", access: .everyone, use: list)
        r.on(.GET, "organizations", ":id", access: .everyone, use: show)
    }

    func bannerName(_ b: Banner?, _ req: Request) -> String? { b.map { req.lang == .zh ? $0.nameZh : $0.nameEn } }

    @Sendable func list(req: Request) async throws -> View {
        let kind = (try? req.query.get(String.self, at: "kind")).flatMap(OrganizationKind.init(rawValue:))
        let banner = (try? req.query.get(String.self, at: "banner")).flatMap(Banner.init(rawValue:))
        let q = (try? req.query.get(String.self, at: "q")) ?? ""
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20)
        let result = try await req.organizations.list(.init(kind: kind, banner: banner, search: q), page: page)
        let rows = result.items.map { Row(id: $0.id!.uuidString, name: $0.name, kindLabel: req.t("org_kind_\($0.kindRaw)"), bannerName: bannerName($0.banner, req)) }
        return try await req.page("organizations/index", titleKey: "organizations_title", content: ListContent(
            organizations: rows,
            pager: Pager(result, path: "/organizations", query: ["kind": kind?.rawValue, "banner": banner?.code, "q": q]),
            kinds: OrganizationKind.allCases.map { .init(value: $0.rawValue, label: req.t("org_kind_\($0.rawValue)")) },
            banners: Banner.allCases.map { .init(value: $0.code, label: req.lang == .zh ? $0.nameZh : $0.nameEn) },
            kind: kind?.rawValue ?? "", banner: banner?.code ?? "", q: q))
    }

    @Sendable func show(req: Request) async throws -> View {
        guard let id = req.parameters.get("id", as: UUID.self), let org = try await req.organizations.find(id) else {
            throw DomainError.notFound("organization")
        }
        var members: [Member]?
        var mayListMembers = req.currentUser?.role == .admin
        if !mayListMembers, let me = req.currentUser { mayListMembers = try await req.accounts.isMember(userID: me.id, organizationID: id) }
        if mayListMembers {
            members = try await req.organizations.members(of: id).map { Member(displayName: $0.0.displayName, level: req.t("member_level_\($0.1)")) }
        }
        let articles = try await req.organizations.articles(responsibleUnit: id).map {
            ArticleRef(number: $0.0.number, numeral: $0.0.numeral, title: $0.0.title, lead: $0.1 == 0)
        }
        return try await req.page("organizations/show", titleKey: "organization_title", titleArgs: ["name": org.name], content: ShowContent(
            name: org.name, kindLabel: req.t("org_kind_\(org.kindRaw)"),
            typeLabel: org.institutionTypeRaw.map { req.t("institution_type_\($0)") },
            bannerName: bannerName(org.banner, req), creditCode: org.creditCode, description: org.description,
            articles: articles, members: members))
    }
}
