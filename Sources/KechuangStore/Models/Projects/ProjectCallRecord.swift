import FluentKit
import Foundation
import KechuangCore

/// A call for projects (项目指南): programme, fields, selection and funding mode, who may apply, the ceiling, dates,
/// the review criteria and the 立项公示 once decided. A call may start from an enterprise demand (企业出题), and a
/// 揭榜挂帅/赛马 call runs as a market challenge.
public final class ProjectCallRecord: Model, @unchecked Sendable {
    public static let schema = "project_calls"

    @ID(key: .id) public var id: UUID?
    @Field(key: "title") public var title: String
    @Field(key: "programme") public var programme: String
    @Field(key: "summary") public var summary: String
    /// Priority fields, comma-separated raw values.
    @Field(key: "fields") public var fields: String
    @Field(key: "selection_mode") public var selectionMode: String
    @Field(key: "funding_mode") public var fundingMode: String
    @Field(key: "ceiling_fen") public var ceilingFen: Int64
    /// Organisation kinds that may apply, comma-separated (`enterprise`, `institution`).
    @Field(key: "allowed_kinds") public var allowedKinds: String
    @Field(key: "opens_on") public var opensOn: String
    @Field(key: "deadline") public var deadline: String
    @Field(key: "experts_per_application") public var expertsPerApplication: Int
    @Field(key: "max_expert_load") public var maxExpertLoad: Int
    /// `名称:权重` lines, weights summing to 100.
    @Field(key: "criteria") public var criteria: String
    @Field(key: "objection_days") public var objectionDays: Int
    @OptionalField(key: "demand_id") public var demandID: UUID?
    /// 定向委托: the one organisation the call is commissioned to.
    @OptionalField(key: "directed_to") public var directedTo: UUID?
    @OptionalField(key: "challenge_id") public var challengeID: UUID?
    /// open → review → decided (公示 published).
    @Field(key: "state") public var state: String
    @OptionalField(key: "publicity_from") public var publicityFrom: String?
    @OptionalField(key: "publicity_until") public var publicityUntil: String?
    @Field(key: "created_by_name") public var createdByName: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var selection: SelectionMode { SelectionMode(rawValue: selectionMode) ?? .competitive }
    public var funding: FundingMode { FundingMode(rawValue: fundingMode) ?? .budget }
    public var ceiling: Money { Money(fen: ceilingFen) }
    public var kinds: [String] { allowedKinds.split(separator: ",").map(String.init) }
    public var fieldList: [String] { fields.split(separator: ",").map(String.init) }
    public var criteriaList: [Criterion] {
        criteria.split(whereSeparator: \.isNewline).compactMap { line in
            let p = line.split(separator: ":")
            return p.count == 2 ? Int(p[1].trimmingCharacters(in: .whitespaces)).map { Criterion(name: p[0].trimmingCharacters(in: .whitespaces), weight: $0) } : nil
        }
    }

    /// Applications are taken from `opensOn` to `deadline` inclusive (China dates).
    public func accepting(on day: Day) -> Bool {
        state == "open" && !selection.isChallenge && (Day(opensOn).map { $0 <= day } ?? true) && (Day(deadline).map { day <= $0 } ?? false)
    }

    public func pastDeadline(on day: Day) -> Bool { Day(deadline).map { day > $0 } ?? false }

    /// The objection period of the 立项公示 is running.
    public func inPublicity(on day: Day) -> Bool {
        guard let f = publicityFrom.flatMap(Day.init), let u = publicityUntil.flatMap(Day.init) else { return false }
        return f <= day && day <= u
    }

    public func publicityOver(on day: Day) -> Bool { publicityUntil.flatMap(Day.init).map { day > $0 } ?? false }
}

/// An objection (异议) to a 立项公示 entry, filed during the objection period; staff answer it.
public final class ProjectObjectionRecord: Model, @unchecked Sendable {
    public static let schema = "project_objections"

    @ID(key: .id) public var id: UUID?
    @Field(key: "call_id") public var callID: UUID
    @Field(key: "application_id") public var applicationID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "text") public var text: String
    @OptionalField(key: "answer") public var answer: String?
    @Field(key: "filed_at") public var filedAt: Date

    public init() {}
}
