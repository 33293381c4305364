import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The bureau's compliance list: instruments the policy engine says must be shared (art. 22) that are not open to
/// everyone or not in working order, each with the engine's reasons.
struct InstrumentCompliance {
    struct Content: Encodable {
        let rows: [Row]
        let checked: Int
        let mustShare: Int
    }

    struct Row: Encodable {
        let id: String
        let name: String
        let owner: String
        let value: String
        let problem: String
        let reasons: [String]
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "admin", "instruments", "compliance", access: .staff, use: list)
    }

    /// The engine's inputs for one instrument.
    static func inputs(_ i: InstrumentRecord, owner: OrganizationRecord?) -> [String: Value] {
        var inputs: [String: Value] = ["instrument_value": .num(.fen(i.originalValueFen))]
        if let share = Fixed(parsing: i.fiscalShare) { inputs["fiscal_share"] = .num(share) }
        if let owner {
            inputs["owner_kind"] = .text(owner.kind == .institution ? (owner.institutionTypeRaw ?? "institute") : (owner.kind == .enterprise ? "enterprise" : "other"))
        }
        return inputs
    }

    @Sendable func list(req: Request) async throws -> View {
        let base = try req.services.rules.require()
        let today = KechuangCore.Day(ChinaTime.dateString(Date()))!
        let instruments = try await InstrumentRecord.query(on: req.db).sort(\.$name).all()
        let owners = Dictionary(try await OrganizationRecord.query(on: req.db).filter(\.$id ~~ Set(instruments.map { $0.$organization.id })).all().map { ($0.id!, $0) },
                                uniquingKeysWith: { a, _ in a })
        var rows: [Row] = []
        var must = 0
        for i in instruments {
            let owner = owners[i.$organization.id]
            let report = MatchReport.run(base: base, entity: .instrument, date: today, inputs: Self.inputs(i, owner: owner)).only("instrument_must_share")
            guard let item = report.items.first, item.outcome.status == .eligible else { continue }
            must += 1
            var problems: [String] = []
            if i.shareMode != ShareMode.external.rawValue { problems.append(req.t("ins_compliance_not_open", ["mode": req.t("share_mode_\(i.shareMode)")])) }
            if i.status != InstrumentStatus.active.rawValue { problems.append(req.t("ins_compliance_not_active", ["status": req.t("ins_status_\(i.status)")])) }
            guard !problems.isEmpty else { continue }
            rows.append(Row(id: i.id!.uuidString, name: i.name, owner: owner?.name ?? "", value: Money(fen: i.originalValueFen).display,
                            problem: problems.joined(separator: "；"), reasons: item.trace.conditions.map { "\($0.source)：\($0.substituted)" }))
        }
        return try await req.page("instruments/compliance", titleKey: "ins_compliance_title", content: Content(rows: rows, checked: instruments.count, mustShare: must))
    }
}
