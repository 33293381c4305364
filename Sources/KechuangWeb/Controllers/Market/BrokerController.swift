import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// Technology brokers (技术经纪人): public profiles with the matches and contracts attributed to them when they
/// happened, and the art. 14 reward asked of the policy engine. Brokers keep their own profile.
struct BrokerController {
    struct ListContent: Encodable {
        let rows: [Row]
        let isBroker: Bool
    }

    struct Row: Encodable {
        let id: String
        let name: String
        let organization: String
        let fields: String
        let matches: Int
        let contracts: Int
    }

    struct ShowContent: Encodable {
        let name: String
        let organization: String
        let certificate: String
        let fields: String
        let bio: String
        let matches: [String]
        let contracts: [String]
        let facilitated: String
        let reward: String?
        let rewardNote: String
    }

    struct FormContent: Encodable {
        let form: FormState
        let fields: [RegistrationController.Option]
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "market", "brokers", access: .everyone, use: list)
        r.on(.GET, "market", "brokers", "profile", access: .roles([.broker]), use: editForm)
        r.on(.POST, "market", "brokers", "profile", access: .roles([.broker]), use: save)
        r.on(.GET, "market", "brokers", ":id", access: .everyone, use: show)
    }

    func fieldsText(_ raw: String, _ req: Request) -> String {
        raw.split(separator: ",").map { req.t("field_\($0)") }.joined(separator: "、")
    }

    @Sendable func list(req: Request) async throws -> Response {
        let profiles = try await BrokerProfileRecord.query(on: req.db).all()
        let users = Dictionary(try await UserRecord.query(on: req.db).filter(\.$id ~~ profiles.map(\.userID)).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let matches = Dictionary(grouping: try await MarketMatchRecord.query(on: req.db).filter(\.$brokerID != nil).all(), by: { $0.brokerID! }).mapValues(\.count)
        let contracts = Dictionary(grouping: try await TechContractRecord.query(on: req.db).filter(\.$brokerID != nil).all(), by: { $0.brokerID! }).mapValues(\.count)
        let rows = profiles.compactMap { p in users[p.userID].map { u in
            Row(id: p.id!.uuidString, name: u.displayName, organization: p.organization, fields: fieldsText(p.fields, req),
                matches: matches[p.userID] ?? 0, contracts: contracts[p.userID] ?? 0)
        } }.sorted { $0.contracts != $1.contracts ? $0.contracts > $1.contracts : $0.name < $1.name }
        if let file = try ListExport.response(req, name: "brokers", header: ["name", "organization", "fields", "matches", "contracts"].map { req.t("export_\($0)") },
                                              rows: rows.map { [$0.name, $0.organization, $0.fields, String($0.matches), String($0.contracts)] }) { return file }
        return try await req.page("market/brokers", titleKey: "brokers_title", content: ListContent(rows: rows, isBroker: req.currentUser?.role == .broker)).encodeResponse(for: req)
    }

    @Sendable func show(req: Request) async throws -> View {
        guard let id = req.parameters.get("id", as: UUID.self), let p = try await BrokerProfileRecord.find(id, on: req.db),
              let u = try await UserRecord.find(p.userID, on: req.db) else { throw DomainError.notFound("broker") }
        let matches = try await MarketMatchRecord.query(on: req.db).filter(\.$brokerID == p.userID).all()
        let demandTitles = Dictionary(try await DemandRecord.query(on: req.db).filter(\.$id ~~ matches.map(\.demandID)).all().map { ($0.id!, $0.title) }, uniquingKeysWith: { a, _ in a })
        let contracts = try await TechContractRecord.query(on: req.db).filter(\.$brokerID == p.userID).sort(\.$signedOn, .descending).all()
        let year = ChinaTime.civil(req.now).year
        // Attribution counts contracts registered this year whose buyer is in Ordos: results that "landed" (art. 14).
        let landed = contracts.filter { $0.registrationYear == year && ContractDraft.isOrdos($0.buyerRegion) }.reduce(Int64(0)) { $0 + $1.technicalIncomeFen }
        let report = MatchReport.run(base: try req.services.rules.require(), entity: .broker, date: req.today,
                                     inputs: ["facilitated_tech_income": .num(.fen(landed))]).only("broker_facilitation_reward")
        var reward: String?
        if let item = report.items.first, item.outcome.status == .eligible, let fen = try? item.outcome.amount?.fen() {
            reward = Money(fen: fen).display + (item.trace.provisional ? " " + req.t("provisional_mark") : "")
        }
        return try await req.page("market/broker", titleKey: "broker_title", titleArgs: ["name": u.displayName], content: ShowContent(
            name: u.displayName, organization: p.organization, certificate: p.certificate, fields: fieldsText(p.fields, req), bio: p.bio,
            matches: matches.map { "\(demandTitles[$0.demandID] ?? "") · \(req.t("match_status_\($0.status)"))" },
            contracts: contracts.map { "\($0.registrationNumber) · \($0.title) · \(Money(fen: $0.technicalIncomeFen).display)" },
            facilitated: Money(fen: landed).display, reward: reward, rewardNote: req.t("broker_reward_note", ["year": String(year)])))
    }

    @Sendable func editForm(req: Request) async throws -> View {
        let me = try req.requireUser()
        let p = try await BrokerProfileRecord.query(on: req.db).filter(\.$userID == me.id).first()
        let values = p.map { ["organization": $0.organization, "certificate": $0.certificate, "fields": $0.fields, "bio": $0.bio] } ?? [:]
        return try await req.page("market/broker-form", titleKey: "broker_profile", content: FormContent(form: FormState(values: values), fields: req.fieldOptions()), forms: true)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let me = try req.requireUser()
        let input = try InputReader(req, allowed: ["organization", "certificate", "fields", "bio"])
        do {
            var v = Validator()
            let organization = v.text("organization", input["organization"], max: 100) ?? ""
            let certificate = v.text("certificate", input["certificate"], max: 50, required: false) ?? ""
            let fields = v.choices("fields", input["fields"], as: PriorityField.self)
            let bio = v.text("bio", input["bio"], min: 10, max: 2000) ?? ""
            try v.throwIfAny()
            let p = try await BrokerProfileRecord.query(on: req.db).filter(\.$userID == me.id).first() ?? BrokerProfileRecord()
            let created = p.id == nil
            p.userID = me.id; p.organization = organization; p.certificate = certificate; p.fields = fields.map(\.rawValue).joined(separator: ","); p.bio = bio
            try await req.db.transaction { tx in
                try await p.save(on: tx)
                try await AuditTrail.event(on: tx, actor: req.actor, action: created ? "broker.create" : "broker.update", entityType: "broker", entityID: p.id!.uuidString)
            }
            req.flash("flash_broker_saved")
            return req.redirect(to: "/market/brokers/\(p.id!.uuidString)", redirectType: .normal)
        } catch let e as ValidationErrors {
            let view = try await req.page("market/broker-form", titleKey: "broker_profile", content: FormContent(form: try FormState(e, values: input.values, req: req),
                                          fields: req.fieldOptions()), forms: true)
            return try await .rerender(view, for: req)
        }
    }
}
