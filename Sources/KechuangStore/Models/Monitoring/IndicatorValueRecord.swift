import FluentKit
import Foundation

/// One value of an indicator for a region and year, with its source and caveats. Several values for the same
/// indicator, region and year may coexist (different sources): they are shown side by side, never replaced.
public final class IndicatorValueRecord: Model, @unchecked Sendable {
    public static let schema = "indicator_values"

    @ID(key: .id) public var id: UUID?
    /// Catalogue key, or nil for a figure kept only as context.
    @OptionalField(key: "indicator") public var indicator: String?
    @Field(key: "raw_name") public var rawName: String
    @Field(key: "region") public var region: String
    @Field(key: "year") public var year: Int
    /// Exact decimal text.
    @Field(key: "value") public var value: String
    @Field(key: "unit") public var unit: String
    @Field(key: "source") public var source: String
    @Field(key: "note") public var note: String
    @Field(key: "flags") public var flags: String
    @Field(key: "entered_by_name") public var enteredByName: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public var flagList: [String] { flags.split(separator: ",").map(String.init) }
}
