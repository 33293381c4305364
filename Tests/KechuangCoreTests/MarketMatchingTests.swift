import Foundation
import KechuangCore
import Testing

@Suite("Technology market: listings, contracts, challenges, matching")
struct MarketMatchingTests {
    static let evalSet: MatchEvalSet = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/market/eval/eval-set.json")
        return try! JSONDecoder().decode(MatchEvalSet.self, from: Data(contentsOf: url))
    }()

    @Test("The labelled set has at least 50 demands, each with judged relevant achievements that exist")
    func evalSetShape() {
        let ids = Set(Self.evalSet.achievements.map(\.id))
        #expect(Self.evalSet.demands.count >= 50)
        #expect(Self.evalSet.demands.allSatisfy { !$0.relevant.isEmpty && $0.relevant.allSatisfy(ids.contains) })
    }

    @Test("Matching finds the judged achievements: recall@20 ≥ 0.9 and precision@5 at least 80 % of what is reachable")
    func evaluation() {
        let (r, ceiling) = Self.evalSet.run()
        #expect(r.recallAt20 >= 0.9, "recall@20 \(r.recallAt20)")
        #expect(r.precisionAt5 >= 0.8 * ceiling, "precision@5 \(r.precisionAt5) of \(ceiling)")
    }

    @Test("A match names its reasons: shared terms, field, readiness fit")
    func reasons() {
        var m = MarketMatcher()
        let owner = UUID()
        let a = MarketMatcher.Listing(id: UUID(), title: "碱性电解槽高活性析氢电极", text: "镍钼合金电极降低电解槽槽电压和直流电耗", field: .hydrogen, trl: 7,
                                      banner: "150603", ownerID: owner, ownerName: "鄂尔多斯实验室")
        let b = MarketMatcher.Listing(id: UUID(), title: "光伏组件清扫机器人", text: "沙漠光伏电站无水清扫", field: .newEnergy, trl: 8, banner: nil, ownerID: UUID(), ownerName: "X")
        m.upsertAchievement(a)
        m.upsertAchievement(b)
        let d = MarketMatcher.Listing(id: UUID(), title: "降低碱性电解槽电耗", text: "电极活性衰减快，直流电耗高", field: .hydrogen, trl: 6, banner: "150603",
                                      ownerID: UUID(), ownerName: "企业")
        let top = m.achievements(for: d)
        #expect(top.first?.listing.id == a.id)
        #expect(top.first?.sameField == true && top.first?.trlFits == true && top.first?.sameBanner == true)
        #expect(top.first?.sharedTerms.contains("电解") == true)
        #expect(!top.contains { $0.listing.id == b.id })
        #expect(m.holders(for: d).first?.ownerName == "鄂尔多斯实验室")
        m.upsertDemand(d)
        #expect(m.demands(for: a).first?.listing.id == d.id)
    }

    @Test("Listings: TRL 1–9, fen-exact prices, price or negotiable, every problem named")
    func achievementDraft() throws {
        let good = ["title": "高活性析氢电极", "abstract": "开发了镍钼合金多孔析氢电极，在碱性电解槽中降低槽电压。", "field": "hydrogen", "trl": "7",
                    "patents": "ZL202310001234.5:granted; CN116000000A:applied", "modes": "transfer,license", "price": "800000", "contact_name": "王工",
                    "contact_phone": "0477-8888888"]
        let d = try AchievementDraft.parse(good)
        #expect(d.patents.count == 2 && d.price == Money.yuan(800_000) && d.modes == [.transfer, .license])
        for (field, value, code) in [("trl", "10", "field.range"), ("trl", "0", "field.range"), ("price", "12.345", "money.not_fen"), ("price", "-1", "money.negative"),
                                     ("field", "magic", "field.not_allowed"), ("patents", "x", "market.patent"), ("modes", "gift", "field.not_allowed"),
                                     ("title", String(repeating: "长", count: 101), "field.too_long")] {
            var f = good
            f[field] = value
            #expect(throws: ValidationErrors.self) { try AchievementDraft.parse(f) }
            do { _ = try AchievementDraft.parse(f) } catch { #expect(error.errors.contains { $0.field == field && $0.code == code }, "\(field)=\(value): \(error.errors)") }
        }
        var negotiable = good
        negotiable["negotiable"] = "true"
        #expect(throws: ValidationErrors.self) { try AchievementDraft.parse(negotiable) } // a price and "negotiable" together
        negotiable["price"] = ""
        #expect(try AchievementDraft.parse(negotiable).price == nil)
    }

    @Test("Listing lifecycle: owners submit, staff publish; editing a published listing sends it back for review")
    func lifecycle() throws {
        #expect(try ListingLifecycle.next(.draft, .submit, owner: true, staff: false) == .submitted)
        #expect(try ListingLifecycle.next(.submitted, .publish, owner: false, staff: true) == .published)
        #expect(try ListingLifecycle.next(.published, .edit, owner: true, staff: false) == .submitted)
        #expect(throws: DomainError.self) { try ListingLifecycle.next(.submitted, .publish, owner: true, staff: false) }
        #expect(throws: DomainError.self) { try ListingLifecycle.next(.closed, .submit, owner: true, staff: false) }
    }

    @Test("Contracts: region codes, technical income within the total, no future signing; registration numbers have 16 digits")
    func contracts() throws {
        let today = Day("2026-11-28")!
        let good = ["contract_number": "KBS-2026-001", "title": "电解槽电极技术许可", "type": "license", "field": "hydrogen", "seller_name": "鄂尔多斯实验室",
                    "seller_region": "150603", "buyer_name": "某氢能公司", "buyer_region": "150627", "total": "1200000.00", "technical_income": "1000000",
                    "signed_on": "2026-11-01"]
        let c = try ContractDraft.parse(good, today: today)
        #expect(c.technicalIncome == Money.yuan(1_000_000) && ContractDraft.isOrdos(c.buyerRegion))
        #expect(ContractDraft.registrationNumber(year: 2026, sellerRegion: "150603", serial: 42) == "2026150603000042")
        for (field, value, code) in [("technical_income", "1300000", "market.income_above_total"), ("seller_region", "999999", "market.region_code"),
                                     ("signed_on", "2026-12-01", "market.signed_in_future"), ("total", "0.001", "money.not_fen"), ("type", "gift", "field.not_allowed")] {
            var f = good
            f[field] = value
            do { _ = try ContractDraft.parse(f, today: today); Issue.record("accepted \(field)=\(value)") } catch {
                #expect(error.errors.contains { $0.field == field && $0.code == code }, "\(error.errors)")
            }
        }
    }

    @Test("Challenges: weights and shares add to 100, gates never fall; scores rank bids; no award until every score is in")
    func challenges() throws {
        let today = Day("2026-11-28")!
        var f = ["title": "矿区氢能重卡低温冷启动", "description": "面向零下30度矿区运输场景，攻克燃料电池重卡冷启动难题，形成工程化方案。",
                 "conditions": "具有燃料电池系统研发基础", "mode": "saima", "teams": "2", "reward": "3000000", "deadline": "2027-01-31",
                 "criteria": "技术方案:50\n团队能力:30\n经费合理性:20", "milestones": "样机|5|30|2027-06-30\n中试|6|30|2027-12-31\n示范|7|40|2028-06-30"]
        let d = try ChallengeDraft.parse(f, today: today)
        #expect(d.teams == 2 && d.criteria.count == 3 && d.milestones.map(\.trl) == [5, 6, 7])
        f["milestones"] = "样机|6|50|2027-06-30\n中试|5|50|2027-12-31"
        #expect(throws: ValidationErrors.self) { try ChallengeDraft.parse(f, today: today) }
        #expect(throws: DomainError.self) { try ChallengeRules.checkBid(state: .open, deadline: Day("2026-11-27")!, today: today) }
        let (b1, b2, b3, p1, p2) = (UUID(), UUID(), UUID(), UUID(), UUID())
        func sheet(_ b: UUID, _ p: UUID, _ s: Int) -> ChallengeRules.Sheet { .init(bid: b, member: p, scores: ["技术方案": s, "团队能力": s, "经费合理性": s]) }
        let partial = ChallengeRules.rank(bids: [b1, b2, b3], panel: [p1, p2], sheets: [sheet(b1, p1, 90), sheet(b2, p1, 70), sheet(b3, p1, 80)], criteria: d.criteria)
        #expect(!partial.complete)
        #expect(throws: DomainError.self) { try ChallengeRules.award(mode: .saima, teams: 2, state: .review, ranking: partial.ranked, complete: partial.complete) }
        let full = ChallengeRules.rank(bids: [b1, b2, b3], panel: [p1, p2],
                                       sheets: [sheet(b1, p1, 90), sheet(b2, p1, 70), sheet(b3, p1, 80), sheet(b1, p2, 80), sheet(b2, p2, 75), sheet(b3, p2, 60)], criteria: d.criteria)
        #expect(full.complete && full.ranked.map(\.bid) == [b1, b2, b3] && full.ranked[0].total == 85)
        #expect(try ChallengeRules.award(mode: .saima, teams: 2, state: .review, ranking: full.ranked, complete: true) == [b1, b2])
        #expect(ChallengeRules.split(Money(fen: 100), among: 3) == [Money(fen: 34), Money(fen: 33), Money(fen: 33)])
        let amounts = (0..<3).map { ChallengeRules.milestoneAmount(reward: Money(fen: 100_001), milestones: d.milestones, index: $0) }
        #expect(amounts.reduce(Money.zero, +) == Money(fen: 100_001))
        #expect(throws: DomainError.self) { try ChallengeRules.checkReview(passing: [b1: 5], gate: 6, mode: .saima, last: false) }
        #expect(throws: DomainError.self) { try ChallengeRules.checkReview(passing: [b1: 7, b2: 7], gate: 7, mode: .saima, last: true) }
    }
}
