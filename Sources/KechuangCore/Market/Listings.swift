import Foundation

/// A technology achievement (科技成果) as typed by its owner, checked field by field.
public struct AchievementDraft: Sendable, Equatable {
    public var title = "", abstract = "", keywords = ""
    public var field = PriorityField.other
    /// Technology readiness level 1–9 (GB/T 22900 appendix A).
    public var trl = 1
    public var patents: [Patent] = []
    public var modes: [CooperationMode] = []
    /// nil means "negotiable" (面议).
    public var price: Money?
    public var contactName = "", contactPhone = ""

    public init() {}

    public static let fieldNames = ["title", "abstract", "keywords", "field", "trl", "patents", "modes", "price", "negotiable", "contact_name", "contact_phone"]

    public static func parse(_ f: [String: String]) throws(ValidationErrors) -> AchievementDraft {
        var v = Validator()
        var d = AchievementDraft()
        d.title = v.text("title", f["title"], min: 4, max: 100) ?? ""
        d.abstract = v.text("abstract", f["abstract"], min: 20, max: 2000) ?? ""
        d.keywords = v.text("keywords", f["keywords"], max: 100, required: false) ?? ""
        if let x = v.choice("field", f["field"], as: PriorityField.self) { d.field = x }
        d.trl = v.integer("trl", f["trl"], 1...9) ?? 1
        d.patents = Patent.parseList(f["patents"] ?? "", field: "patents", into: &v)
        d.modes = v.choices("modes", f["modes"], as: CooperationMode.self)
        let negotiable = ["true", "1", "on", "yes"].contains((f["negotiable"] ?? "").lowercased())
        if negotiable {
            if !(f["price"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty { v.add(.invalid("price", "market.price_or_negotiable")) }
        } else {
            d.price = v.money("price", f["price"], positive: true)
        }
        d.contactName = v.text("contact_name", f["contact_name"], max: 50) ?? ""
        d.contactPhone = Self.phone(f["contact_phone"], &v)
        try v.throwIfAny()
        return d
    }

    static func phone(_ raw: String?, _ v: inout Validator) -> String {
        let phone = (raw ?? "").trimmingCharacters(in: .whitespaces)
        if phone.count >= 7, phone.count <= 20, phone.allSatisfy({ $0.isASCII && ($0.isNumber || "-+ ()".contains($0)) }) { return phone }
        v.add(.invalid("contact_phone", "instrument.phone"))
        return ""
    }

    /// The text the search and the matcher read.
    public var searchText: String { title + " " + keywords + " " + abstract }
}

/// An enterprise's technical demand (企业出题).
public struct DemandDraft: Sendable, Equatable {
    public var title = "", problem = "", expected = ""
    public var field = PriorityField.other
    public var budget = Money.zero
    public var deadline = Day("2000-01-01")!
    /// The readiness the enterprise needs from a solution (matching prefers achievements at or above it).
    public var minTRL = 1
    public var confidentiality = Confidentiality.public

    public init() {}

    public static let fieldNames = ["title", "problem", "expected", "field", "budget", "deadline", "min_trl", "confidentiality"]

    public static func parse(_ f: [String: String], today: Day) throws(ValidationErrors) -> DemandDraft {
        var v = Validator()
        var d = DemandDraft()
        d.title = v.text("title", f["title"], min: 4, max: 100) ?? ""
        d.problem = v.text("problem", f["problem"], min: 20, max: 3000) ?? ""
        d.expected = v.text("expected", f["expected"], min: 4, max: 1000) ?? ""
        if let x = v.choice("field", f["field"], as: PriorityField.self) { d.field = x }
        d.budget = v.money("budget", f["budget"], positive: true) ?? .zero
        if let day = v.day("deadline", f["deadline"]) {
            if day <= today { v.add(.invalid("deadline", "market.deadline_past")) } else { d.deadline = day }
        }
        d.minTRL = v.integer("min_trl", f["min_trl"], 1...9) ?? 1
        if let c = v.choice("confidentiality", f["confidentiality"], as: Confidentiality.self) { d.confidentiality = c }
        try v.throwIfAny()
        return d
    }

    public var searchText: String { title + " " + problem + " " + expected }
}

/// Who may do what to a listing, and what it becomes. Owners draft, submit, edit, withdraw and close; staff
/// publish or reject what was submitted. Editing a published listing sends it back for review.
public enum ListingLifecycle {
    public enum Action: String, Sendable { case submit, publish, reject, withdraw, close, edit }

    public static func next(_ status: ListingStatus, _ action: Action, owner: Bool, staff: Bool) throws(DomainError) -> ListingStatus {
        switch (status, action) {
        case (.draft, .submit), (.rejected, .submit), (.withdrawn, .submit): if owner { return .submitted }
        case (.submitted, .publish): if staff { return .published }
        case (.submitted, .reject): if staff { return .rejected }
        case (.draft, .edit), (.rejected, .edit), (.withdrawn, .edit): if owner { return status }
        case (.submitted, .edit), (.published, .edit): if owner { return .submitted }
        case (.submitted, .withdraw), (.published, .withdraw): if owner { return .withdrawn }
        case (.published, .close): if owner || staff { return .closed }
        default: break
        }
        if !owner && !staff { throw DomainError.forbidden }
        throw DomainError(.conflict, code: "market.transition", arguments: ["from": status.rawValue, "action": action.rawValue])
    }
}
