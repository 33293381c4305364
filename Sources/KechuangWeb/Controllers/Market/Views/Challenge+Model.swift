import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The challenge list (`market/challenges.leaf`), form and page (`market/challenge.leaf`), built from `ChallengeStore.list` and `.page`.
extension ChallengeController {
    struct ListItem: Encodable {
        let id: String
        let title: String
        let mode: String
        let reward: String
        let deadline: String
        let state: String
        let bids: Int
    }

    struct ListContent: Encodable {
        let rows: [ListItem]
        let pager: Pager
        let staff: Bool
        let filters: [String: String]
        let exportQuery: String
        let modes: [RegistrationController.Option]
        let states: [RegistrationController.Option]
    }

    struct FormContent: Encodable {
        let form: FormState
        let demandID: String
        let modes: [RegistrationController.Option]
    }

    struct ShowContent: Encodable {
        let id: String
        let title: String
        let description: String
        let conditions: String
        let mode: String
        let modeLabel: String
        let reward: String
        let deadline: String
        let state: String
        let stateLabel: String
        let teams: Int
        let criteria: [CriterionView]
        let milestones: [MilestoneView]
        let bids: [BidView]
        let bidCount: Int
        let canBid: Bool
        let onPanel: Bool
        let staff: Bool
        let scoresComplete: Bool
        let canAward: Bool
        let nextMilestone: MilestoneView?
        let form: FormState
        let demandID: String?
    }

    struct CriterionView: Encodable {
        let index: Int
        let name: String
        let weight: Int
    }

    struct MilestoneView: Encodable {
        let index: Int
        let name: String
        let trl: Int
        let share: Int
        let due: String
        let amount: String
        let reviews: [String]
    }

    struct BidView: Encodable {
        let id: String
        let organization: String
        let consortium: String
        let proposal: String
        let claimedTRL: Int
        let budget: String
        let status: String
        let score: String?
        let sheets: Int
        let scoredByMe: Bool
        let mine: Bool
        let active: Bool
    }

    static func listItem(_ r: ChallengeStore.ListRow, req: Request) -> ListItem {
        let c = r.challenge
        return ListItem(id: c.id!.uuidString, title: c.title, mode: req.t("challenge_mode_\(c.mode)"), reward: Money(fen: c.rewardFen).display, deadline: c.deadline,
                        state: req.t("challenge_state_\(r.state.rawValue)"), bids: r.bids)
    }

    static func modes(_ req: Request) -> [RegistrationController.Option] {
        ChallengeMode.allCases.map { .init(value: $0.rawValue, label: req.t("challenge_mode_\($0.rawValue)")) }
    }

    static func show(_ p: ChallengeStore.Page, req: Request, form: FormState) -> ShowContent {
        let c = p.challenge
        let milestones = ChallengeStore.milestones(c)
        let orgs = p.organizationNames
        let views = milestones.enumerated().map { k, m in
            MilestoneView(index: k, name: m.name, trl: m.trl, share: m.sharePercent, due: m.due.description,
                          amount: ChallengeRules.milestoneAmount(reward: Money(fen: c.rewardFen), milestones: milestones, index: k).display,
                          reviews: p.reviews.filter { $0.milestoneIndex == k }.map { r in
                              "\(orgs[p.bids.first { $0.id == r.bidID }?.organizationID ?? UUID()] ?? ""): TRL \(r.reportedTRL) · \(req.t(r.passed ? "challenge_passed" : "challenge_failed")) · \(Money(fen: r.amountFen).display)"
                          })
        }
        let bidViews = p.visibleBids.map { b in
            BidView(id: b.id!.uuidString, organization: orgs[b.organizationID] ?? "", consortium: b.consortium, proposal: b.proposal, claimedTRL: b.claimedTRL,
                    budget: Money(fen: b.budgetFen).display, status: req.t("bid_status_\(b.status)"), score: p.insider ? p.ranking[b.id!].map { "\($0.total)" } : nil,
                    sheets: p.ranking[b.id!]?.sheets ?? 0, scoredByMe: p.scoredByViewer.contains(b.id!), mine: p.memberOf.contains(b.organizationID),
                    active: b.status == "selected")
        }.sorted { ($0.score.flatMap { Decimal(string: $0) } ?? -1) > ($1.score.flatMap { Decimal(string: $0) } ?? -1) }
        return ShowContent(id: c.id!.uuidString, title: c.title, description: c.description, conditions: c.conditions, mode: c.mode,
                           modeLabel: req.t("challenge_mode_\(c.mode)"), reward: Money(fen: c.rewardFen).display, deadline: c.deadline, state: p.state.rawValue,
                           stateLabel: req.t("challenge_state_\(p.state.rawValue)"), teams: c.teams,
                           criteria: ChallengeStore.criteria(c).enumerated().map { CriterionView(index: $0.offset, name: $0.element.name, weight: $0.element.weight) },
                           milestones: views, bids: bidViews, bidCount: p.bids.count, canBid: p.mayBid(role: req.currentUser?.role), onPanel: p.mayScore,
                           staff: p.staff, scoresComplete: p.scoresComplete, canAward: p.mayAward, nextMilestone: p.nextMilestone.map { views[$0] }, form: form,
                           demandID: c.demandID?.uuidString)
    }
}
