import KechuangCore
import Vapor

/// What the layout template needs on every page, wrapped around the page's own typed content.
struct PageContext<Content: Encodable>: Encodable {
    let lang: String
    /// The other language, for the switch.
    let otherLang: String
    /// The whole translation table for `lang`; templates write `#(t.key)`.
    let t: [String: String]
    let title: String
    let user: UserBadge?
    let nav: [NavItem]
    /// Present when the page has forms (or a signed-in user, for the logout button).
    let csrf: String?
    let path: String
    let flash: String?
    let content: Content
}

struct UserBadge: Encodable {
    let username: String
    let displayName: String
    let role: String
    let roleLabel: String
}

struct NavItem: Encodable {
    let href: String
    let label: String
    let current: Bool
}

extension Request {
    /// Renders `template` inside the layout with the translated title.
    func page<C: Encodable>(_ template: String, titleKey: String, titleArgs: [String: String] = [:], content: C, forms: Bool = false) async throws -> View {
        let tr = services.translator
        let user = currentUser
        let csrf: String? = (forms || user != nil) ? csrfToken : nil
        let flash = hasSession ? session.data["flash"] : nil
        if flash != nil { session.data["flash"] = nil }
        let ctx = PageContext(
            lang: lang.rawValue,
            otherLang: lang == .zh ? "en" : "zh",
            t: tr.table(lang),
            title: tr.text(titleKey, lang, titleArgs),
            user: user.map { UserBadge(username: $0.username, displayName: $0.displayName, role: $0.role.rawValue, roleLabel: tr.text("role_\($0.role.rawValue)", lang)) },
            nav: Navigation.items(for: user, path: url.path, tr: tr, lang: lang),
            csrf: csrf,
            path: url.path,
            flash: flash.map { tr.text($0, lang) },
            content: content)
        return try await view.render(template, ctx)
    }

    /// A one-line message shown on the next page (a translation key).
    func flash(_ key: String) {
        session.data["flash"] = key
    }
}

/// The menu: only modules that exist, and only those the user may open.
enum Navigation {
    static func items(for user: CurrentUser?, path: String, tr: Translator, lang: Translator.Lang) -> [NavItem] {
        var entries: [(String, String)] = [("/", "nav_home"), ("/policy/match", "nav_match"), ("/ladder", "nav_ladder"), ("/platforms", "nav_platforms"), ("/policy/rules", "nav_rules"),
                                           ("/policy", "nav_policy"), ("/organizations", "nav_organizations"),
                                           ("/monitoring", "nav_monitoring"), ("/market", "nav_market"), ("/instruments", "nav_instruments"), ("/projects", "nav_projects"),
                                           ("/talent/verify", "nav_talent_verify")]
        if let user {
            entries.append(("/bookings", "nav_bookings"))
            entries.append(("/account", "nav_account"))
            if !user.role.isStaff && user.role != .broker { entries.append(("/projects/mine", "nav_projects_mine")) }
            if user.role == .talent {
                entries.append(("/talent/me", "nav_talent_me"))
                entries.append(("/talent/me/requests", "nav_talent_requests"))
            }
            if user.role.isStaff {
                entries.append(("/services/requests", "nav_service_queue"))
                entries.append(("/admin/talent", "nav_talent_db"))
                entries.append(("/review/applications", "nav_review"))
                entries.append(("/projects/list", "nav_project_list"))
                entries.append(("/integrity", "nav_integrity"))
                entries.append(("/admin/recognitions", "nav_recognitions"))
                entries.append(("/entities/points", "nav_points"))
                entries.append(("/entities/tracking", "nav_ladder_tracking"))
                entries.append(("/admin/ladder/runs", "nav_ladder_runs"))
                entries.append(("/market/review", "nav_market_review"))
                entries.append(("/tracking", "nav_tracking"))
                entries.append(("/dashboard", "nav_dashboard"))
                entries.append(("/admin/policy/whatif", "nav_whatif"))
            }
            if user.role == .admin {
                entries.append(("/admin/users", "nav_users"))
                entries.append(("/admin/policy", "nav_admin_policy"))
                entries.append(("/admin/policy/runs", "nav_runs"))
                entries.append(("/admin/audit", "nav_audit"))
            }
        }
        return entries.map { href, key in
            // The longest matching entry is current, so /policy/rules does not also light up /policy.
            let current = href == "/" ? path == "/" : (path == href || path.hasPrefix(href + "/")) && !entries.contains { $0.0.count > href.count && path.hasPrefix($0.0) }
            return NavItem(href: href, label: tr.text(key, lang), current: current)
        }
    }
}

/// Page links for any paginated list, keeping the list's filters.
struct Pager: Encodable {
    let page: Int
    let pageCount: Int
    let total: Int
    let previousHref: String?
    let nextHref: String?

    init<T>(_ result: PagedList<T>, path: String, query: [String: String?]) {
        page = result.page
        pageCount = result.pageCount
        total = result.total
        func href(_ p: Int) -> String {
            var c = URLComponents()
            c.path = path
            let items = query.compactMap { k, v in v.flatMap { $0.isEmpty ? nil : URLQueryItem(name: k, value: $0) } }.sorted { $0.name < $1.name }
            c.queryItems = items + [URLQueryItem(name: "page", value: String(p))]
            return c.string ?? path
        }
        previousHref = result.hasPrevious ? href(result.page - 1) : nil
        nextHref = result.hasNext ? href(result.page + 1) : nil
    }
}
