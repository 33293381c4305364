import Foundation

/// The kinds of organisation users belong to; ownership is always checked through membership.
public enum OrganizationKind: String, CaseIterable, Codable, Sendable {
    case enterprise
    /// A university or research institute; `InstitutionType` says which.
    case institution
    /// A government department or unit named in the policy as responsible for an article.
    case department
}

/// What an institution is.
public enum InstitutionType: String, CaseIterable, Codable, Sendable {
    case university
    case institute
    /// 新型研发机构 such as 鄂尔多斯实验室.
    case newRD = "new_rd"
}
