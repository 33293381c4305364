import KechuangCore
import Vapor

/// The rule base for everyone to read: each rule with its article, clause, conditions and parameters.
struct RulesController {
    struct ListContent: Encodable {
        let version: String
        let groups: [ArticleGroup]
        let provisionalCount: Int
        let ruleCount: Int
    }

    struct ArticleGroup: Encodable {
        let article: Int
        let label: String
        let rules: [RuleRow]
    }

    struct RuleRow: Encodable {
        let id: String
        let title: String
        let kindLabel: String
        let entities: String
        let automatic: Bool
        let provisional: Bool
    }

    struct ShowContent: Encodable {
        let id: String
        let title: String
        let article: Int
        let articleLabel: String
        let quote: String
        let kindLabel: String
        let entities: String
        let automatic: Bool
        let effective: String
        let conditions: [String]
        let amount: String?
        let rounding: String
        let inputs: [InputRow]
        let parameters: [ParamRow]
        let version: String
    }

    struct InputRow: Encodable {
        let name: String
        let label: String
        let source: String
        let government: Bool
    }

    struct ParamRow: Encodable {
        let name: String
        let label: String
        let values: [ValueRow]
    }

    struct ValueRow: Encodable {
        let period: String
        let value: String
        let unit: String
        let provisional: Bool
        let source: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "policy", "rules", access: .everyone, use: list)
        r.on(.GET, "policy", "rules", ":id", access: .everyone, use: show)
    }

    static func isProvisional(_ base: RuleBase, _ index: Int) -> Bool {
        base.ruleParameters[index].contains { slot in base.parameters[slot].values.contains { $0.status == .provisional } }
    }

    @Sendable func list(req: Request) async throws -> View {
        let base = try req.services.rules.require()
        let en = req.lang == .en
        let rows = base.rules.enumerated().map { i, r in
            (r.article, RuleRow(id: r.id, title: en ? r.titleEn : r.title, kindLabel: req.t("rule_kind_\(r.kind.rawValue)"),
                                entities: r.entities.map { req.t("entity_\($0.rawValue)") }.joined(separator: "、"),
                                automatic: r.automatic, provisional: Self.isProvisional(base, i)))
        }
        let groups = Dictionary(grouping: rows, by: \.0).keys.sorted().map { a in ArticleGroup(article: a, label: req.t("cite_article", ["n": String(a)]), rules: rows.filter { $0.0 == a }.map(\.1)) }
        return try await req.page("policy/rules", titleKey: "rules_title", content: ListContent(
            version: base.version, groups: groups, provisionalCount: rows.filter(\.1.provisional).count, ruleCount: rows.count))
    }

    @Sendable func show(req: Request) async throws -> View {
        let base = try req.services.rules.require()
        guard let id = req.parameters.get("id"), let i = base.ruleIndex[id] else { throw DomainError.notFound("rule") }
        let r = base.rules[i]
        let en = req.lang == .en
        let inputs = base.ruleInputs[i].compactMap { base.variable($0) }.map {
            InputRow(name: $0.name, label: en ? $0.labelEn : $0.label, source: $0.source, government: $0.government)
        }
        let params = base.ruleParameters[i].map { base.parameters[$0] }.map { p in
            ParamRow(name: p.name, label: en ? p.labelEn : p.label, values: p.values.map {
                ValueRow(period: "\($0.from) – \($0.until?.description ?? "")", value: $0.value.display, unit: p.unit,
                         provisional: $0.status == .provisional, source: $0.source)
            })
        }
        return try await req.page("policy/rule", titleKey: "rule_title", titleArgs: ["title": en ? r.titleEn : r.title], content: ShowContent(
            id: r.id, title: en ? r.titleEn : r.title, article: r.article, articleLabel: req.t("cite_article", ["n": String(r.article)]), quote: r.quote, kindLabel: req.t("rule_kind_\(r.kind.rawValue)"),
            entities: r.entities.map { req.t("entity_\($0.rawValue)") }.joined(separator: "、"), automatic: r.automatic,
            effective: "\(r.effectiveFrom) – \(r.effectiveUntil?.description ?? "")", conditions: r.conditions.map(\.source),
            amount: r.amountSource, rounding: r.rounding.rawValue, inputs: inputs, parameters: params, version: base.version))
    }
}
