import KechuangCore
import KechuangStore
import Vapor

/// Self-service registration for enterprises, institutions and talent.
struct RegistrationController {
    struct Content: Encodable {
        let form: FormState
        let roles: [Option]
        let banners: [Option]
        let institutionTypes: [Option]
    }

    struct Option: Encodable {
        let value: String
        let label: String
    }

    static let fields: Set<String> = ["username", "password", "passwordConfirm", "displayName", "role", "organizationName",
                                      "creditCode", "institutionType", "banner"]

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "register", access: .everyone, use: show)
        r.on(.POST, "register", access: .everyone, use: submit)
    }

    func content(_ form: FormState, req: Request) -> Content {
        Content(
            form: form,
            roles: Role.selfRegistering.map { Option(value: $0.rawValue, label: req.t("role_\($0.rawValue)")) },
            banners: Banner.allCases.map { Option(value: $0.code, label: req.lang == .zh ? $0.nameZh : $0.nameEn) },
            institutionTypes: InstitutionType.allCases.map { Option(value: $0.rawValue, label: req.t("institution_type_\($0.rawValue)")) })
    }

    @Sendable func show(req: Request) async throws -> View {
        try await req.page("accounts/register", titleKey: "register_title", content: content(.empty, req: req), forms: true)
    }

    @Sendable func submit(req: Request) async throws -> Response {
        let input = try InputReader(req, allowed: Self.fields)
        let form = RegistrationForm(username: input["username"], password: input["password"], passwordConfirm: input["passwordConfirm"],
                                    displayName: input["displayName"], role: input["role"], organizationName: input["organizationName"],
                                    creditCode: input["creditCode"], institutionType: input["institutionType"], banner: input["banner"])
        do {
            let registration = try Registration.validate(form)
            let user = try await req.accounts.register(registration, actor: req.actor)
            try await LoginController.startSession(for: user, req: req)
            req.flash("flash_registered")
            return req.redirect(to: "/account", redirectType: .normal)
        } catch let e as ValidationErrors {
            return try await rerender(e, input: input, req: req)
        } catch let e as DomainError where e.kind == .conflict || e.kind == .invalidInput {
            return try await rerender(e, input: input, req: req)
        }
    }

    private func rerender(_ e: any Error, input: InputReader, req: Request) async throws -> Response {
        let view = try await req.page("accounts/register", titleKey: "register_title",
                                      content: content(try FormState(e, values: input.values, req: req), req: req), forms: true)
        return try await .rerender(view, for: req, status: (e as? DomainError)?.kind.status ?? .unprocessableEntity)
    }
}
