import FluentKit
import Foundation
import KechuangCore

/// Fiscal money paid to a project (拨付), exact in fen.
public final class DisbursementRecord: Model, @unchecked Sendable {
    public static let schema = "project_disbursements"

    @ID(key: .id) public var id: UUID?
    @Field(key: "project_id") public var projectID: UUID
    @Field(key: "amount_fen") public var amountFen: Int64
    @Field(key: "purpose") public var purpose: String
    @Field(key: "paid_on") public var paidOn: String
    @Field(key: "recorded_by_name") public var recordedByName: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

/// An expense charged to a project's fiscal funds, with the engine's flags and the staff's resolution.
public final class ExpenseRecord: Model, @unchecked Sendable {
    public static let schema = "project_expenses"

    @ID(key: .id) public var id: UUID?
    @Field(key: "project_id") public var projectID: UUID
    @Field(key: "kind") public var kind: String
    @Field(key: "category") public var category: String
    @Field(key: "amount_fen") public var amountFen: Int64
    @Field(key: "payee") public var payee: String
    @Field(key: "payee_on_team") public var payeeOnTeam: Bool
    @Field(key: "related_party") public var relatedParty: Bool
    @Field(key: "invoice_no") public var invoiceNo: String
    @Field(key: "procurement_followed") public var procurementFollowed: Bool
    @Field(key: "spent_on") public var spentOn: String
    @Field(key: "description") public var description: String
    /// The rules that fired, one `rule_id` per line.
    @Field(key: "flags") public var flags: String
    @Field(key: "rule_version") public var ruleVersion: String
    @Field(key: "state") public var state: String
    @OptionalField(key: "resolution_note") public var resolutionNote: String?
    @OptionalField(key: "resolved_by_name") public var resolvedByName: String?
    @OptionalField(key: "resolved_at") public var resolvedAt: Date?
    @Field(key: "recorded_by_name") public var recordedByName: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var expenseState: ExpenseState { ExpenseState(rawValue: state) ?? .clear }
    public var flagIDs: [String] { flags.split(whereSeparator: \.isNewline).map(String.init) }
    /// Disallowed expenses are paid back; they do not count as spent.
    public var counts: Bool { expenseState != .disallowed }
}
