import Foundation

/// A project after its 任务书: execution, mid-term check, acceptance (验收) and performance evaluation.
public enum ProjectState: String, CaseIterable, Sendable, Codable {
    /// 执行中
    case executing
    /// 中期检查中: the mid-term report is in and staff are checking it.
    case midterm
    /// 验收中: the final report is in.
    case acceptance
    /// 通过验收
    case accepted
    /// 未通过验收
    case failed
    /// 终止 (mid-term failure, a failed milestone under 里程碑/赛马, misconduct, or at the unit's request)
    case terminated
    /// 绩效评价完成
    case evaluated

    public var isOpen: Bool { [.executing, .midterm, .acceptance].contains(self) }
}

public enum ProjectAction: String, CaseIterable, Sendable, Codable {
    /// The project leader hands in the mid-term report.
    case submitMidterm = "submit_midterm"
    /// Staff pass the mid-term check (the project goes on).
    case passMidterm = "pass_midterm"
    /// Staff fail it: the project is terminated.
    case failMidterm = "fail_midterm"
    /// The leader applies for acceptance with the final report (every milestone reviewed first).
    case applyAcceptance = "apply_acceptance"
    case accept
    case rejectAcceptance = "reject_acceptance"
    /// Staff end an open project early.
    case terminate
    /// Staff record the performance evaluation (绩效评价, graded with `PerformanceGrade`) of an accepted project.
    case evaluate

    public enum Actor: Sendable { case leader, staff }

    public var actor: Actor { self == .submitMidterm || self == .applyAcceptance ? .leader : .staff }
    public var needsReason: Bool { [.failMidterm, .rejectAcceptance, .terminate].contains(self) }

    /// What must be true besides the state: the mid-term check is done before acceptance, and every milestone
    /// has been reviewed.
    public struct Facts: Sendable, Equatable {
        public var midtermPassed: Bool
        public var milestonesOpen: Int
        public init(midtermPassed: Bool, milestonesOpen: Int) {
            self.midtermPassed = midtermPassed
            self.milestonesOpen = milestonesOpen
        }
    }

    /// The state after the move, or the reason it is refused.
    public func next(from state: ProjectState, facts: Facts) -> Result<ProjectState, DomainError> {
        switch (self, state) {
        case (.submitMidterm, .executing):
            return facts.midtermPassed ? .failure(DomainError(.conflict, code: "project.midterm_done")) : .success(.midterm)
        case (.passMidterm, .midterm): return .success(.executing)
        case (.failMidterm, .midterm): return .success(.terminated)
        case (.applyAcceptance, .executing):
            if !facts.midtermPassed { return .failure(DomainError(.conflict, code: "project.midterm_first")) }
            if facts.milestonesOpen > 0 {
                return .failure(DomainError(.conflict, code: "project.milestones_open", arguments: ["n": String(facts.milestonesOpen)]))
            }
            return .success(.acceptance)
        case (.accept, .acceptance): return .success(.accepted)
        case (.rejectAcceptance, .acceptance): return .success(.failed)
        case (.terminate, .executing), (.terminate, .midterm), (.terminate, .acceptance): return .success(.terminated)
        case (.evaluate, .accepted): return .success(.evaluated)
        default:
            return .failure(DomainError(.conflict, code: "project.transition", arguments: ["action": rawValue, "state": state.rawValue]))
        }
    }

    public static func available(in state: ProjectState, for actor: Actor, facts: Facts) -> [ProjectAction] {
        allCases.filter { a in
            guard a.actor == actor else { return false }
            if case .success = a.next(from: state, facts: facts) { return true }
            return false
        }
    }
}
