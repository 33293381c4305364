import FluentKit
import Foundation
import KechuangCore
@testable import KechuangStore
import Testing

/// 查重评议 in the store: comparable instruments found with their use, the rule base asked, one decision only.
@Suite("Duplicate-purchase review use cases")
struct PurchaseReviewStoreTests {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    @Test("A proposal in the class group of a registered instrument lists it; the decision is recorded once and audited")
    func submitAndDecide() async throws {
        try await withStore { h in
            let base = try RuleBase.load(directory: Self.packageRoot + "/policies/ordos")
            let make = Builders(db: h.db)
            let lab = try await make.organization()
            _ = try await make.instrument(owner: lab)  // class 030201
            let proposer = try await make.user("proposer", role: .institution, memberOf: lab), reviewer = try await make.user("reviewer", role: .reviewer)
            let proposal = try PurchaseProposal.parse(["name": "X射线衍射仪", "model": "SmartLab", "class_code": "030205", "key_specs": "9 kW 转靶",
                                                       "budget": "1500000", "funding_source": "local_fiscal", "fiscal_share": "1",
                                                       "justification": "现有设备机时已饱和，需新增一台"], allowed: [lab.id!])
            let store = PurchaseReviewStore(db: h.db)
            let now = Date()
            let r = try await store.submit(proposal, submittedBy: proposer.id!, base: base, now: now, actor: .of(proposer))
            let findings = try store.findings(of: r)
            #expect(findings.comparables.map(\.name) == ["X射线衍射仪"])
            #expect(findings.comparables.first?.underused == true) // no recorded use in the last 12 months
            #expect(findings.saturationHours == PurchaseReview.parameters(base, on: Day(ChinaTime.dateString(now))!).saturationHours.description)
            #expect(r.ruleBaseVersion == base.version)

            await #expect(throws: DomainError.notFound("purchase_review")) { _ = try await store.review(r.id!, userID: reviewer.id!, staff: false) }
            try await store.decide(r, decision: "conditional", opinion: "与现有设备错峰共享", decidedBy: reviewer.id!, now: now, actor: .of(reviewer))
            await #expect(throws: DomainError(.conflict, code: "review.already_decided")) {
                try await store.decide(r, decision: "recommend", opinion: "再次决定", decidedBy: reviewer.id!, now: now, actor: .of(reviewer))
            }
            #expect(try await AuditEntryRecord.query(on: h.db).filter(\.$action ~~ ["purchase_review.submit", "purchase_review.decide"]).count() == 2)
        }
    }

    @Test("The proposal form names every bad field, and a unit the proposer does not act for")
    func badProposal() {
        #expect(throws: ValidationErrors.self) { try PurchaseProposal.parse([:], allowed: []) }
        do {
            _ = try PurchaseProposal.parse(["organization_id": UUID().uuidString, "class_code": "12ab", "budget": "-1", "fiscal_share": "2"], allowed: [UUID()])
        } catch {
            let fields = Set(error.errors.compactMap(\.field))
            #expect(fields.isSuperset(of: ["organization_id", "name", "model", "class_code", "key_specs", "budget", "funding_source", "fiscal_share", "justification"]))
        }
    }
}
