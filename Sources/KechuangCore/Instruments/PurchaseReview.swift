import Foundation

/// 查重评议: finds instruments in the city comparable to a proposed purchase and turns what is found into the
/// inputs of the review rules in the policy files (entity `purchase`).
public enum PurchaseReview {
    /// An instrument already in the registry, with its use over the last twelve months.
    public struct Existing: Sendable {
        public let id: String
        public let name: String
        public let model: String
        public let classCode: String
        public let owner: String
        public let effectiveMinutes: Int
        public let externalMinutes: Int

        public init(id: String, name: String, model: String, classCode: String, owner: String, effectiveMinutes: Int, externalMinutes: Int) {
            self.id = id
            self.name = name
            self.model = model
            self.classCode = classCode
            self.owner = owner
            self.effectiveMinutes = effectiveMinutes
            self.externalMinutes = externalMinutes
        }

        public var effectiveHours: Decimal { Decimal(effectiveMinutes) / 60 }
        public var sharingRate: Decimal { effectiveMinutes == 0 ? 0 : Decimal(externalMinutes) / Decimal(effectiveMinutes) }
    }

    /// Why an instrument counts as comparable.
    public enum Likeness: String, Sendable {
        /// Same 6-digit classification code.
        case sameClass = "same_class"
        /// Same 4-digit class and a similar name.
        case similarName = "similar_name"
    }

    /// Comparable instruments: the same 6-digit class, or the same 4-digit class with at least half of the
    /// proposal's name bigrams in the instrument's name (names are not standardised across units).
    public static func comparables(name: String, classCode: String, in registry: [Existing]) -> [(Existing, Likeness)] {
        let wanted = Set(Bigrams.tokens(name))
        return registry.compactMap { e in
            if e.classCode == classCode { return (e, .sameClass) }
            guard e.classCode.prefix(4) == classCode.prefix(4), !wanted.isEmpty else { return nil }
            let shared = wanted.intersection(Bigrams.tokens(e.name)).count
            return Double(shared) / Double(wanted.count) >= 0.5 ? (e, .similarName) : nil
        }
    }

    /// Inputs for the review rules. `saturationHours` is the policy parameter `review.saturation_hours`;
    /// `recentSameClassTotal` sums this proposal and the unit's other proposals of the same class in the window.
    public static func inputs(budget: Money, fiscalShare: Fixed, comparables: [Existing], saturationHours: Fixed, recentSameClassTotal: Money) -> [String: Value] {
        let limit = (try? saturationHours * Fixed(60)) ?? Fixed(72_000)
        let under = comparables.filter { Fixed(Int64($0.effectiveMinutes)) < limit }.count
        return ["purchase_budget": .num(.fen(budget.fen)), "purchase_fiscal_share": .num(fiscalShare),
                "comparable_count": .num(Fixed(Int64(comparables.count))), "comparable_underused_count": .num(Fixed(Int64(under))),
                "recent_same_class_total": .num(.fen(recentSameClassTotal.fen))]
    }
}
