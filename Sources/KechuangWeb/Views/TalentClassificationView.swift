import Foundation
import KechuangCore
import Vapor

/// 分类认定 as pages and the API show it: every class with its criteria (the ladder's criterion view), the class
/// reached and the next one up.
struct TalentClassificationView: Content {
    struct Class: Content {
        let category: String
        let name: String
        let rule: String
        let status: String
        let statusLabel: String
        let statusClass: String
        let reached: Bool
        let provisional: Bool
        let missingLabels: [String]
        let requirements: [LadderView.Requirement]
        let metCount: Int
    }

    let date: String
    let ruleBaseVersion: String
    let category: String?
    let categoryName: String?
    let nextCategory: String?
    let classes: [Class]

    init(_ c: TalentClassification, base: RuleBase, req: Request) {
        let en = req.lang == .en
        date = c.date.description
        ruleBaseVersion = c.ruleBaseVersion
        category = c.category?.rawValue
        categoryName = c.category.map { en ? $0.nameEn : $0.nameZh }
        nextCategory = c.nextClass?.category.rawValue
        classes = c.classes.map { r in
            let reqs = LadderView.requirements(r.requirements, base: base, req: req)
            let (sl, sc) = LadderView.status(r.status, req: req)
            return Class(category: r.category.rawValue, name: en ? r.category.nameEn : r.category.nameZh, rule: r.rule.id, status: r.status.rawValue,
                         statusLabel: sl, statusClass: sc, reached: r.category == c.category, provisional: r.provisional,
                         missingLabels: r.missing.map { LadderView.label($0, base: base, req: req) }, requirements: reqs,
                         metCount: reqs.filter(\.satisfied).count)
        }
    }
}
