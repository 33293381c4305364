import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Admins see which rule base is serving, reload it, and read the errors of a failed reload.
struct RuleBaseAdminController {
    struct Content: Encodable {
        let version: String?
        let loadedAt: String?
        let lastAttempt: String?
        let errors: [String]
        let ruleCount: Int
        let parameterCount: Int
        let variableCount: Int
        let testsPassed: Int
        let testsFailed: Int
        let directory: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "admin", "policy", access: .admin, use: show)
        r.on(.POST, "admin", "policy", "reload", access: .admin, use: reload)
    }

    @Sendable func show(req: Request) async throws -> View {
        let holder = req.services.rules
        let s = holder.snapshot
        let results = s.base.map { PolicyTestRunner(base: $0).runAll() } ?? []
        return try await req.page("admin/policy", titleKey: "admin_policy_title", content: Content(
            version: s.base?.version, loadedAt: s.loadedAt.map(ChinaTime.display), lastAttempt: s.lastAttempt.map(ChinaTime.display),
            errors: s.lastErrors, ruleCount: s.base?.rules.count ?? 0, parameterCount: s.base?.parameters.count ?? 0,
            variableCount: s.base?.variables.count ?? 0, testsPassed: results.filter(\.passed).count,
            testsFailed: results.filter { !$0.passed }.count, directory: holder.directory), forms: true)
    }

    @Sendable func reload(req: Request) async throws -> Response {
        let holder = req.services.rules
        let before = holder.current?.version
        let ok = holder.reload()
        try await AuditTrail.event(on: req.db, actor: req.actor, action: ok ? "policy.reload" : "policy.reload_failed", entityType: "rule_base",
                                   entityID: holder.current?.version ?? "none",
                                   detail: ["before": before ?? "none", "errors": String(holder.snapshot.lastErrors.count)])
        req.flash(ok ? "flash_rules_reloaded" : "flash_rules_reload_failed")
        return req.redirect(to: "/admin/policy", redirectType: .normal)
    }
}
