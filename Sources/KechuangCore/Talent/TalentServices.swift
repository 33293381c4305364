import Foundation

/// 一码供给 / 绿色通道: the services a classified talent may request, who answers each and in how many days
/// (`data/talent/services.json`), and the life of a request.
public struct TalentServiceCatalogue: Sendable, Codable {
    public struct Service: Sendable, Codable, Equatable {
        public let code: String
        public let name: String
        public let nameEn: String
        /// The responsible unit: an organisation of kind department, by name.
        public let unit: String
        /// Calendar days from the request to the answer; the clock stops while the unit waits for documents.
        public let days: Int
        public let documents: [String]
        /// The classes that may ask (all when empty).
        public let categories: [TalentCategory]
    }

    public let version: String
    public let status: String
    public let note: String
    public let noteEn: String
    public let services: [Service]

    public func service(_ code: String) -> Service? { services.first { $0.code == code } }

    /// Parses and checks the file: unique codes, positive days.
    public static func load(_ data: Data) throws -> TalentServiceCatalogue {
        let c = try JSONDecoder().decode(TalentServiceCatalogue.self, from: data)
        var seen = Set<String>()
        for s in c.services {
            guard seen.insert(s.code).inserted else { throw DomainError(.invalidInput, code: "talent.catalogue_duplicate", arguments: ["code": s.code]) }
            guard s.days > 0, !s.unit.isEmpty else { throw DomainError(.invalidInput, code: "talent.catalogue_bad_row", arguments: ["code": s.code]) }
        }
        return c
    }
}

/// A service request's states and the moves between them; who may make each move is part of the move.
public enum ServiceRequestState: String, CaseIterable, Sendable, Codable {
    case submitted, accepted
    case documentsRequested = "documents_requested"
    case completed, refused, withdrawn

    public var isOpen: Bool { [.submitted, .accepted, .documentsRequested].contains(self) }
}

public enum ServiceRequestAction: String, CaseIterable, Sendable, Codable {
    /// The unit takes the request on.
    case accept
    /// The unit asks for documents (the SLA clock stops until they come).
    case requestDocuments = "request_documents"
    /// The talent supplies them.
    case supplyDocuments = "supply_documents"
    case complete
    /// The unit refuses, with a reason.
    case refuse
    /// The talent withdraws the request.
    case withdraw

    public enum Actor: Sendable { case unit, talent }

    public var actor: Actor { [.supplyDocuments, .withdraw].contains(self) ? .talent : .unit }
    /// Moves that need a note (what documents, what was done, why refused).
    public var needsNote: Bool { [.requestDocuments, .supplyDocuments, .complete, .refuse].contains(self) }

    /// The state after the move, or nil when the move is not allowed from `state`.
    public func next(from state: ServiceRequestState, wasAccepted: Bool) -> ServiceRequestState? {
        switch (self, state) {
        case (.accept, .submitted): .accepted
        case (.requestDocuments, .submitted), (.requestDocuments, .accepted): .documentsRequested
        case (.supplyDocuments, .documentsRequested): wasAccepted ? .accepted : .submitted
        case (.complete, .accepted): .completed
        case (.refuse, .submitted), (.refuse, .accepted), (.refuse, .documentsRequested): .refused
        case (.withdraw, .submitted), (.withdraw, .accepted), (.withdraw, .documentsRequested): .withdrawn
        default: nil
        }
    }

    /// The moves open to `actor` in `state`.
    public static func available(in state: ServiceRequestState, for actor: Actor, wasAccepted: Bool) -> [ServiceRequestAction] {
        allCases.filter { $0.actor == actor && $0.next(from: state, wasAccepted: wasAccepted) != nil }
    }
}

/// The deadline of a request: submitted + the service's days + the time spent waiting for the talent's documents.
public struct ServiceDeadline: Sendable {
    public let submittedAt: Date
    public let days: Int
    public let pausedSeconds: Int64
    /// When the current wait for documents began (the clock is stopped now).
    public let pausedSince: Date?

    public init(submittedAt: Date, days: Int, pausedSeconds: Int64, pausedSince: Date?) {
        self.submittedAt = submittedAt
        self.days = days
        self.pausedSeconds = pausedSeconds
        self.pausedSince = pausedSince
    }

    public func due(now: Date) -> Date {
        let running = pausedSince.map { max(0, now.timeIntervalSince($0)) } ?? 0
        return submittedAt.addingTimeInterval(TimeInterval(days) * 86_400 + TimeInterval(pausedSeconds) + running)
    }

    /// Open, not waiting for the talent, and past the due time.
    public func overdue(state: ServiceRequestState, now: Date) -> Bool {
        state.isOpen && state != .documentsRequested && now > due(now: now)
    }
}
