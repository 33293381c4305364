import Foundation

/// Who a signed-in user is to the platform. Visitors have no account and no role.
public enum Role: String, CaseIterable, Codable, Sendable {
    /// Bureau staff (市科学技术局) who run the platform.
    case admin
    /// Department staff who review applications and listings.
    case reviewer
    case enterprise
    /// A university or research institute.
    case institution
    case talent
    /// A technology broker (技术经纪人).
    case broker

    /// Roles anyone may take by registering; staff roles are granted by an admin.
    public static let selfRegistering: [Role] = [.enterprise, .institution, .talent]
    public static let staff: [Role] = [.admin, .reviewer]

    public var isStaff: Bool { Self.staff.contains(self) }

    /// The organisation kind a user of this role belongs to, if the role implies one.
    public var organizationKind: OrganizationKind? {
        switch self {
        case .admin, .reviewer: .department
        case .enterprise: .enterprise
        case .institution: .institution
        case .talent, .broker: nil
        }
    }
}
