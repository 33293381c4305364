import Foundation
@testable import KechuangCore
import Testing

@Suite("Projects: application and project state machines, review aggregation, expert assignment, integrity")
struct ProjectsCoreTests {
    /// Every (action, state) pair: the expected next state, nil meaning refused.
    static let applicationMoves: [ApplicationAction: [ApplicationState: ApplicationState]] = [
        .submit: [.draft: .submitted, .returned: .submitted],
        .withdraw: [.draft: .withdrawn, .submitted: .withdrawn, .returned: .withdrawn],
        .returnForChanges: [.submitted: .returned],
        .startReview: [.submitted: .underReview],
        .approve: [.underReview: .approved],
        .reject: [.submitted: .rejected, .underReview: .rejected],
        .contract: [.approved: .contracted],
    ]

    @Test("Applications: every allowed move lands where it should, every other (action, state) pair is refused")
    func applicationMachine() {
        var allowed = 0, refused = 0
        for action in ApplicationAction.allCases {
            for state in ApplicationState.allCases {
                let expected = Self.applicationMoves[action]?[state]
                #expect(action.next(from: state) == expected, "\(action) from \(state)")
                if expected == nil { refused += 1 } else { allowed += 1 }
            }
        }
        #expect(allowed == 11 && refused == ApplicationAction.allCases.count * ApplicationState.allCases.count - 11)
        // Final states accept nothing; only drafts and returned applications are editable.
        for s in ApplicationState.allCases where s.isFinal {
            #expect(ApplicationAction.allCases.allSatisfy { $0.next(from: s) == nil })
        }
        #expect(ApplicationState.allCases.filter(\.isEditable) == [.draft, .returned])
        #expect(ApplicationAction.available(in: .submitted, for: .applicant) == [.withdraw])
        #expect(ApplicationAction.available(in: .submitted, for: .staff) == [.returnForChanges, .startReview, .reject])
    }

    static let projectMoves: [ProjectAction: [ProjectState: ProjectState]] = [
        .submitMidterm: [.executing: .midterm],
        .passMidterm: [.midterm: .executing],
        .failMidterm: [.midterm: .terminated],
        .applyAcceptance: [.executing: .acceptance],
        .accept: [.acceptance: .accepted],
        .rejectAcceptance: [.acceptance: .failed],
        .terminate: [.executing: .terminated, .midterm: .terminated, .acceptance: .terminated],
        .evaluate: [.accepted: .evaluated],
    ]

    @Test("Projects: every transition and every refused one; acceptance needs the mid-term and every milestone reviewed")
    func projectMachine() {
        // With the facts that let every state-allowed move through, the table decides.
        let ready = ProjectAction.Facts(midtermPassed: true, milestonesOpen: 0)
        let fresh = ProjectAction.Facts(midtermPassed: false, milestonesOpen: 0)
        for action in ProjectAction.allCases {
            for state in ProjectState.allCases {
                let facts = action == .submitMidterm ? fresh : ready
                let expected = Self.projectMoves[action]?[state]
                switch action.next(from: state, facts: facts) {
                case .success(let s): #expect(s == expected, "\(action) from \(state)")
                case .failure(let e):
                    #expect(expected == nil, "\(action) from \(state) refused: \(e.code)")
                    #expect(e.code == "project.transition")
                }
            }
        }
        // The facts refuse moves the state would allow, each with its own reason.
        #expect(ProjectAction.applyAcceptance.next(from: .executing, facts: fresh).failureCode == "project.midterm_first")
        #expect(ProjectAction.applyAcceptance.next(from: .executing, facts: .init(midtermPassed: true, milestonesOpen: 2)).failureCode == "project.milestones_open")
        #expect(ProjectAction.submitMidterm.next(from: .executing, facts: ready).failureCode == "project.midterm_done")
        #expect(ProjectAction.available(in: .executing, for: .leader, facts: fresh) == [.submitMidterm])
        #expect(ProjectAction.available(in: .executing, for: .leader, facts: ready) == [.applyAcceptance])
        #expect(ProjectAction.available(in: .evaluated, for: .staff, facts: ready).isEmpty)
        #expect(SelectionMode.postSubsidy.paysAfterAcceptance && !SelectionMode.milestone.paysAfterAcceptance)
        #expect(SelectionMode.allCases.filter(\.isChallenge) == [.jiebang, .saima])
    }

