import FluentKit
import Foundation

/// A target the policy sets for an indicator (一、总体要求 and art. 29), with its citation.
public final class IndicatorTargetRecord: Model, @unchecked Sendable {
    public static let schema = "indicator_targets"

    @ID(key: .id) public var id: UUID?
    @Field(key: "indicator") public var indicator: String
    @Field(key: "name") public var name: String
    @Field(key: "name_en") public var nameEn: String
    @Field(key: "unit") public var unit: String
    @Field(key: "direction") public var direction: String
    @Field(key: "comparison") public var comparison: String
    /// Exact decimal as text.
    @Field(key: "value") public var value: String
    @OptionalField(key: "year") public var year: Int?
    @Field(key: "kind") public var kind: String
    @Field(key: "chapter_number") public var chapterNumber: Int
    @OptionalField(key: "article_number") public var articleNumber: Int?
    @Field(key: "quote") public var quote: String

    public init() {}
}
