import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// What-if budget simulation for staff: override parameters (an overlay, not code) and see the cost over
/// every organisation in the database, per rule and per banner, with who gains and who loses.
struct WhatIfController {
    struct Content: Encodable {
        let entity: String
        let year: Int
        let date: String
        let parameters: [ParamField]
        let errors: [String]
        let report: ReportView?
    }

    struct ParamField: Encodable {
        let name: String
        let label: String
        let current: String
        let unit: String
        let provisional: Bool
        let value: String
    }

    struct ReportView: Encodable {
        let entities: Int
        let totalBefore: String
        let totalAfter: String
        let totalChange: String
        let rules: [RuleRow]
        let groups: [GroupRow]
        let gains: [ChangeRow]
        let losses: [ChangeRow]
        let overlay: [String]
    }

    struct RuleRow: Encodable {
        let id: String
        let title: String
        let before: String
        let after: String
        let change: String
        let eligibleBefore: Int
        let eligibleAfter: Int
        let winners: Int
        let losers: Int
        let provisional: Bool
    }

    struct GroupRow: Encodable {
        let group: String
        let before: String
        let after: String
    }

    struct ChangeRow: Encodable {
        let id: String
        let name: String
        let group: String
        let before: String
        let after: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "admin", "policy", "whatif", access: .staff, use: page)
    }

    @Sendable func page(req: Request) async throws -> View {
        let base = try req.services.rules.require()
        let q = (try? req.query.decode([String: String].self)) ?? [:]
        let entity = q["entity"].flatMap(EntityKind.init(rawValue:)).flatMap { [.enterprise, .institution].contains($0) ? $0 : nil } ?? .enterprise
        let today = ChinaTime.dateString(req.now)
        let year = q["year"].flatMap(Int.init) ?? (Int(today.prefix(4))! - 1)
        let date = q["date"].flatMap { Day($0) != nil ? $0 : nil } ?? today
        let en = req.lang == .en
        let prepared = base.prepare(date: Day(date)!, entity: entity)
        let used = Set(prepared.applicable.filter { base.rules[$0].kind == .award }.flatMap { base.ruleParameters[$0] })
        let params = used.sorted().map { base.parameters[$0] }.filter { $0.type == .number || $0.type == .money }
        var overlay: ParameterOverlay = [:]
        var errors: [String] = []
        for p in params {
            guard let raw = q["p." + p.name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { continue }
            switch Self.read(raw, p) {
            case .success(let v): if let v { overlay[p.name] = v }
            case .failure(let e): errors.append("\(en ? p.labelEn : p.label): \(req.services.translator.message(e, req.lang))")
            }
        }
        var report: ReportView?
        if q["run"] == "1" && errors.isEmpty {
            report = try await run(req: req, base: base, entity: entity, year: year, date: Day(date)!, overlay: overlay)
        }
        let fields = params.map { p in
            let dated = p.value(at: Day(date)!)
            return ParamField(name: p.name, label: en ? p.labelEn : p.label, current: dated?.value.display ?? "—", unit: p.unit,
                              provisional: dated?.status == .provisional, value: q["p." + p.name] ?? "")
        }
        return try await req.page("admin/whatif", titleKey: "whatif_title", content: Content(
            entity: entity.rawValue, year: year, date: date, parameters: fields, errors: errors, report: report))
    }

    /// A typed override value; a plain function (the compiler mishandles typed throws caught in async code).
    static func read(_ raw: String, _ p: ParameterDef) -> Result<Value?, DomainError> {
        Result { () throws(DomainError) -> Value? in try RuleBase.convert(.text(raw), to: .parameterStandIn(p), field: p.name) }
    }

    func run(req: Request, base: RuleBase, entity: EntityKind, year: Int, date: Day, overlay: ParameterOverlay) async throws -> ReportView {
        let orgs = try await OrganizationRecord.query(on: req.db).filter(\.$kindRaw == entity.rawValue).all()
        let facts = try await EntityFactRecord.query(on: req.db).filter(\.$year >= year - 1).filter(\.$year <= year).all()
        let byOrg = Dictionary(grouping: facts, by: { $0.$organization.id })
        let entities = orgs.map { org in
            WhatIfReport.Entity(id: org.id!.uuidString, name: org.name, group: org.banner.map { req.lang == .en ? $0.nameEn : $0.nameZh } ?? "—",
                                inputs: EntityData.inputs(from: (byOrg[org.id!] ?? []).map(EntityDataStore.domain), year: year, base: base, entity: entity))
        }
        let r = WhatIfReport.run(base: base, entity: entity, date: date, overlay: overlay, entities: entities)
        func money(_ f: Fixed) -> String { Money(yuanString: f.yuanString)?.display ?? f.yuanString }
        let en = req.lang == .en
        return ReportView(
            entities: r.entities, totalBefore: money(r.totalBefore), totalAfter: money(r.totalAfter),
            totalChange: money((try? r.totalAfter - r.totalBefore) ?? .zero),
            rules: r.rules.map { RuleRow(id: $0.rule.id, title: en ? $0.rule.titleEn : $0.rule.title, before: money($0.before), after: money($0.after),
                                         change: money($0.change), eligibleBefore: $0.eligibleBefore, eligibleAfter: $0.eligibleAfter,
                                         winners: $0.winners, losers: $0.losers,
                                         provisional: RulesController.isProvisional(base, base.ruleIndex[$0.rule.id]!)) },
            groups: r.groups.map { GroupRow(group: $0.group, before: money($0.before), after: money($0.after)) },
            gains: r.gains.map { ChangeRow(id: $0.id, name: $0.name, group: $0.group, before: money($0.before), after: money($0.after)) },
            losses: r.losses.map { ChangeRow(id: $0.id, name: $0.name, group: $0.group, before: money($0.before), after: money($0.after)) },
            overlay: overlay.keys.sorted().map { "\($0) = \(overlay[$0]!.display)" })
    }
}