    @Test("Review: weighted totals are exact, five or more sheets drop the highest and lowest, ties follow the stated rule")
    func aggregation() {
        let criteria = [Criterion(name: "创新性", weight: 40), Criterion(name: "可行性", weight: 35), Criterion(name: "团队", weight: 25)]
        #expect(ReviewAggregation.total(["创新性": 90, "可行性": 80, "团队": 70], criteria: criteria) == 8150)
        // Four sheets: plain mean; half up at the hundredth.
        #expect(ReviewAggregation.trimmedMean([8000, 8001, 8000, 8000]).mean == 8000)
        #expect(ReviewAggregation.trimmedMean([8000, 8001]).mean == 8001)   // 8000.5 rounds up
        // Five: 60 and 100 are dropped, the mean of 80, 82, 84 is 82.
        let t = ReviewAggregation.trimmedMean([6000, 8000, 8200, 8400, 10000])
        #expect(t.mean == 8200 && t.dropped == 2)
        #expect(ReviewAggregation.text(8205) == "82.05" && ReviewAggregation.text(8250) == "82.50")

        let a = UUID(), b = UUID(), c = UUID(), e = (0..<5).map { _ in UUID() }
        let early = Date(timeIntervalSince1970: 1_000), late = Date(timeIntervalSince1970: 2_000)
        func sheets(_ app: UUID, _ marks: [Int]) -> [ReviewAggregation.Sheet] {
            marks.enumerated().map { ReviewAggregation.Sheet(application: app, expert: e[$0], scores: ["创新性": $1, "可行性": $1, "团队": $1]) }
        }
        // a and b both average 80; b's lowest kept sheet is higher, so b ranks first. c equals b in both, but later.
        let ranked = ReviewAggregation.rank(applications: [(a, early), (b, late), (c, Date(timeIntervalSince1970: 3_000))],
                                            sheets: sheets(a, [70, 80, 90]) + sheets(b, [78, 80, 82]) + sheets(c, [78, 80, 82]), criteria: criteria)
        #expect(ranked.map(\.application) == [b, c, a])
        #expect(ranked.map(\.tieBreak) == [nil, "submitted_earlier", "lowest_kept"])
        #expect(ranked.map(\.rank) == [1, 2, 3])
        #expect(ranked[0].scoreText == "80.00")
    }

    @Test("Assignment: no same-organisation, team, declared or sanctioned reviewer; fields first; load spread and capped")
    func assignment() {
        let orgA = UUID(), orgB = UUID(), partner = UUID()
        let leader = UUID()
        let sameOrg = ExpertAssignment.Expert(id: UUID(), organizationID: orgA, fields: ["新材料"])
        let onTeam = ExpertAssignment.Expert(id: leader, organizationID: nil, fields: ["新材料"])
        let declared = ExpertAssignment.Expert(id: UUID(), organizationID: orgB, fields: ["新材料"], declaredConflicts: [partner])
        let banned = ExpertAssignment.Expert(id: UUID(), organizationID: nil, fields: ["新材料"], sanctioned: true)
        let others = (0..<4).map { i in ExpertAssignment.Expert(id: UUID(), organizationID: orgB, fields: i < 2 ? ["新材料"] : ["能源"]) }
        let app = ExpertAssignment.Application(id: UUID(), field: "新材料", organizations: [orgA, partner], team: [leader])
        #expect(ExpertAssignment.conflict(sameOrg, app) == .sameOrganization)
        #expect(ExpertAssignment.conflict(onTeam, app) == .onTeam)
        #expect(ExpertAssignment.conflict(declared, app) == .declared)
        #expect(ExpertAssignment.conflict(banned, app) == .sanctioned)
        #expect(ExpertAssignment.conflict(others[0], app) == nil)

        let plan = ExpertAssignment.plan(applications: [app], experts: [sameOrg, onTeam, declared, banned] + others, perApplication: 3, maxLoad: 5)
        let chosen = plan.assignments[app.id] ?? []
        #expect(chosen.count == 3)
        #expect(Set(chosen).isSubset(of: Set(others.map(\.id))))
        #expect(chosen.contains(others[0].id) && chosen.contains(others[1].id))   // field matches first
        #expect(plan.excluded == [.sameOrganization: 1, .onTeam: 1, .declared: 1, .sanctioned: 1])

        // Ten applications, three experts each, four experts of the field with a cap of 8: loads end within one of each other.
        let peers = (0..<4).map { _ in ExpertAssignment.Expert(id: UUID(), organizationID: orgB, fields: ["能源"]) }
        let apps = (0..<10).map { _ in ExpertAssignment.Application(id: UUID(), field: "能源", organizations: [orgA], team: []) }
        let spread = ExpertAssignment.plan(applications: apps, experts: peers, perApplication: 3, maxLoad: 8)
        let loads = peers.map { spread.load[$0.id] ?? 0 }
        #expect(loads.reduce(0, +) == 30 && loads.max()! - loads.min()! <= 1 && spread.shortfalls.isEmpty)
        // A cap that cannot carry the call leaves named shortfalls rather than overloading anyone.
        let capped = ExpertAssignment.plan(applications: apps, experts: peers, perApplication: 3, maxLoad: 5)
        #expect(peers.allSatisfy { (capped.load[$0.id] ?? 0) <= 5 })
        #expect(capped.shortfalls.values.reduce(0) { $0 + 3 - $1 } == 10)
    }

