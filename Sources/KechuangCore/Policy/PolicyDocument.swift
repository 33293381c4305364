import Foundation

/// The structured text of a policy document as kept in `data/policy/*.json`.
public struct PolicyDocument: Codable, Sendable, Equatable {
    public struct Chapter: Codable, Sendable, Equatable {
        public let number: Int
        public let numeral: String
        public let title: String
        /// Prose of a chapter that has no articles (一、总体要求); empty otherwise.
        public let text: String
        public let articles: [Article]
    }

    public struct Article: Codable, Sendable, Equatable {
        public let number: Int
        /// The Chinese numeral the policy prints, e.g. 二十二 for article 22.
        public let numeral: String
        public let title: String
        public let text: String
        /// Lead unit first, as the policy lists them.
        public let responsibleUnits: [String]
    }

    /// A repair of text-extraction damage, kept so a reader can check it against the original.
    public struct Fix: Codable, Sendable, Equatable {
        public let kind: String
        public let article: Int?
        public let description: String
    }

    public let id: String
    public let title: String
    public let status: String
    public let basis: [String]
    public let source: String
    public let preamble: String
    public let chapters: [Chapter]
    public let fixes: [Fix]

    public var articles: [Article] { chapters.flatMap(\.articles) }

    /// Every unit named as responsible by any article, in order of first appearance.
    public var responsibleUnits: [String] {
        var seen = Set<String>()
        return articles.flatMap(\.responsibleUnits).filter { seen.insert($0).inserted }
    }

    public static func decode(_ data: Data) throws -> PolicyDocument {
        try JSONDecoder().decode(PolicyDocument.self, from: data)
    }

    /// Checks what the rest of the platform relies on: articles numbered 1…N without gaps, each with units.
    public func validate() throws {
        let numbers = articles.map(\.number)
        guard numbers == Array(1...max(1, numbers.count)) else {
            throw DomainError(.invalidInput, code: "policy.numbering", arguments: ["numbers": numbers.map(String.init).joined(separator: ",")])
        }
        if let bare = articles.first(where: { $0.responsibleUnits.isEmpty || $0.text.isEmpty }) {
            throw DomainError(.invalidInput, code: "policy.article_incomplete", arguments: ["article": String(bare.number)])
        }
    }
}
