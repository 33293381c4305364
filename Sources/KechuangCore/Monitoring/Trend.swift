import Foundation

/// A recorded value of an indicator as the trend rules need it (the store's record conforms).
public protocol RecordedIndicatorValue {
    var region: String { get }
    var year: Int { get }
    /// Exact decimal text.
    var value: String { get }
    var flagList: [String] { get }
    var createdAt: Date? { get }
}

/// Which recorded values make a trend. One rule for the target assessment, the indicator chart and the banner index,
/// so a goal or a budget figure is never drawn or scored as if it had been observed.
public enum TrendRules {
    public static let cityRegion = "鄂尔多斯市"
    /// A part of a year, a target and a budget are not observations of the year.
    public static let excludingFlags: Set<String> = ["PARTIAL YEAR", "TARGET", "BUDGET"]

    public static func countsForTrend(flags: [String]) -> Bool { excludingFlags.isDisjoint(with: flags) }

    /// The city's series, one value per year: several sources may give a year, the latest entered wins the chart
    /// (the indicator page lists the conflict).
    public static func cityByYear<V: RecordedIndicatorValue>(_ values: [V]) -> [Int: V] {
        latest(values.filter { $0.region == cityRegion && countsForTrend(flags: $0.flagList) }, by: \.year)
    }

    /// The newest observation per region of the given year-independent kind (the banner index takes each banner's latest).
    public static func latestByRegion<V: RecordedIndicatorValue>(_ values: [V]) -> [String: V] {
        let counted = values.filter { countsForTrend(flags: $0.flagList) }
        return Dictionary(grouping: counted, by: \.region).compactMapValues { vs in
            vs.max { ($0.year, $0.createdAt ?? .distantPast) < ($1.year, $1.createdAt ?? .distantPast) }
        }
    }

    /// Observations in year order, values that do not parse as a decimal left out.
    public static func observations<V: RecordedIndicatorValue>(_ byYear: [Int: V]) -> [Observation] {
        byYear.values.compactMap { v in decimal(v.value).map { Observation(year: v.year, value: $0) } }.sorted { $0.year < $1.year }
    }

    public static func decimal(_ text: String) -> Decimal? { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) }

    static func latest<V: RecordedIndicatorValue, K: Hashable>(_ values: [V], by key: (V) -> K) -> [K: V] {
        Dictionary(grouping: values, by: key).compactMapValues { $0.max { ($0.createdAt ?? .distantPast) < ($1.createdAt ?? .distantPast) } }
    }
}
