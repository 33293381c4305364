import Foundation

/// The valid instrument registry row of `Tests/Fixtures/instrument-row.json`, for form and import tests.
enum InstrumentRows {
    static func row(_ changes: [String: String] = [:]) -> [String: String] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/instrument-row.json")
        var r = try! JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        for (k, v) in changes { r[k] = v }
        return r
    }
}
