import Foundation

/// Where an application stands, from the applicant's draft to the 任务书.
public enum ApplicationState: String, CaseIterable, Sendable, Codable {
    case draft
    /// Passed the engine's formal check and signed the integrity commitment; frozen from here on.
    case submitted
    /// Sent back by staff at the formal check (形式审查) with a reason; the applicant may fix and resubmit.
    case returned
    /// The call's deadline has passed and experts are scoring it.
    case underReview = "under_review"
    case approved, rejected, withdrawn
    /// The 任务书 has been signed: the application is now a project.
    case contracted

    /// Once submitted, the applicant cannot change the content (peers: a later change must never rewrite a submitted
    /// application).
    public var isEditable: Bool { self == .draft || self == .returned }
    public var isFinal: Bool { [.rejected, .withdrawn, .contracted].contains(self) }
}

public enum ApplicationAction: String, CaseIterable, Sendable, Codable {
    /// The applicant submits (only after the formal check passes).
    case submit
    /// The applicant withdraws, any time before review starts.
    case withdraw
    /// Staff return it at the formal check, with a reason.
    case returnForChanges = "return"
    /// The deadline passed: review starts (staff, for the whole call).
    case startReview = "start_review"
    /// Staff decide after the ranking.
    case approve, reject
    /// The 立项公示 objection period is over and the 任务书 is signed.
    case contract

    public enum Actor: Sendable { case applicant, staff }

    public var actor: Actor { self == .submit || self == .withdraw ? .applicant : .staff }
    /// Moves that must say why.
    public var needsReason: Bool { self == .returnForChanges || self == .reject || self == .withdraw }

    /// The state after the move, or nil when the move is refused from `state`.
    public func next(from state: ApplicationState) -> ApplicationState? {
        switch (self, state) {
        case (.submit, .draft), (.submit, .returned): .submitted
        case (.withdraw, .draft), (.withdraw, .submitted), (.withdraw, .returned): .withdrawn
        case (.returnForChanges, .submitted): .returned
        case (.startReview, .submitted): .underReview
        case (.approve, .underReview): .approved
        // An application can be turned down at the formal check as well as after review.
        case (.reject, .submitted), (.reject, .underReview): .rejected
        case (.contract, .approved): .contracted
        default: nil
        }
    }

    public static func available(in state: ApplicationState, for actor: Actor) -> [ApplicationAction] {
        allCases.filter { $0.actor == actor && $0.next(from: state) != nil }
    }
}
