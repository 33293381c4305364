import Foundation

/// A call as staff write it (项目指南), checked field by field.
public struct CallDraft: Sendable, Equatable {
    public var title = "", programme = "", summary = ""
    public var fields: [PriorityField] = []
    public var selection = SelectionMode.competitive
    public var funding = FundingMode.budget
    public var ceiling = Money.zero
    public var allowedKinds: [String] = []
    public var opensOn = Day("2000-01-01")!
    public var deadline = Day("2000-01-01")!
    public var expertsPerApplication = 5
    public var maxExpertLoad = 20
    public var criteria: [Criterion] = []
    public var objectionDays = 7

    public init() {}

    /// Kinds of organisation that may apply (the formal check's `applicant_kind_allowed`).
    public static let applicantKinds = ["enterprise", "institution"]

    public static func parse(_ f: [String: String], today: Day) throws(ValidationErrors) -> CallDraft {
        var v = Validator()
        var d = CallDraft()
        d.title = v.text("title", f["title"], min: 4, max: 100) ?? ""
        d.programme = v.text("programme", f["programme"], min: 2, max: 100) ?? ""
        d.summary = v.text("summary", f["summary"], min: 10, max: 4000) ?? ""
        d.fields = v.choices("fields", f["fields"], as: PriorityField.self)
        if let s = v.choice("selection_mode", f["selection_mode"], as: SelectionMode.self) { d.selection = s }
        if let m = v.choice("funding_mode", f["funding_mode"], as: FundingMode.self) { d.funding = m }
        d.ceiling = v.money("ceiling", f["ceiling"], positive: true) ?? .zero
        d.allowedKinds = (f["allowed_kinds"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if d.allowedKinds.isEmpty { v.add(.invalid("allowed_kinds", "field.required")) }
        else if let bad = d.allowedKinds.first(where: { !applicantKinds.contains($0) }) { v.add(.invalid("allowed_kinds", "field.not_allowed", ["value": bad])) }
        let opens = v.day("opens_on", f["opens_on"])
        let deadline = v.day("deadline", f["deadline"])
        if let o = opens { d.opensOn = o }
        if let dl = deadline {
            if dl < today { v.add(.invalid("deadline", "market.deadline_past")) }
            else if let o = opens, dl < o { v.add(.invalid("deadline", "field.date_order")) }
            d.deadline = dl
        }
        d.expertsPerApplication = v.integer("experts_per_application", f["experts_per_application"] ?? "5", 1...9) ?? 5
        d.maxExpertLoad = v.integer("max_expert_load", f["max_expert_load"] ?? "20", 1...200) ?? 20
        d.criteria = ChallengeDraft.criteria(f["criteria"], &v)
        d.objectionDays = v.integer("objection_days", f["objection_days"] ?? "7", 5...30) ?? 7
        try v.throwIfAny()
        return d
    }
}
