import Foundation

/// What earns platform points (积分制, art. 13). The values are parameters of the policy files
/// (`policies/ordos/rules/art13-platform-points.yaml`), read at the date of the event.
public enum PointsEvent: String, CaseIterable, Sendable {
    case listingPublished = "listing_published", matchCompleted = "match_completed", contractRegistered = "contract_registered"
    case instrumentShared = "instrument_shared"

    public var parameter: String { "points.\(rawValue)" }

    /// The points for the event on `day`, or nil when the policy files set none.
    public func points(in base: RuleBase, on day: Day) -> Int? {
        guard case .num(let x)? = base.parameter(parameter)?.value(at: day)?.value, let whole = try? x.rounded(scale: 0, .down), whole == x else { return nil }
        return Int(whole.description)
    }
}
