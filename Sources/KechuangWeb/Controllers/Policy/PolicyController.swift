import KechuangCore
import KechuangStore
import Vapor

/// The policy text: chapters and articles, each article with its responsible units.
struct PolicyController {
    struct IndexContent: Encodable {
        let title: String
        let status: String
        let basis: String
        let preamble: String
        let chapters: [ChapterView]
        let targets: [TargetView]
        let fixes: [PolicyDocument.Fix]
    }

    struct ChapterView: Encodable {
        let numeral: String
        let title: String
        let paragraphs: [String]
        let articles: [ArticleSummary]
    }

    struct ArticleSummary: Encodable {
        let number: Int
        let numeral: String
        let title: String
        let leadUnit: String?
    }

    struct TargetView: Encodable {
        let name: String
        let target: String
        let year: String
        let citation: String
        let quote: String
    }

    struct ArticleContent: Encodable {
        let article: ArticleJSON
        let documentTitle: String
        let previous: Int?
        let next: Int?
        let unitLinks: [UnitLink]
    }

    struct UnitLink: Encodable {
        let id: String
        let name: String
        let lead: Bool
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "policy", access: .everyone, use: index)
        r.on(.GET, "policy", "articles", ":number", access: .everyone, use: article)
    }

    @Sendable func index(req: Request) async throws -> View {
        let store = req.policyText
        let docID = req.services.policyDocumentID
        guard let doc = try await store.document(docID) else { throw DomainError.notFound("policy") }
        let articles = try await store.articles(documentID: docID)
        let units = try await store.unitsByArticle(documentID: docID)
        let prose = try JSONDecoder().decode([PolicyTextStore.ChapterProse].self, from: Data(doc.chaptersJSON.utf8))
        var chapters: [ChapterView] = prose.map { ChapterView(numeral: $0.numeral, title: $0.title, paragraphs: $0.text.components(separatedBy: "\n"), articles: []) }
        let grouped = Dictionary(grouping: articles, by: \.chapterNumber)
        for number in grouped.keys.sorted() {
            let list = grouped[number]!.sorted { $0.number < $1.number }
            chapters.append(ChapterView(numeral: list[0].chapterNumeral, title: list[0].chapterTitle, paragraphs: [], articles: list.map {
                ArticleSummary(number: $0.number, numeral: $0.numeral, title: $0.title, leadUnit: units[$0.id!]?.first?.name)
            }))
        }
        let targets = try await store.targets().map { t in
            TargetView(name: req.lang == .zh ? t.name : t.nameEn,
                       target: req.t("target_\(t.comparison)_\(t.kind)", ["value": t.value, "unit": t.unit]),
                       year: t.year.map(String.init) ?? req.t("target_every_year"),
                       citation: t.articleNumber.map { req.t("cite_article", ["n": String($0)]) } ?? req.t("cite_chapter_general"),
                       quote: t.quote)
        }
        let fixes = try JSONDecoder().decode([PolicyDocument.Fix].self, from: Data(doc.fixesJSON.utf8))
        return try await req.page("policy/index", titleKey: "policy_title", content: IndexContent(
            title: doc.title, status: doc.status, basis: doc.basis, preamble: doc.preamble, chapters: chapters, targets: targets, fixes: fixes))
    }

    @Sendable func article(req: Request) async throws -> View {
        let a = try await Self.loadArticle(req)
        let count = try await req.policyText.articles(documentID: req.services.policyDocumentID).count
        let doc = try await req.policyText.document(req.services.policyDocumentID)
        return try await req.page("policy/article", titleKey: "article_title", titleArgs: ["numeral": a.numeral, "title": a.title], content: ArticleContent(
            article: a, documentTitle: doc?.title ?? "", previous: a.number > 1 ? a.number - 1 : nil, next: a.number < count ? a.number + 1 : nil,
            unitLinks: a.responsibleUnits.enumerated().map { UnitLink(id: a.responsibleUnitIDs[$0.offset], name: $0.element, lead: $0.offset == 0) }))
    }

    /// Shared by the page and the JSON API so both say the same thing.
    static func loadArticle(_ req: Request) async throws -> ArticleJSON {
        guard let raw = req.parameters.get("number"), let number = Int(raw) else {
            throw DomainError.invalid("number", "field.not_integer")
        }
        guard let (a, units) = try await req.policyText.article(documentID: req.services.policyDocumentID, number: number) else {
            throw DomainError.notFound("article")
        }
        return ArticleJSON(a, units: units, documentID: req.services.policyDocumentID)
    }
}

/// An article as the API returns it.
struct ArticleJSON: Content {
    let documentId: String
    let number: Int
    let numeral: String
    let chapter: Chapter
    let title: String
    let text: String
    let responsibleUnits: [String]
    let responsibleUnitIDs: [String]
    let leadUnit: String?

    struct Chapter: Content {
        let number: Int
        let numeral: String
        let title: String
    }

    init(_ a: PolicyArticleRecord, units: [OrganizationRecord], documentID: String) {
        documentId = documentID
        number = a.number
        numeral = a.numeral
        chapter = Chapter(number: a.chapterNumber, numeral: a.chapterNumeral, title: a.chapterTitle)
        title = a.title
        text = a.text
        responsibleUnits = units.map(\.name)
        responsibleUnitIDs = units.map { $0.id!.uuidString }
        leadUnit = units.first?.name
    }
}
