import Foundation
import KechuangCore
import NIOConcurrencyHelpers

/// The rule base the server answers with. A reload that fails keeps the last good rule base serving and
/// keeps the errors for the admin page, so a typo in a policy file never takes matching down.
final class RuleBaseHolder: Sendable {
    struct State: Sendable {
        var base: RuleBase?
        var loadedAt: Date?
        var lastErrors: [String]
        var lastAttempt: Date?
    }

    let directory: String
    private let state: NIOLockedValueBox<State>

    init(directory: String) {
        self.directory = directory
        state = NIOLockedValueBox(State(base: nil, loadedAt: nil, lastErrors: [], lastAttempt: nil))
        _ = reload()
    }

    var current: RuleBase? { state.withLockedValue { $0.base } }
    var snapshot: State { state.withLockedValue { $0 } }

    /// Loads the policy files again; on failure the previous rule base stays in service.
    @discardableResult
    func reload() -> Bool {
        let now = WallClock.now
        do {
            let base = try RuleBase.load(directory: directory)
            state.withLockedValue { $0 = State(base: base, loadedAt: now, lastErrors: [], lastAttempt: now) }
            return true
        } catch let e as PolicyLoadErrors {
            state.withLockedValue { $0.lastErrors = e.errors.map(\.description); $0.lastAttempt = now }
        } catch {
            state.withLockedValue { $0.lastErrors = ["\(error)"]; $0.lastAttempt = now }
        }
        return false
    }

    /// The rule base or a 503-style domain error when none could ever be loaded.
    func require() throws -> RuleBase {
        guard let base = current else { throw DomainError(.notFound, code: "policy.rule_base_unavailable") }
        return base
    }
}
