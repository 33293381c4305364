import FluentKit

/// The text of each issued 人才码, sealed with the data key, so the talent sees the live code on any device (a service
/// desk is usually met with a phone, not the browser that issued the code); and the documents a talent sends with a
/// green-channel request when the unit asks for them.
public struct M0016TalentCodeTextAndRequestFiles: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(TalentCodeRecord.schema).field("text_sealed", .data).update()
        try await database.schema(ServiceRequestFileRecord.schema)
            .id()
            .field("request_id", .uuid, .required, .references(ServiceRequestRecord.schema, "id", onDelete: .restrict))
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("content", .data, .required)
            .field("uploaded_by_name", .string, .required)
            .field("uploaded_at", .datetime, .required)
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(ServiceRequestFileRecord.schema).delete()
        try await database.schema(TalentCodeRecord.schema).deleteField("text_sealed").update()
    }
}
