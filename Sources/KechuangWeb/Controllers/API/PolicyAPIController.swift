import KechuangCore
import KechuangStore
import Vapor

/// The policy text and indicator targets as JSON.
struct PolicyAPIController {
    struct ArticleList: Content {
        let documentId: String
        let title: String
        let status: String
        let articles: [ArticleJSON]
    }

    struct TargetJSON: Content {
        let indicator: String
        let name: String
        let nameEn: String
        let unit: String
        let kind: String
        let comparison: String
        let value: String
        let year: Int?
        let chapter: Int
        let article: Int?
        let quote: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "api", "v1", "policy", "articles", access: .everyone, use: list)
        r.on(.GET, "api", "v1", "policy", "articles", ":number", access: .everyone, use: article)
        r.on(.GET, "api", "v1", "policy", "targets", access: .everyone, use: targets)
    }

    @Sendable func list(req: Request) async throws -> ArticleList {
        let docID = req.services.policyDocumentID
        guard let doc = try await req.policyText.document(docID) else { throw DomainError.notFound("policy") }
        let units = try await req.policyText.unitsByArticle(documentID: docID)
        let articles = try await req.policyText.articles(documentID: docID).map { ArticleJSON($0, units: units[$0.id!] ?? [], documentID: docID) }
        return ArticleList(documentId: docID, title: doc.title, status: doc.status, articles: articles)
    }

    @Sendable func article(req: Request) async throws -> ArticleJSON {
        try await PolicyController.loadArticle(req)
    }

    @Sendable func targets(req: Request) async throws -> [TargetJSON] {
        try await req.policyText.targets().map {
            TargetJSON(indicator: $0.indicator, name: $0.name, nameEn: $0.nameEn, unit: $0.unit, kind: $0.kind, comparison: $0.comparison,
                       value: $0.value, year: $0.year, chapter: $0.chapterNumber, article: $0.articleNumber, quote: $0.quote)
        }
    }
}
