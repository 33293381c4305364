import Foundation

/// An application's budget: an amount per category, exact in fen, and the totals the rules read.
public struct ProjectBudget: Sendable, Equatable, Codable {
    public var lines: [BudgetCategory: Money]
    /// 单位自筹: the applicant's own money, not part of the fiscal request.
    public var selfFunds: Money

    public init(lines: [BudgetCategory: Money] = [:], selfFunds: Money = .zero) {
        self.lines = lines
        self.selfFunds = selfFunds
    }

    /// From the four category columns and own funds as stored (fen), the one way records build their budget.
    public init(equipmentFen: Int64, businessFen: Int64, labourFen: Int64, indirectFen: Int64, selfFundsFen: Int64) {
        self.init(lines: [.equipment: Money(fen: equipmentFen), .business: Money(fen: businessFen), .labour: Money(fen: labourFen),
                          .indirect: Money(fen: indirectFen)], selfFunds: Money(fen: selfFundsFen))
    }

    public func amount(_ c: BudgetCategory) -> Money { lines[c] ?? .zero }
    public var direct: Money { Money(fen: BudgetCategory.allCases.filter(\.isDirect).reduce(0) { $0 + amount($1).fen }) }
    /// The fiscal funds requested: direct plus indirect.
    public var total: Money { Money(fen: direct.fen + amount(.indirect).fen) }

    /// The inputs of `budget_indirect_cap` and the budget lines of the formal check.
    public func inputs(funding: FundingMode) -> [String: Value] {
        ["budget_total": .num(.fen(total.fen)), "budget_direct": .num(.fen(direct.fen)), "budget_equipment": .num(.fen(amount(.equipment).fen)),
         "budget_indirect": .num(.fen(amount(.indirect).fen)), "self_funds": .num(.fen(selfFunds.fen)), "funding_mode": .text(funding.rawValue)]
    }
}
