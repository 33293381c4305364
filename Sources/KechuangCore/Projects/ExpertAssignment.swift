import Foundation

/// 专家遴选: who reviews which application, with conflicts of interest kept out and the load spread evenly.
///
/// An expert may not review an application when (1) they work for the applying organisation or any partner on the
/// team, (2) they are on its team, (3) they declared a conflict with one of those organisations or people, or (4) an
/// integrity sanction bars them from review. Among the rest, those whose fields match the application's come first,
/// then the least loaded; ties go by expert id, so a run is repeatable. Applications with the fewest possible
/// experts are served first, so the scarce experts are not used up by easy ones.
public enum ExpertAssignment {
    public enum Conflict: String, Sendable, CaseIterable {
        case sameOrganization = "same_organization"
        case onTeam = "on_team"
        case declared
        case sanctioned
    }

    public struct Expert: Sendable {
        public let id: UUID
        public let organizationID: UUID?
        public let fields: Set<String>
        /// Organisations and people the expert declared a conflict with.
        public let declaredConflicts: Set<UUID>
        public let sanctioned: Bool
        /// Reviews already held (other calls), counted against the load limit.
        public let existingLoad: Int
        public init(id: UUID, organizationID: UUID?, fields: Set<String>, declaredConflicts: Set<UUID> = [], sanctioned: Bool = false, existingLoad: Int = 0) {
            self.id = id
            self.organizationID = organizationID
            self.fields = fields
            self.declaredConflicts = declaredConflicts
            self.sanctioned = sanctioned
            self.existingLoad = existingLoad
        }
    }

    public struct Application: Sendable {
        public let id: UUID
        public let field: String
        /// The applying organisation and every partner organisation.
        public let organizations: Set<UUID>
        /// Users on the team (leader and members with accounts).
        public let team: Set<UUID>
        public init(id: UUID, field: String, organizations: Set<UUID>, team: Set<UUID>) {
            self.id = id
            self.field = field
            self.organizations = organizations
            self.team = team
        }
    }

    public struct Plan: Sendable {
        public let assignments: [UUID: [UUID]]
        /// Applications that got fewer than the wanted number of experts, with how many they got.
        public let shortfalls: [UUID: Int]
        public let load: [UUID: Int]
        /// How many (application, expert) pairs each conflict kept apart.
        public let excluded: [Conflict: Int]
    }

    /// Why `e` may not review `a`, or nil when they may.
    public static func conflict(_ e: Expert, _ a: Application) -> Conflict? {
        if e.sanctioned { return .sanctioned }
        if let org = e.organizationID, a.organizations.contains(org) { return .sameOrganization }
        if a.team.contains(e.id) { return .onTeam }
        if !e.declaredConflicts.isDisjoint(with: a.organizations) || !e.declaredConflicts.isDisjoint(with: a.team) { return .declared }
        return nil
    }

    /// `perApplication` experts each, no expert above `maxLoad` reviews in total (existing load included).
    public static func plan(applications: [Application], experts: [Expert], perApplication: Int, maxLoad: Int) -> Plan {
        var excluded: [Conflict: Int] = [:]
        var eligible: [UUID: [Int]] = [:]
        for a in applications {
            var ok: [Int] = []
            for (i, e) in experts.enumerated() {
                if let c = conflict(e, a) { excluded[c, default: 0] += 1 } else { ok.append(i) }
            }
            eligible[a.id] = ok
        }
        var load = experts.map(\.existingLoad)
        var assignments: [UUID: [UUID]] = [:]
        var shortfalls: [UUID: Int] = [:]
        // Ties go by id; the ids' text order is computed once, not inside the comparisons.
        let idRank = Dictionary(uniqueKeysWithValues: experts.indices.sorted { experts[$0].id.uuidString < experts[$1].id.uuidString }
            .enumerated().map { ($1, $0) })
        let order = applications.map { ($0, eligible[$0.id]?.count ?? 0, $0.id.uuidString) }.sorted { ($0.1, $0.2) < ($1.1, $1.2) }.map(\.0)
        for a in order {
            // Sort key: field mismatch, load, id rank; the first `perApplication` are chosen.
            let keyed = (eligible[a.id] ?? []).filter { load[$0] < maxLoad }
                .map { (i: $0, key: ((experts[$0].fields.contains(a.field) ? 0 : 1), load[$0], idRank[$0]!)) }
            let chosen = keyed.sorted { $0.key < $1.key }.prefix(perApplication).map(\.i)
            for i in chosen { load[i] += 1 }
            assignments[a.id] = chosen.map { experts[$0].id }
            if chosen.count < perApplication { shortfalls[a.id] = chosen.count }
        }
        return Plan(assignments: assignments, shortfalls: shortfalls,
                    load: Dictionary(uniqueKeysWithValues: experts.enumerated().map { ($1.id, load[$0]) }), excluded: excluded)
    }
}
