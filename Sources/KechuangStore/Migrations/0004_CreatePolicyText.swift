import FluentKit

/// Policy documents, their articles, the departments responsible for each, and indicator targets.
public struct M0004CreatePolicyText: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(PolicyDocumentRecord.schema)
            .field("id", .string, .identifier(auto: false))
            .field("title", .string, .required)
            .field("status", .string, .required)
            .field("basis", .string, .required)
            .field("source", .string, .required)
            .field("preamble", .string, .required)
            .field("chapters_json", .string, .required)
            .field("fixes_json", .string, .required)
            .create()
        try await database.schema(PolicyArticleRecord.schema)
            .id()
            .field("document_id", .string, .required, .references(PolicyDocumentRecord.schema, "id", onDelete: .cascade))
            .field("number", .int, .required)
            .field("numeral", .string, .required)
            .field("chapter_number", .int, .required)
            .field("chapter_numeral", .string, .required)
            .field("chapter_title", .string, .required)
            .field("title", .string, .required)
            .field("text", .string, .required)
            .unique(on: "document_id", "number")
            .create()
        try await database.schema(ArticleUnitRecord.schema)
            .id()
            .field("article_id", .uuid, .required, .references(PolicyArticleRecord.schema, "id", onDelete: .cascade))
            .field("organization_id", .uuid, .required, .references(OrganizationRecord.schema, "id", onDelete: .restrict))
            .field("position", .int, .required)
            .unique(on: "article_id", "organization_id")
            .create()
        try await database.schema(IndicatorTargetRecord.schema)
            .id()
            .field("indicator", .string, .required)
            .field("name", .string, .required)
            .field("name_en", .string, .required)
            .field("unit", .string, .required)
            .field("direction", .string, .required)
            .field("comparison", .string, .required)
            .field("value", .string, .required)
            .field("year", .int)
            .field("kind", .string, .required)
            .field("chapter_number", .int, .required)
            .field("article_number", .int)
            .field("quote", .string, .required)
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(IndicatorTargetRecord.schema).delete()
        try await database.schema(ArticleUnitRecord.schema).delete()
        try await database.schema(PolicyArticleRecord.schema).delete()
        try await database.schema(PolicyDocumentRecord.schema).delete()
    }
}