    @Test("Integrity: bans cover their whole period, lifetime bans never end, closed records bar nothing but stay in the grade's history")
    func integrity() {
        let d = { (s: String) in Day(s)! }
        let ban = IntegrityRecordFacts(severity: .serious, banFrom: d("2026-01-01"), banUntil: d("2028-12-31"), closed: false)
        #expect(!ban.bans(on: d("2025-12-31")) && ban.bans(on: d("2026-01-01")) && ban.bans(on: d("2028-12-31")) && !ban.bans(on: d("2029-01-01")))
        let lifetime = IntegrityRecordFacts(severity: .grave, banFrom: d("2026-03-01"), banUntil: nil, closed: false)
        #expect(lifetime.bans(on: d("2099-01-01")))
        let closed = IntegrityRecordFacts(severity: .grave, banFrom: d("2026-01-01"), banUntil: nil, closed: true)
        #expect(!closed.bans(on: d("2026-06-01")))
        let warning = IntegrityRecordFacts(severity: .minor, banFrom: nil, banUntil: nil, closed: false)
        #expect(!warning.bans(on: d("2026-06-01")))

        #expect(IntegrityGrade.of([], on: d("2026-06-01")) == .good)
        #expect(IntegrityGrade.of([warning], on: d("2026-06-01")) == .minorBreach)
        #expect(IntegrityGrade.of([warning, ban], on: d("2026-06-01")) == .seriousBreach)
        #expect(IntegrityGrade.of([ban], on: d("2029-01-01")) == .good)
        #expect(IntegrityGrade.of([closed], on: d("2026-06-01")) == .good)
        #expect(IntegrityGrade.of([lifetime, warning], on: d("2040-01-01")) == .graveBreach)
        #expect(IntegrityGrade.banned([warning, ban], on: d("2027-05-05")) && !IntegrityGrade.banned([warning, closed], on: d("2027-05-05")))
    }
}

extension Result where Failure == DomainError {
    var failureCode: String? { if case .failure(let e) = self { e.code } else { nil } }
}

@Suite("Projects: the formal check and the negative list, asked of the rule base")
struct ProjectRulesTests {
    let base: RuleBase
    init() throws { base = try RuleBase.load(directory: repoRoot + "/policies/ordos") }

    static func facts(_ change: (inout FormalCheck.Facts) -> Void = { _ in }) -> FormalCheck.Facts {
        let budget = ProjectBudget(lines: [.equipment: .yuan(200_000), .business: .yuan(400_000), .labour: .yuan(200_000), .indirect: .yuan(180_000)],
                                   selfFunds: .yuan(1_000_000))
        var f = FormalCheck.Facts(kindAllowed: true, inOrdos: true, unitBanned: false, bannedTeamMembers: 0, leaderOpenProjects: 0, unitOverdueProjects: 0,
                                  durationMonths: 24, commitmentSigned: true, milestones: 3, milestonesMeasurable: true, isEnterprise: true,
                                  budget: budget, funding: .budget, ceiling: .yuan(1_000_000))
        change(&f)
        return f
    }

