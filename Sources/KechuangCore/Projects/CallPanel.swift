import Foundation

/// The panel of a call run as 揭榜挂帅 or 赛马 (art. 19): user names typed on the call form, each an active member of
/// the expert pool, at least one.
public enum CallPanel {
    /// Names separated by commas (ASCII or full-width), trimmed; user names compare in lower case.
    public static func names(_ raw: String) -> [String] {
        raw.replacingOccurrences(of: "，", with: ",").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
    }

    /// The panel's user ids in the order typed (each once); `pool` maps the active experts' user names to their ids.
    public static func resolve(_ names: [String], pool: [String: UUID]) throws(ValidationErrors) -> [UUID] {
        if let bad = names.first(where: { pool[$0] == nil }) { throw ValidationErrors([.invalid("panel", "project.panel_not_expert", ["name": bad])]) }
        var seen = Set<UUID>()
        let ids = names.compactMap { pool[$0] }.filter { seen.insert($0).inserted }
        if ids.isEmpty { throw ValidationErrors([.invalid("panel", "challenge.panel_required")]) }
        return ids
    }
}
