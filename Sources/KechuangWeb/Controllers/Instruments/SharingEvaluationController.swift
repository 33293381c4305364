import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The yearly sharing-performance evaluation (art. 22): per unit and per instrument, from usage records, scored
/// by the versioned indicator file; awards asked of the policy engine; ranking page and an XLSX to hand in.
struct SharingEvaluationController {
    struct Content: Encodable {
        let year: Int
        let version: String
        let title: String
        let basis: String
        let indicators: [Indicator]
        let units: [UnitRow]
        let instruments: [InstrumentRow]
        let totalAward: String
        let flaggedUsage: Int
    }

    struct Indicator: Encodable {
        let label: String
        let weight: Int
        let target: String
    }

    struct UnitRow: Encodable {
        let rank: Int
        let name: String
        let instruments: Int
        let effectiveHours: String
        let externalHours: String
        let sharingRate: String
        let organisations: Int
        let users: Int
        let rating: String
        let points: [String]
        let total: String
        let grade: String
        let award: String
        let awardProvisional: Bool
    }

    struct InstrumentRow: Encodable {
        let rank: Int
        let name: String
        let owner: String
        let effectiveHours: String
        let utilisation: String
        let sharingRate: String
        let total: String
        let grade: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "instruments", "evaluation", access: .everyone, use: page)
        r.on(.GET, "instruments", "evaluation.xlsx", access: .staff, use: export)
    }

    static func fmt(_ d: Decimal, _ scale: Int = 1) -> String { SharingEvaluation.display(d, scale) }
    static func percent(_ d: Decimal) -> String { SharingEvaluation.percentDisplay(d) }

    func content(req: Request) async throws -> Content {
        let config = try InstrumentData.sharingConfig(req)
        let thisYear = Int(ChinaTime.dateString(req.now).prefix(4))!
        let year = (try? req.query.get(Int.self, at: "year")).flatMap { (2000...thisYear).contains($0) ? $0 : nil } ?? thisYear
        let from = try Result { () throws(ValidationErrors) in try Request.beijing(date: "\(year)-01-01", time: "00:00", dateField: "year", timeField: "year") }.get()
        let to = try Result { () throws(ValidationErrors) in try Request.beijing(date: "\(year + 1)-01-01", time: "00:00", dateField: "year", timeField: "year") }.get()
        let registry = try await req.instrumentStore.registryWithOwners()
        let instruments = registry.map(\.instrument)
        let owners = Dictionary(registry.compactMap { r in r.owner.map { ($0.id!, $0) } }, uniquingKeysWith: { a, _ in a })
        let usage = try await req.instrumentStore.usage(from: from, to: to)
        let byInstrument = Dictionary(grouping: usage, by: \.instrumentID)
        func fact(_ u: UsageRecord) -> UsageFact {
            UsageFact(instrumentID: u.instrumentID.uuidString, userID: u.userID.uuidString, userOrganizationID: u.userOrgID?.uuidString, minutes: u.minutes,
                      external: u.external, purpose: u.purpose, rating: u.rating)
        }
        var perInstrument: [String: (instruments: Int, facts: [UsageFact])] = [:]
        var perUnit: [String: (instruments: Int, facts: [UsageFact])] = [:]
        for i in instruments where i.status != InstrumentStatus.retired.rawValue {
            let facts = (byInstrument[i.id!] ?? []).map(fact)
            perInstrument[i.id!.uuidString] = (1, facts)
            let unit = i.$organization.id.uuidString
            perUnit[unit] = ((perUnit[unit]?.instruments ?? 0) + 1, (perUnit[unit]?.facts ?? []) + facts)
        }
        let unitScores = SharingEvaluation.score(perUnit, config: config)
        let instrumentScores = SharingEvaluation.score(perInstrument, config: config)
        let base = try req.services.rules.require()
        let today = KechuangCore.Day("\(year)-12-31")!
        var totalAward = Money.zero
        let units = unitScores.enumerated().map { k, s -> UnitRow in
            let report = MatchReport.run(base: base, entity: .institution, date: today, inputs: ["sharing_grade": .text(s.grade)]).only("sharing_performance_award")
            let item = report.items.first
            let amount = item.flatMap { $0.outcome.status == .eligible ? (try? $0.outcome.amount?.fen()).map { Money(fen: $0) } : nil }
            if let amount { totalAward = totalAward + amount }
            let name = UUID(uuidString: s.subject).flatMap { owners[$0]?.name } ?? ""
            return UnitRow(rank: k + 1, name: name, instruments: s.metrics.instruments, effectiveHours: Self.fmt(s.metrics.effectiveHours),
                           externalHours: Self.fmt(s.metrics.externalHours), sharingRate: Self.percent(s.metrics.sharingRate),
                           organisations: s.metrics.organisations.count, users: s.metrics.users.count,
                           rating: s.metrics.meanRating.map { Self.fmt($0, 2) } ?? "—", points: s.parts.map { Self.fmt($0.points, 2) },
                           total: Self.fmt(s.total, 2), grade: req.t("sharing_grade_\(s.grade)"), award: amount?.display ?? "—",
                           awardProvisional: amount != nil && (item?.trace.provisional ?? false))
        }
        let names = Dictionary(instruments.map { ($0.id!.uuidString, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = instrumentScores.prefix(200).enumerated().map { k, s in
            InstrumentRow(rank: k + 1, name: names[s.subject].map { "\($0.name) \($0.model)" } ?? "", owner: names[s.subject].flatMap { owners[$0.$organization.id]?.name } ?? "",
                          effectiveHours: Self.fmt(s.metrics.effectiveHours), utilisation: Self.percent(s.metrics.value(.utilisation, quotaHours: config.quotaHours)),
                          sharingRate: Self.percent(s.metrics.sharingRate), total: Self.fmt(s.total, 2), grade: req.t("sharing_grade_\(s.grade)"))
        }
        return Content(year: year, version: config.version, title: req.lang == .zh ? config.title : config.titleEn, basis: config.basis,
                       indicators: config.indicators.map { Indicator(label: req.lang == .zh ? $0.label : $0.labelEn, weight: $0.weight, target: $0.target) },
                       units: units, instruments: Array(rows), totalAward: totalAward.display, flaggedUsage: usage.filter { $0.gapFlag != nil }.count)
    }

    @Sendable func page(req: Request) async throws -> View {
        try await req.page("instruments/evaluation", titleKey: "sharing_eval_title", content: content(req: req))
    }

    @Sendable func export(req: Request) async throws -> Response {
        let c = try await content(req: req)
        let header = [req.t("sharing_col_rank"), req.t("sharing_col_unit"), req.t("sharing_col_instruments"), req.t("sharing_col_effective"),
                      req.t("sharing_col_external"), req.t("sharing_col_rate"), req.t("sharing_col_orgs"), req.t("sharing_col_users"), req.t("sharing_col_rating")]
            + c.indicators.map { "\($0.label) (\($0.weight))" } + [req.t("sharing_col_total"), req.t("sharing_col_grade"), req.t("sharing_col_award")]
        let rows: [[XLSXWriter.Cell]] = c.units.map { u in
            [.number(String(u.rank)), .text(u.name), .number(String(u.instruments)), .number(u.effectiveHours), .number(u.externalHours), .text(u.sharingRate),
             .number(String(u.organisations)), .number(String(u.users)), u.rating == "—" ? .empty : .number(u.rating)]
            + u.points.map { .number($0) } + [.number(u.total), .text(u.grade), .text(u.award + (u.awardProvisional ? " " + req.t("provisional_mark") : ""))]
        }
        let data = try XLSXWriter.workbook(sheetName: "\(c.year)", header: header, rows: rows)
        return .xlsx(data, filename: "sharing-evaluation-\(c.year).xlsx")
    }
}
