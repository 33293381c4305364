import Foundation

/// What a visitor types to register an account, as raw text from a form or JSON.
public struct RegistrationForm: Codable, Sendable, Equatable {
    public var username: String?
    public var password: String?
    public var passwordConfirm: String?
    public var displayName: String?
    public var role: String?
    public var organizationName: String?
    public var creditCode: String?
    public var institutionType: String?
    public var banner: String?

    public init(username: String? = nil, password: String? = nil, passwordConfirm: String? = nil, displayName: String? = nil,
                role: String? = nil, organizationName: String? = nil, creditCode: String? = nil,
                institutionType: String? = nil, banner: String? = nil) {
        self.username = username
        self.password = password
        self.passwordConfirm = passwordConfirm
        self.displayName = displayName
        self.role = role
        self.organizationName = organizationName
        self.creditCode = creditCode
        self.institutionType = institutionType
        self.banner = banner
    }
}

/// A checked registration: the account, and for enterprises and institutions the organisation it founds.
public struct Registration: Sendable, Equatable {
    public struct NewOrganization: Sendable, Equatable {
        public let kind: OrganizationKind
        public let name: String
        public let creditCode: String?
        public let institutionType: InstitutionType?
        public let banner: Banner
    }

    public let username: String
    public let password: String
    public let displayName: String
    public let role: Role
    public let organization: NewOrganization?

    /// Checks every field and reports all problems together.
    public static func validate(_ f: RegistrationForm) throws(ValidationErrors) -> Registration {
        var v = Validator()
        let username = CredentialRules.checkUsername(f.username, into: &v)
        let password = CredentialRules.checkPassword(f.password, into: &v)
        if password != nil, f.passwordConfirm != f.password {
            v.add(.invalid("passwordConfirm", "password.mismatch"))
        }
        let displayName = v.text("displayName", f.displayName, max: 60)
        let role = v.choice("role", f.role, as: Role.self, allowed: Role.selfRegistering)
        var org: NewOrganization?
        if let role, let kind = role.organizationKind {
            let name = v.text("organizationName", f.organizationName, min: 2, max: 100)
            let banner = bannerChoice(f.banner, into: &v)
            var code: String?
            var type: InstitutionType?
            if kind == .enterprise {
                let raw = (f.creditCode ?? "").trimmingCharacters(in: .whitespaces).uppercased()
                if raw.isEmpty { v.add(.invalid("creditCode", "field.required")) }
                else if !CreditCode.isValid(raw) { v.add(.invalid("creditCode", "credit_code.invalid")) }
                else { code = raw }
            } else {
                type = v.choice("institutionType", f.institutionType, as: InstitutionType.self)
            }
            if let name, let banner, (kind == .enterprise ? code != nil : type != nil) {
                org = NewOrganization(kind: kind, name: name, creditCode: code, institutionType: type, banner: banner)
            }
        }
        try v.throwIfAny()
        return Registration(username: username!, password: password!, displayName: displayName!, role: role!, organization: org)
    }

    static func bannerChoice(_ raw: String?, into v: inout Validator) -> Banner? {
        guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else {
            v.add(.invalid("banner", "field.required"))
            return nil
        }
        guard let b = Banner(codeOrName: raw) else {
            v.add(.invalid("banner", "banner.unknown", ["value": String(raw.prefix(20))]))
            return nil
        }
        return b
    }
}

/// A staff account an admin creates (or `kechuang user create`).
public struct NewStaffUser: Sendable, Equatable {
    public let username: String
    public let password: String
    public let displayName: String
    public let role: Role
    /// Name of an existing organisation to join (a department for staff), if any.
    public let organizationName: String?

    public static func validate(username: String?, password: String?, displayName: String?, role: String?,
                                organizationName: String?) throws(ValidationErrors) -> NewStaffUser {
        var v = Validator()
        let u = CredentialRules.checkUsername(username, into: &v)
        let p = CredentialRules.checkPassword(password, into: &v)
        let r = v.choice("role", role, as: Role.self)
        let d = v.text("displayName", displayName ?? username, max: 60)
        let o = v.text("organizationName", organizationName, max: 100, required: false)
        try v.throwIfAny()
        return NewStaffUser(username: u!, password: p!, displayName: d!, role: r!, organizationName: o)
    }
}
