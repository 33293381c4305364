import Foundation

/// 形式审查 by the engine: the application's facts become the inputs of the `project_formal_check` rules; every rule
/// must be met before the application can be submitted, and every one that is not is named with its trace.
public struct FormalCheck: Sendable {
    public static let scheme = "project_formal_check"

    /// What the platform knows about an application when it is checked.
    public struct Facts: Sendable {
        public var kindAllowed: Bool
        public var inOrdos: Bool
        public var unitBanned: Bool
        public var bannedTeamMembers: Int
        public var leaderOpenProjects: Int
        public var unitOverdueProjects: Int
        public var durationMonths: Int
        public var commitmentSigned: Bool
        public var milestones: Int
        public var milestonesMeasurable: Bool
        public var isEnterprise: Bool
        public var budget: ProjectBudget
        public var funding: FundingMode
        public var ceiling: Money

        public init(kindAllowed: Bool, inOrdos: Bool, unitBanned: Bool, bannedTeamMembers: Int, leaderOpenProjects: Int, unitOverdueProjects: Int,
                    durationMonths: Int, commitmentSigned: Bool, milestones: Int, milestonesMeasurable: Bool, isEnterprise: Bool,
                    budget: ProjectBudget, funding: FundingMode, ceiling: Money) {
            self.kindAllowed = kindAllowed
            self.inOrdos = inOrdos
            self.unitBanned = unitBanned
            self.bannedTeamMembers = bannedTeamMembers
            self.leaderOpenProjects = leaderOpenProjects
            self.unitOverdueProjects = unitOverdueProjects
            self.durationMonths = durationMonths
            self.commitmentSigned = commitmentSigned
            self.milestones = milestones
            self.milestonesMeasurable = milestonesMeasurable
            self.isEnterprise = isEnterprise
            self.budget = budget
            self.funding = funding
            self.ceiling = ceiling
        }

        public var inputs: [String: Value] {
            var v = budget.inputs(funding: funding)
            v["applicant_kind_allowed"] = .bool(kindAllowed)
            v["applicant_in_ordos"] = .bool(inOrdos)
            v["unit_integrity_banned"] = .bool(unitBanned)
            v["team_integrity_banned_count"] = .num(Fixed(Int64(bannedTeamMembers)))
            v["pi_open_projects_led"] = .num(Fixed(Int64(leaderOpenProjects)))
            v["unit_overdue_projects"] = .num(Fixed(Int64(unitOverdueProjects)))
            v["duration_months"] = .num(Fixed(Int64(durationMonths)))
            v["commitment_signed"] = .bool(commitmentSigned)
            v["milestone_count"] = .num(Fixed(Int64(milestones)))
            v["milestones_measurable"] = .bool(milestonesMeasurable)
            v["applicant_is_enterprise"] = .bool(isEnterprise)
            v["call_budget_ceiling"] = .num(.fen(ceiling.fen))
            return v
        }
    }

    public let date: Day
    public let ruleBaseVersion: String
    /// Every condition of the check, in the order of the policy file.
    public let conditions: [RuleTrace]
    /// The indirect-cost ceiling the engine computed (budget mode), in fen.
    public let indirectCap: Money?

    public var failures: [RuleTrace] { conditions.filter { $0.outcome.status != .eligible } }
    public var passed: Bool { !conditions.isEmpty && failures.isEmpty }

    public static func run(base: RuleBase, date: Day, facts: Facts) -> FormalCheck {
        let traces = base.explain(entity: .application, date: date, inputs: facts.inputs)
        let cap = traces.first { $0.rule.id == "budget_indirect_cap" }?.outcome.amount.flatMap { try? $0.fen() }.map(Money.init(fen:))
        return FormalCheck(date: date, ruleBaseVersion: base.version,
                           conditions: traces.filter { $0.rule.scheme == scheme && $0.outcome.status != .notInForce }, indirectCap: cap)
    }
}

/// 负面清单 by the engine: each expense's facts against the `negative_list` rules; every rule that fires is a flag
/// with its clause, for staff to resolve. 包干制 projects are spared the category check by the rule itself.
public struct ExpenseCheck: Sendable {
    public static let scheme = "negative_list"

    public struct Facts: Sendable {
        public var kind: String
        public var category: BudgetCategory
        public var amount: Money
        public var payeeOnTeam: Bool
        public var invoiceDuplicate: Bool
        public var procurementFollowed: Bool
        public var relatedParty: Bool
        public var relatedPartyTotalAfter: Money
        public var projectFiscalTotal: Money
        public var funding: FundingMode
        public var categoryBudget: Money
        public var categorySpentAfter: Money
        /// Direct costs (equipment, business, labour): the budget's total and what is spent with this expense.
        public var directBudget: Money
        public var directSpentAfter: Money

        public init(kind: String, category: BudgetCategory, amount: Money, payeeOnTeam: Bool, invoiceDuplicate: Bool, procurementFollowed: Bool,
                    relatedParty: Bool, relatedPartyTotalAfter: Money, projectFiscalTotal: Money, funding: FundingMode,
                    categoryBudget: Money, categorySpentAfter: Money, directBudget: Money, directSpentAfter: Money) {
            self.kind = kind
            self.category = category
            self.amount = amount
            self.payeeOnTeam = payeeOnTeam
            self.invoiceDuplicate = invoiceDuplicate
            self.procurementFollowed = procurementFollowed
            self.relatedParty = relatedParty
            self.relatedPartyTotalAfter = relatedPartyTotalAfter
            self.projectFiscalTotal = projectFiscalTotal
            self.funding = funding
            self.categoryBudget = categoryBudget
            self.categorySpentAfter = categorySpentAfter
            self.directBudget = directBudget
            self.directSpentAfter = directSpentAfter
        }

        public var inputs: [String: Value] {
            ["expense_kind": .text(kind), "expense_category": .text(category.rawValue), "expense_amount": .num(.fen(amount.fen)),
             "payee_on_team": .bool(payeeOnTeam), "invoice_duplicate": .bool(invoiceDuplicate), "procurement_followed": .bool(procurementFollowed),
             "related_party": .bool(relatedParty), "related_party_total_after": .num(.fen(relatedPartyTotalAfter.fen)),
             "project_fiscal_total": .num(.fen(projectFiscalTotal.fen)), "funding_mode": .text(funding.rawValue),
             "category_budget": .num(.fen(categoryBudget.fen)), "category_spent_after": .num(.fen(categorySpentAfter.fen)),
             "direct_budget": .num(.fen(directBudget.fen)), "direct_spent_after": .num(.fen(directSpentAfter.fen))]
        }
    }

    public let ruleBaseVersion: String
    /// The rules the expense triggers (status eligible), each one a flag.
    public let flags: [RuleTrace]

    public static func run(base: RuleBase, date: Day, facts: Facts) -> ExpenseCheck {
        let traces = base.explain(entity: .expense, date: date, inputs: facts.inputs)
        return ExpenseCheck(ruleBaseVersion: base.version, flags: traces.filter { $0.rule.scheme == scheme && $0.outcome.status == .eligible })
    }
}
