import Foundation

/// A proposal to buy an instrument, as typed for 查重评议 (art. 22 duplicate-purchase review), every field checked.
public struct PurchaseProposal: Sendable, Equatable {
    public var organizationID: UUID
    public var name: String, model: String, classCode: String, keySpecs: String
    public var budget: Money
    public var fundingSource: FundingSource
    /// Share paid with fiscal funds, normalised ("1", "0.8").
    public var fiscalShare: String
    public var justification: String

    public static let decisions = ["recommend", "conditional", "not_recommend"]

    /// `allowed`: the units the proposer may act for; with exactly one, the field may be left out.
    public static func parse(_ f: [String: String], allowed: [UUID]) throws(ValidationErrors) -> PurchaseProposal {
        var v = Validator()
        let org = f["organization_id"].flatMap(UUID.init(uuidString:)) ?? (allowed.count == 1 ? allowed[0] : nil)
        if org == nil || !allowed.contains(org!) { v.add(.invalid("organization_id", "instrument.not_your_unit")) }
        let name = v.text("name", f["name"], max: 100) ?? ""
        let model = v.text("model", f["model"], max: 100) ?? ""
        let code = (f["class_code"] ?? "").trimmingCharacters(in: .whitespaces)
        if !(code.count == 6 && code.allSatisfy { $0.isASCII && $0.isNumber }) { v.add(.invalid("class_code", "instrument.class_code")) }
        let specs = v.text("key_specs", f["key_specs"], max: 2000) ?? ""
        let budget = v.money("budget", f["budget"], positive: true) ?? .zero
        let source = v.choice("funding_source", f["funding_source"], as: FundingSource.self)
        let share = InstrumentDraft.fiscalShare(f["fiscal_share"])
        if share == nil { v.add(.invalid("fiscal_share", "instrument.fiscal_share")) }
        let justification = v.text("justification", f["justification"], min: 10, max: 4000) ?? ""
        try v.throwIfAny()
        return PurchaseProposal(organizationID: org!, name: name, model: model, classCode: code, keySpecs: specs, budget: budget,
                                fundingSource: source!, fiscalShare: share!, justification: justification)
    }

    /// A reviewer's decision and opinion, checked.
    public static func parseDecision(_ decision: String?, opinion: String?) throws(ValidationErrors) -> (decision: String, opinion: String) {
        var v = Validator()
        let d = decision ?? ""
        if !decisions.contains(d) { v.add(.invalid("decision", "field.not_allowed", ["value": String(d.prefix(40))])) }
        let text = v.text("opinion", opinion, min: 5, max: 4000) ?? ""
        try v.throwIfAny()
        return (d, text)
    }
}

extension PurchaseReview {
    /// The review's parameters from the rule base in force on `day`: saturation hours of a comparable instrument
    /// (默认 1,200 h a year) and the window for split purchases (默认 365 days) when the rule base does not set them.
    public static func parameters(_ base: RuleBase, on day: Day) -> (saturationHours: Fixed, splitWindowDays: Int) {
        func param(_ name: String) -> Fixed? {
            if case .num(let x)? = base.parameter(name)?.value(at: day)?.value { return x }
            return nil
        }
        return (param("review.saturation_hours") ?? Fixed(1200), Int(param("review.split_window_days")?.description ?? "365") ?? 365)
    }
}

extension SharingEvaluation {
    /// A decimal rounded half-up to `scale` places, as text with exactly that many places ("12.5", "0.0").
    public static func display(_ d: Decimal, _ scale: Int = 1) -> String {
        let r = round(d, scale)
        let f = NumberFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.minimumFractionDigits = scale
        f.maximumFractionDigits = scale
        f.minimumIntegerDigits = 1
        return f.string(from: r as NSDecimalNumber) ?? "\(r)"
    }

    /// A share as a percentage with one place ("37.5%").
    public static func percentDisplay(_ d: Decimal) -> String { display(d * 100, 1) + "%" }
}
