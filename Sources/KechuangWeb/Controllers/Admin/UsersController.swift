import KechuangCore
import KechuangStore
import Vapor

/// Admins list accounts, create staff accounts and change a user's role (which ends that user's sessions).
struct UsersController {
    struct ListContent: Encodable {
        let users: [Row]
        let pager: Pager
        let roles: [RegistrationController.Option]
        let role: String
        let q: String
    }

    struct Row: Encodable {
        let username: String
        let displayName: String
        let roleLabel: String
        let role: String
        let active: Bool
        let lastLogin: String?
        let created: String
    }

    struct FormContent: Encodable {
        let form: FormState
        let roles: [RegistrationController.Option]
        let departments: [String]
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "admin", "users", access: .admin, use: list)
        r.on(.GET, "admin", "users", "new", access: .admin, use: newForm)
        r.on(.POST, "admin", "users", access: .admin, use: create)
        r.on(.POST, "admin", "users", ":username", "role", access: .admin, use: changeRole)
    }

    @Sendable func changeRole(req: Request) async throws -> Response {
        let input = try InputReader(req, allowed: ["role"])
        var v = Validator()
        let role = v.choice("role", input["role"], as: Role.self)
        try v.throwIfAny()
        let username = req.parameters.get("username") ?? ""
        _ = try await req.accounts.changeRole(username: username, to: role!, actor: req.actor)
        req.flash("flash_user_role_changed")
        return req.redirect(to: "/admin/users", redirectType: .normal)
    }

    func roleOptions(_ req: Request) -> [RegistrationController.Option] {
        Role.allCases.map { .init(value: $0.rawValue, label: req.t("role_\($0.rawValue)")) }
    }

    @Sendable func list(req: Request) async throws -> View {
        let role = (try? req.query.get(String.self, at: "role")).flatMap(Role.init(rawValue:))
        let q = (try? req.query.get(String.self, at: "q")) ?? ""
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 25)
        let result = try await req.accounts.listUsers(role: role, search: q, page: page)
        let rows = result.items.map {
            Row(username: $0.username, displayName: $0.displayName, roleLabel: req.t("role_\($0.roleRaw)"), role: $0.roleRaw, active: $0.isActive,
                lastLogin: $0.lastLoginAt.map(ChinaTime.display), created: $0.createdAt.map(ChinaTime.display) ?? "")
        }
        return try await req.page("admin/users", titleKey: "users_title", content: ListContent(
            users: rows, pager: Pager(result, path: "/admin/users", query: ["role": role?.rawValue, "q": q]),
            roles: roleOptions(req), role: role?.rawValue ?? "", q: q), forms: true)
    }

    func formContent(_ form: FormState, req: Request) async throws -> FormContent {
        let departments = try await req.organizations.list(.init(kind: .department), page: PageQuery(page: 1, per: 100)).items.map(\.name)
        return FormContent(form: form, roles: roleOptions(req), departments: departments)
    }

    @Sendable func newForm(req: Request) async throws -> View {
        try await req.page("admin/user-new", titleKey: "user_new_title", content: formContent(.empty, req: req), forms: true)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try InputReader(req, allowed: ["username", "password", "displayName", "role", "organizationName"])
        do {
            let new = try NewStaffUser.validate(username: input["username"], password: input["password"], displayName: input["displayName"],
                                                role: input["role"], organizationName: input["organizationName"])
            _ = try await req.accounts.createUser(new, actor: req.actor)
            req.flash("flash_user_created")
            return req.redirect(to: "/admin/users", redirectType: .normal)
        } catch let e as ValidationErrors {
            return try await rerender(e, input: input, req: req)
        } catch let e as DomainError where e.kind == .conflict || e.kind == .invalidInput {
            return try await rerender(e, input: input, req: req)
        }
    }

    private func rerender(_ e: any Error, input: InputReader, req: Request) async throws -> Response {
        let view = try await req.page("admin/user-new", titleKey: "user_new_title",
                                      content: formContent(try FormState(e, values: input.values, req: req), req: req), forms: true)
        return try await .rerender(view, for: req, status: (e as? DomainError)?.kind.status ?? .unprocessableEntity)
    }
}
