import Foundation
import KechuangCore

/// The one translation table of the UI: `Resources/i18n/strings.json`, each key with its Chinese and English text.
struct Translator: Sendable {
    enum Lang: String, CaseIterable, Sendable { case zh, en }

    let zh: [String: String]
    let en: [String: String]

    init(zh: [String: String], en: [String: String]) {
        self.zh = zh
        self.en = en
    }

    /// Loads the table; every key must have both languages, so a missing translation fails at start.
    static func load(path: String) throws -> Translator {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let table = try JSONDecoder().decode([String: [String]].self, from: data)
        var zh: [String: String] = [:], en: [String: String] = [:]
        for (key, pair) in table {
            guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
                throw TranslatorError.incomplete(key)
            }
            zh[key] = pair[0]
            en[key] = pair[1]
        }
        return Translator(zh: zh, en: en)
    }

    func table(_ lang: Lang) -> [String: String] { lang == .zh ? zh : en }

    /// The text for `key` with `{name}` placeholders filled; the key itself if missing (never crashes a page).
    func text(_ key: String, _ lang: Lang, _ args: [String: String] = [:]) -> String {
        var s = table(lang)[key] ?? key
        for (k, v) in args { s = s.replacingOccurrences(of: "{\(k)}", with: v) }
        return s
    }

    func message(_ e: DomainError, _ lang: Lang) -> String {
        var args = e.arguments
        // A rule reported inside another (one week of a series) carries its own code; its text fills {reason}.
        if let inner = args["reason_code"] { args["reason"] = text("err_" + inner.replacingOccurrences(of: ".", with: "_"), lang, args) }
        return text(Self.key(for: e), lang, args)
    }

    /// Error codes use dots (`field.required`); table keys use underscores so Leaf can address them.
    static func key(for e: DomainError) -> String {
        e.messageKey.replacingOccurrences(of: ".", with: "_")
    }
}

enum TranslatorError: Error, CustomStringConvertible {
    case incomplete(String)
    var description: String {
        switch self { case .incomplete(let k): "translation table entry '\(k)' needs a Chinese and an English text" }
    }
}