    @Test("A complete application passes; the indirect ceiling is the engine's, exact in fen; each failing condition is named")
    func formalCheck() {
        let day = Day("2026-12-01")!
        let ok = FormalCheck.run(base: base, date: day, facts: Self.facts())
        #expect(ok.passed, "\(ok.failures.map(\.rule.id))")
        #expect(ok.conditions.count == 8)
        // Direct 800,000 less equipment 200,000 = 600,000 at 30 %.
        #expect(ok.indirectCap == .yuan(180_000))
        #expect(Self.facts().budget.total == .yuan(980_000))

        let over = FormalCheck.run(base: base, date: day, facts: Self.facts { $0.budget.lines[.indirect] = Money(fen: 18_000_001) })
        #expect(over.failures.map(\.rule.id) == ["pf_indirect_within_cap"])
        // 包干制: no indirect ceiling applies.
        let lump = FormalCheck.run(base: base, date: day, facts: Self.facts { $0.funding = .lumpSum; $0.budget.lines[.indirect] = .yuan(200_000) })
        #expect(lump.passed)

        let bad = FormalCheck.run(base: base, date: day, facts: Self.facts {
            $0.commitmentSigned = false
            $0.bannedTeamMembers = 1
            $0.leaderOpenProjects = 1
            $0.milestonesMeasurable = false
            $0.ceiling = .yuan(900_000)
            $0.budget.selfFunds = .yuan(500_000)
        })
        #expect(Set(bad.failures.map(\.rule.id)) == ["pf_commitment_signed", "pf_no_integrity_ban", "pf_open_projects", "pf_term_and_milestones",
                                                      "pf_budget_within_ceiling", "pf_enterprise_matching"])
        #expect(!bad.passed)
    }

    static func expense(_ change: (inout ExpenseCheck.Facts) -> Void = { _ in }) -> ExpenseCheck.Facts {
        var f = ExpenseCheck.Facts(kind: "materials", category: .business, amount: .yuan(8_000), payeeOnTeam: false, invoiceDuplicate: false,
                                   procurementFollowed: true, relatedParty: false, relatedPartyTotalAfter: .zero, projectFiscalTotal: .yuan(1_000_000),
                                   funding: .budget, categoryBudget: .yuan(400_000), categorySpentAfter: .yuan(8_000),
                                   directBudget: .yuan(900_000), directSpentAfter: .yuan(8_000))
        change(&f)
        return f
    }

    @Test("Expenses: a clean one raises nothing; each negative-list item fires with its clause; 包干制 skips only the category check")
    func negativeList() {
        let day = Day("2026-12-01")!
        func flags(_ f: ExpenseCheck.Facts) -> [String] { ExpenseCheck.run(base: base, date: day, facts: f).flags.map(\.rule.id) }
        #expect(flags(Self.expense()).isEmpty)
        #expect(flags(Self.expense { $0.kind = "entertainment" }) == ["nl1_entertainment"])
        #expect(flags(Self.expense { $0.kind = "fine" }) == ["nl7_personal_and_fines"])
        #expect(flags(Self.expense { $0.invoiceDuplicate = true }) == ["nl2_duplicate_invoice"])
        #expect(flags(Self.expense { $0.kind = "labour_pay"; $0.category = .labour }) == ["nl5_labour_outside_team"])
        #expect(flags(Self.expense { $0.kind = "expert_fee"; $0.payeeOnTeam = true }) == ["nl5_expert_fee_to_member"])
        #expect(flags(Self.expense { $0.kind = "purchase"; $0.amount = .yuan(50_000); $0.procurementFollowed = false }) == ["nl4_procurement"])
        #expect(flags(Self.expense { $0.relatedParty = true; $0.relatedPartyTotalAfter = Money(fen: 10_000_001) }) == ["nl2_related_party_transfer"])
        #expect(flags(Self.expense { $0.relatedParty = true; $0.relatedPartyTotalAfter = .yuan(100_000) }).isEmpty)
        // 业务费 over its line is the unit's own adjustment while direct costs stay within their total (国办发〔2021〕32号).
        #expect(flags(Self.expense { $0.categorySpentAfter = Money(fen: 40_000_001) }).isEmpty)
        #expect(flags(Self.expense { $0.category = .equipment; $0.categorySpentAfter = Money(fen: 40_000_001) }) == ["bc_category_over_budget"])
        let over = Self.expense { $0.categorySpentAfter = Money(fen: 40_000_001); $0.directSpentAfter = Money(fen: 90_000_001) }
        #expect(flags(over) == ["bc_category_over_budget"])
        var lump = over
        lump.funding = .lumpSum
        #expect(flags(lump).isEmpty)
        lump.kind = "prepaid_card"
        #expect(flags(lump) == ["nl6_prepaid_cards"])
        let trace = ExpenseCheck.run(base: base, date: day, facts: Self.expense { $0.kind = "fine" }).flags[0]
        #expect(trace.rule.article == 19 && trace.rule.title.hasPrefix("NL7"))
    }
}
