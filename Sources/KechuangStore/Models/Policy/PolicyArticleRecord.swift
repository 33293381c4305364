import FluentKit
import Foundation

/// One article of a policy document, with the chapter it sits in.
public final class PolicyArticleRecord: Model, @unchecked Sendable {
    public static let schema = "policy_articles"

    @ID(key: .id) public var id: UUID?
    @Field(key: "document_id") public var documentID: String
    @Field(key: "number") public var number: Int
    @Field(key: "numeral") public var numeral: String
    @Field(key: "chapter_number") public var chapterNumber: Int
    @Field(key: "chapter_numeral") public var chapterNumeral: String
    @Field(key: "chapter_title") public var chapterTitle: String
    @Field(key: "title") public var title: String
    @Field(key: "text") public var text: String
    @Children(for: \.$article) public var units: [ArticleUnitRecord]

    public init() {}

    public init(documentID: String, number: Int, numeral: String, chapterNumber: Int, chapterNumeral: String,
                chapterTitle: String, title: String, text: String) {
        self.documentID = documentID
        self.number = number
        self.numeral = numeral
        self.chapterNumber = chapterNumber
        self.chapterNumeral = chapterNumeral
        self.chapterTitle = chapterTitle
        self.title = title
        self.text = text
    }
}

/// A department responsible for an article; `position` 0 is the lead unit.
public final class ArticleUnitRecord: Model, @unchecked Sendable {
    public static let schema = "policy_article_units"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "article_id") public var article: PolicyArticleRecord
    @Parent(key: "organization_id") public var organization: OrganizationRecord
    @Field(key: "position") public var position: Int

    public init() {}

    public init(articleID: UUID, organizationID: UUID, position: Int) {
        self.$article.id = articleID
        self.$organization.id = organizationID
        self.position = position
    }
}
