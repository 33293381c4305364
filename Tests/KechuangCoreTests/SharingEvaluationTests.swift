import Foundation
import KechuangCore
import Testing

@Suite("Sharing evaluation and purchase review")
struct SharingEvaluationTests {
    static let config: SharingEvaluationConfig = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/instruments/sharing-evaluation.json")
        return try! JSONDecoder().decode(SharingEvaluationConfig.self, from: Data(contentsOf: url))
    }()

    func fact(_ minutes: Int, external: Bool, user: String = "u1", org: String? = "o1", purpose: String = "research", rating: Int? = nil) -> UsageFact {
        UsageFact(instrumentID: "i", userID: user, userOrganizationID: org, minutes: minutes, external: external, purpose: purpose, rating: rating)
    }

    @Test("The shipped indicator file is valid: weights add to 100, grades descend")
    func configValid() {
        #expect(Self.config.problems().isEmpty)
    }

    @Test("Sharing rate counts external research hours only; certification work is not sharing")
    func metrics() {
        let scores = SharingEvaluation.score(["i": (1, [fact(600 * 60, external: false), fact(400 * 60, external: true, rating: 5),
                                                        fact(100 * 60, external: true, user: "u2", org: "o2", purpose: "legal_certification", rating: 3)])], config: Self.config)
        let m = scores[0].metrics
        #expect(m.effectiveMinutes == 1100 * 60)
        #expect(m.externalMinutes == 400 * 60)
        #expect(m.sharingRate == Decimal(400) / Decimal(1100))
        #expect(m.organisations == ["o1"])
        #expect(m.meanRating == 4)
    }

    @Test("Full targets reach 100 and grade excellent; no use grades poor; ties rank by sharing rate")
    func grades() {
        var full: [UsageFact] = []
        for k in 0..<20 { full.append(fact(50 * 60, external: true, user: "u\(k)", org: "o\(k % 10)", rating: 5)) }
        full.append(fact(600 * 60, external: false))
        let scores = SharingEvaluation.score(["busy": (1, full), "idle": (1, [])], config: Self.config)
        #expect(scores.map(\.subject) == ["busy", "idle"])
        #expect(scores[0].total == 100 && scores[0].grade == "excellent")
        #expect(scores[1].total == 0 && scores[1].grade == "fail")
    }

    @Test("Booked against actual: inflated and no-show sessions are flagged, small differences are not")
    func gaps() {
        let rule = Self.config.gaps
        #expect(SharingEvaluation.gapFlag(bookedMinutes: 60, actualMinutes: 180, rule: rule) == "over")
        #expect(SharingEvaluation.gapFlag(bookedMinutes: 120, actualMinutes: 30, rule: rule) == "under")
        #expect(SharingEvaluation.gapFlag(bookedMinutes: 20, actualMinutes: 45, rule: rule) == nil)
        #expect(SharingEvaluation.gapFlag(bookedMinutes: 120, actualMinutes: 150, rule: rule) == nil)
    }

    @Test("Comparable instruments: same class, or same group with a similar name")
    func comparables() {
        let registry = [
            PurchaseReview.Existing(id: "a", name: "场发射扫描电子显微镜", model: "Sigma", classCode: "030302", owner: "A", effectiveMinutes: 500 * 60, externalMinutes: 0),
            PurchaseReview.Existing(id: "b", name: "扫描电子显微镜", model: "JSM", classCode: "030399", owner: "B", effectiveMinutes: 1300 * 60, externalMinutes: 0),
            PurchaseReview.Existing(id: "c", name: "X射线衍射仪", model: "D8", classCode: "030201", owner: "C", effectiveMinutes: 0, externalMinutes: 0),
        ]
        let found = PurchaseReview.comparables(name: "扫描电子显微镜", classCode: "030302", in: registry)
        #expect(found.map(\.0.id) == ["a", "b"])
        #expect(found.map(\.1) == [.sameClass, .similarName])
        let inputs = PurchaseReview.inputs(budget: .yuan(1_500_000), fiscalShare: Fixed(1), comparables: found.map(\.0), saturationHours: Fixed(1200), recentSameClassTotal: .yuan(1_500_000))
        #expect(inputs["comparable_count"] == .num(Fixed(2)))
        #expect(inputs["comparable_underused_count"] == .num(Fixed(1)))
    }
}
