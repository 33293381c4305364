import Foundation
import KechuangCore
import Vapor

/// 一键匹配 over JSON, and the rule base as data.
struct MatchAPIController {
    func register(_ r: any RoutesBuilder) {
        r.onSync(.POST, "api", "v1", "policy", "match", access: .everyone, use: match)
        r.on(.GET, "api", "v1", "policy", "rules", access: .everyone, use: rules)
    }

    /// `{"kind": "enterprise", "date": "2025-06-30", "inputs": {"rd_expense": 2000000, …}}`, or
    /// `{"entityId": "<organisation id>", "year": 2024}` for an organisation's stored data (members and staff only).
    /// A profile match is pure computation and runs on the event loop; only the entity form touches the database.
    @Sendable func match(req: Request) throws -> EventLoopFuture<MatchJSON> {
        let body = try MatchBody.decode(req)
        if let entityID = body.entityID {
            return req.eventLoop.makeFutureWithTask { try await entityMatch(req: req, id: entityID, year: body.year) }
        }
        return req.eventLoop.makeSucceededFuture(try profileMatch(req: req, body: body))
    }

    func entityMatch(req: Request, id: String, year: String?) async throws -> MatchJSON {
        guard let uuid = UUID(uuidString: id) else { throw DomainError.invalid("entityId", "field.not_allowed", ["value": String(id.prefix(40))]) }
        req.parameters.set("id", to: uuid.uuidString)
        var dataYear: Int?
        if let y = year {
            guard let v = Int(y), EntityData.years.contains(v) else { throw DomainError.invalid("year", "field.out_of_range", ["min": "2000", "max": "2100"]) }
            dataYear = v
        }
        let (org, kind, _) = try await req.organizationForData()
        return MatchJSON(try await EntityEvaluation.run(req: req, org: org, kind: kind, year: dataYear).report)
    }

    func profileMatch(req: Request, body: MatchBody) throws -> MatchJSON {
        let base = try req.services.rules.require()
        let (entity, day, inputs) = try MatchRequest(kind: body.kind, date: body.date, inputs: body.inputs)
            .validate(against: base, today: req.today)
        return MatchJSON(MatchReport.run(base: base, entity: entity, date: day, inputs: inputs))
    }

    struct RuleJSON: Content {
        let id: String
        let title: String
        let titleEn: String
        let article: Int
        let quote: String
        let entities: [String]
        let kind: String
        let automatic: Bool
        let effectiveFrom: String
        let effectiveUntil: String?
        let conditions: [String]
        let amount: String?
        let rounding: String
        let inputs: [String]
        let version: String
    }

    struct RulesJSON: Content {
        let version: String
        let rules: [RuleJSON]
    }

    @Sendable func rules(req: Request) async throws -> RulesJSON {
        let base = try req.services.rules.require()
        return RulesJSON(version: base.version, rules: base.rules.enumerated().map { i, r in
            RuleJSON(id: r.id, title: r.title, titleEn: r.titleEn, article: r.article, quote: r.quote, entities: r.entities.map(\.rawValue),
                     kind: r.kind.rawValue, automatic: r.automatic, effectiveFrom: r.effectiveFrom.description, effectiveUntil: r.effectiveUntil?.description,
                     conditions: r.conditions.map(\.source), amount: r.amountSource, rounding: r.rounding.rawValue, inputs: base.ruleInputs[i], version: r.version)
        })
    }
}

/// The match body, read strictly: only `kind`, `date`, `inputs`; inputs are scalars kept as exact text.
struct MatchBody {
    let kind: String?
    let date: String?
    let inputs: [String: RawInput]
    let entityID: String?
    let year: String?

    static func decode(_ req: Request) throws -> MatchBody {
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw DomainError(.malformed, code: "body.not_object") }
        if buffer.readableBytes > req.services.config.maxBodyBytes { throw DomainError(.payloadTooLarge, code: "body.too_large") }
        let data = Data(buffer.readableBytesView)
        guard (try? JSONSerialization.jsonObject(with: data)) != nil else { throw DomainError(.malformed, code: "body.malformed_json") }
        guard let top = try? JSONDecoder().decode([String: Scalar].self, from: data) else { throw DomainError(.malformed, code: "body.not_object") }
        if let unknown = top.keys.sorted().first(where: { !["kind", "date", "inputs", "entityId", "year"].contains($0) }) {
            throw DomainError.invalid(unknown, "field.unknown", ["field": String(unknown.prefix(40))])
        }
        func text(_ key: String) throws -> String? {
            switch top[key] {
            case nil, .null?: return nil
            case .text(let s)?: return s
            default: throw DomainError.invalid(key, "field.type", ["expected": "string"])
            }
        }
        var inputs: [String: RawInput] = [:]
        switch top["inputs"] {
        case nil, .null?: break
        case .object(let o)?:
            for (k, v) in o {
                guard let raw = v.raw else { throw DomainError.invalid("inputs.\(k)", "field.type", ["expected": "string, number or boolean"]) }
                inputs[k] = raw
            }
        default: throw DomainError.invalid("inputs", "field.type", ["expected": "object"])
        }
        if top["entityId"] != nil, top["kind"] != nil || top["inputs"] != nil {
            throw DomainError.invalid("entityId", "policy.entity_or_profile")
        }
        return MatchBody(kind: try text("kind"), date: try text("date"), inputs: inputs, entityID: try text("entityId"), year: try text("year"))
    }

    /// A top-level value; `inputs` is an object of scalars, numbers kept as their decimal text.
    enum Scalar: Decodable {
        case text(String), null, other, object([String: InputScalar])

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let s = try? c.decode(String.self) { self = .text(s) }
            else if let i = try? c.decode(Int.self) { self = .text(String(i)) }
            else if let o = try? c.decode([String: InputScalar].self) { self = .object(o) }
            else { self = .other }
        }
    }

    /// An input value; `raw` is nil for objects and arrays, which no variable takes.
    struct InputScalar: Decodable {
        let raw: RawInput?
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { raw = .null }
            else if let b = try? c.decode(Bool.self) { raw = .bool(b) }
            else if let i = try? c.decode(Int64.self) { raw = .number(String(i)) }
            else if let d = try? c.decode(Decimal.self) { raw = .number("\(d)") }
            else if let s = try? c.decode(String.self) { raw = .text(s) }
            else { raw = nil }
        }
    }
}
