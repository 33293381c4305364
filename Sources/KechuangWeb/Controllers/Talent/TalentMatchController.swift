import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 一键匹配 for a person: the talent policies of arts. 15–18 evaluated from the profile and the confirmed class, like
/// an organisation's match (eligible / not / undetermined with the missing inputs, amounts in fen, article and quote),
/// and the year-by-year schedule of the 10-year stable support.
struct TalentMatchController {
    struct Content: Encodable {
        let report: MatchController.ReportView
        let inputs: [InputRow]
        let schedule: [YearRow]
        let scheduleStart: String?
        let organizationID: String
        let dataYear: Int
    }

    struct InputRow: Encodable {
        let label: String
        let value: String
    }

    struct YearRow: Encodable {
        let number: Int
        let from: String
        let until: String
        let state: String
        let eligible: Bool
        let ceiling: String?
        let provisional: Bool
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "talent", "me", "match", access: .roles([.talent]), use: page)
        r.on(.GET, "api", "v1", "talent", "me", "match", access: .roles([.talent]), use: api)
    }

    static func run(_ t: TalentRecord, base: RuleBase, day: Day) -> (MatchReport, [String: Value]) {
        let inputs = t.inputs(on: day)
        return (MatchReport.run(base: base, entity: .talent, date: day, inputs: inputs), inputs)
    }

    @Sendable func page(req: Request) async throws -> View {
        let t = try await req.requireOwnTalent()
        let base = try req.services.rules.require()
        let (report, inputs) = Self.run(t, base: base, day: req.today)
        let en = req.lang == .en
        let used = Set(base.variables(for: .talent, scheme: nil).map(\.name))
        let rows = base.variables(for: .talent, scheme: nil).filter { used.contains($0.name) }.map { v in
            InputRow(label: en ? v.labelEn : v.label, value: inputs[v.name].map(\.display) ?? req.t("talent_input_unknown"))
        }
        var schedule: [YearRow] = []
        if let c = t.confirmedCategory, [.a, .b].contains(c), let start = t.categorySince.flatMap(Day.init) {
            let today = req.today
            schedule = SupportSchedule.run(base: base, start: start, today: today, inputs: inputs).years.map {
                YearRow(number: $0.number, from: $0.from.description, until: $0.until.description, state: req.t("talent_year_" + $0.state.rawValue),
                        eligible: $0.eligible, ceiling: $0.grantCeiling.flatMap { try? $0.fen() }.map { Money(fen: $0).display }, provisional: $0.provisional)
            }
        }
        return try await req.page("talent/match", titleKey: "talent_match_title", content: Content(
            report: MatchController().view(report, base: base, req: req), inputs: rows, schedule: schedule, scheduleStart: t.categorySince,
            organizationID: "", dataYear: 0))
    }

    @Sendable func api(req: Request) async throws -> MatchJSON {
        let t = try await req.requireOwnTalent()
        return MatchJSON(Self.run(t, base: try req.services.rules.require(), day: req.today).0)
    }
}
