import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The cultivation-ladder self-assessment (art. 7 梯度培育): an enterprise's own page from its stored yearly data,
/// a public form for anyone, and the same over JSON. The criteria are the `ladder` rules of the policy files.
struct LadderController {
    struct OrgContent: Encodable {
        let organizationID: String
        let name: String
        let dataYear: Int
        let years: [Int]
        let ladder: LadderView
    }

    struct FormContent: Encodable {
        let date: String
        let fields: [MatchController.Field]
        let submitted: Bool
        let errors: [String]
        let ladder: LadderView?
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "organizations", ":id", "ladder", access: .signedIn, use: organizationPage)
        r.on(.GET, "ladder", access: .everyone, use: publicForm)
        r.on(.POST, "api", "v1", "ladder", access: .everyone, use: api)
    }

    /// An enterprise's assessment from its stored data: its members and staff only (others get 404).
    static func assess(req: Request, org: OrganizationRecord, year: Int?) async throws -> (LadderAssessment, EntityEvaluation.StoredInputs) {
        let stored = try await EntityEvaluation.storedInputs(req: req, org: org, kind: .enterprise, year: year)
        let today = req.today
        return (LadderAssessment.run(base: try req.services.rules.require(), date: today, inputs: stored.inputs), stored)
    }

    @Sendable func organizationPage(req: Request) async throws -> View {
        let (org, kind, _) = try await req.organizationForData()
        guard kind == .enterprise else { throw DomainError.notFound("organization") }
        let year = try Self.year(req.query[String.self, at: "year"])
        let (assessment, stored) = try await Self.assess(req: req, org: org, year: year)
        let base = try req.services.rules.require()
        return try await req.page("entities/ladder", titleKey: "ladder_org_title", titleArgs: ["name": org.name], content: OrgContent(
            organizationID: org.id!.uuidString, name: org.name, dataYear: stored.dataYear, years: stored.availableYears,
            ladder: LadderView(assessment, base: base, req: req)))
    }

    @Sendable func publicForm(req: Request) async throws -> View {
        let base = try req.services.rules.require()
        let query = (try? req.query.decode([String: String].self)) ?? [:]
        let today = ChinaTime.dateString(req.now)
        let date = query["date"].flatMap { $0.isEmpty ? nil : $0 } ?? today
        let submitted = query["run"] == "1"
        let raw = ProfileForm.rawInputs(query, skipping: ["date", "run", "lang"])
        var fieldErrors: [String: String] = [:]
        var general: [String] = []
        var assessment: LadderAssessment?
        if submitted {
            switch Self.run(base: base, date: date, raw: raw, today: today) {
            case .success(let a): assessment = a
            case .failure(let v): (fieldErrors, general) = ProfileForm.errors(v, req: req)
            }
        }
        let fields = ProfileForm.fields(base.variables(for: .enterprise, scheme: "ladder"), query: query,
                                        missing: Set(assessment?.rungs.flatMap(\.missing) ?? []), errors: fieldErrors, req: req)
        return try await req.page("entities/ladder-form", titleKey: "ladder_form_title", content: FormContent(
            date: date, fields: fields, submitted: submitted, errors: general, ladder: assessment.map { LadderView($0, base: base, req: req) }))
    }

    /// `{"date": "2026-06-30", "inputs": {…}}` for a typed profile, or `{"entityId": "…", "year": 2025}` for an
    /// enterprise's stored data (its members and staff only).
    @Sendable func api(req: Request) async throws -> LadderView {
        let body = try MatchBody.decode(req)
        let base = try req.services.rules.require()
        if let entityID = body.entityID {
            guard let uuid = UUID(uuidString: entityID) else { throw DomainError.invalid("entityId", "field.not_allowed", ["value": String(entityID.prefix(40))]) }
            req.parameters.set("id", to: uuid.uuidString)
            let year = try Self.year(body.year)
            let (org, kind, _) = try await req.organizationForData()
            guard kind == .enterprise else { throw DomainError.notFound("organization") }
            return LadderView(try await Self.assess(req: req, org: org, year: year).0, base: base, req: req)
        }
        if let kind = body.kind, kind != EntityKind.enterprise.rawValue {
            throw DomainError.invalid("kind", "field.not_allowed", ["value": String(kind.prefix(20))])
        }
        return LadderView(try Self.run(base: base, date: body.date, raw: body.inputs, today: ChinaTime.dateString(req.now)).get(), base: base, req: req)
    }

    /// Validates a typed profile and assesses it; a plain function so the handlers stay simple.
    static func run(base: RuleBase, date: String?, raw: [String: RawInput], today: String) -> Result<LadderAssessment, ValidationErrors> {
        Result { () throws(ValidationErrors) -> LadderAssessment in
            let (_, day, inputs) = try MatchRequest(kind: EntityKind.enterprise.rawValue, date: date, inputs: raw).validate(against: base, today: Day(today)!)
            return LadderAssessment.run(base: base, date: day, inputs: inputs)
        }
    }

    static func year(_ text: String?) throws -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let v = Int(text), EntityData.years.contains(v) else { throw DomainError.invalid("year", "field.out_of_range", ["min": "2000", "max": "2100"]) }
        return v
    }
}
