import FluentKit
import Foundation
import KechuangCore

/// A recognised platform or carrier in the registry (arts. 2, 4, 6, 13, 14, 17).
public final class PlatformRecord: Model, @unchecked Sendable {
    public static let schema = "platforms"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    @Field(key: "level") public var level: String
    @OptionalField(key: "subtype") public var subtype: String?
    @Parent(key: "host_organization_id") public var host: OrganizationRecord
    @Field(key: "banner") public var banner: String
    @Field(key: "field") public var field: String
    @Field(key: "recognized_on") public var recognizedOn: String
    @Field(key: "document_number") public var documentNumber: String
    @Field(key: "issuing_body") public var issuingBody: String
    /// The autonomous region's award, where a city rule matches it (等额奖补): an input, not a city amount.
    @OptionalField(key: "region_award_fen") public var regionAwardFen: Int64?
    @Field(key: "under_construction") public var underConstruction: Bool
    /// active or revoked.
    @Field(key: "status") public var status: String
    @OptionalField(key: "revoked_reason") public var revokedReason: String?
    @Field(key: "created_by_name") public var createdByName: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?
    @Children(for: \.$platform) public var reports: [PlatformReportRecord]

    public init() {}

    public func facts() -> PlatformFacts? {
        guard let kind = PlatformKind(rawValue: kind), let level = Recognition.Level(rawValue: level), let day = Day(recognizedOn) else { return nil }
        var grades: [Int: PerformanceGrade] = [:]
        for r in $reports.value ?? [] { if let g = PerformanceGrade(rawValue: r.grade) { grades[r.year] = g } }
        return PlatformFacts(kind: kind, level: level, subtype: subtype, recognizedOn: day, regionAwardFen: regionAwardFen,
                             underConstruction: underConstruction, grades: grades)
    }
}

/// A platform's yearly performance report (运行绩效): the grade the award rules read and the figures behind it.
public final class PlatformReportRecord: Model, @unchecked Sendable {
    public static let schema = "platform_reports"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "platform_id") public var platform: PlatformRecord
    @Field(key: "year") public var year: Int
    @Field(key: "grade") public var grade: String
    @OptionalField(key: "incubatees") public var incubatees: Int?
    @OptionalField(key: "graduates") public var graduates: Int?
    @OptionalField(key: "area_m2") public var areaM2: Int?
    @OptionalField(key: "rd_spend_fen") public var rdSpendFen: Int64?
    @Field(key: "summary") public var summary: String
    @Field(key: "created_by_name") public var createdByName: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
}
