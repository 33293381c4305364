import Foundation
import KechuangCore
import Vapor

/// The filter parameters of a list page, read from the query string and checked one by one (a bad one is a 4xx naming
/// the parameter). The accepted ones are kept, so page links and CSV/XLSX links carry the same filters as the page.
struct ListFilters {
    private let raw: [String: String]
    private var validator = Validator()
    /// Accepted, non-empty parameters as given: the template re-fills the filter form from these.
    private(set) var kept: [String: String] = [:]

    init(_ req: Request) {
        raw = (try? req.query.decode([String: String].self)) ?? [:]
    }

    private mutating func given(_ key: String) -> String? {
        guard let v = raw[key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }

    /// Free text, cut to `max` characters.
    mutating func text(_ key: String, max: Int = 100) -> String {
        guard let v = given(key) else { return "" }
        kept[key] = String(v.prefix(max))
        return kept[key]!
    }

    /// One value of an enumeration.
    mutating func choice<T: RawRepresentable>(_ key: String, as type: T.Type) -> T? where T.RawValue == String {
        guard let v = given(key) else { return nil }
        guard let x = validator.choice(key, v, as: type) else { return nil }
        kept[key] = v
        return x
    }

    /// One of a fixed list of words.
    mutating func oneOf(_ key: String, _ allowed: [String]) -> String? {
        guard let v = given(key) else { return nil }
        guard allowed.contains(v) else { validator.add(.invalid(key, "field.not_allowed", ["value": String(v.prefix(40))])); return nil }
        kept[key] = v
        return v
    }

    mutating func integer(_ key: String, _ range: ClosedRange<Int>) -> Int? {
        guard let v = given(key), let n = validator.integer(key, v, range) else { return nil }
        kept[key] = v
        return n
    }

    mutating func day(_ key: String) -> Day? {
        guard let v = given(key), let d = validator.day(key, v) else { return nil }
        kept[key] = v
        return d
    }

    /// A checkbox: "1" when ticked.
    mutating func flag(_ key: String) -> Bool {
        guard given(key) == "1" else { return false }
        kept[key] = "1"
        return true
    }

    mutating func reject(_ key: String, _ code: String) { validator.add(.invalid(key, code)) }

    func check() throws { try validator.throwIfAny() }

    var pagerQuery: [String: String?] { kept.mapValues { Optional($0) } }

    /// The kept filters as a query string, for export links (`?<this>&format=csv`).
    var exportQuery: String {
        var c = URLComponents()
        c.queryItems = kept.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return c.percentEncodedQuery ?? ""
    }
}
