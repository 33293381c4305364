import FluentKit
import Foundation

/// A policy document whose text the platform holds (the 实施意见 first; later versions and rules cite it).
public final class PolicyDocumentRecord: Model, @unchecked Sendable {
    public static let schema = "policy_documents"

    @ID(custom: "id", generatedBy: .user) public var id: String?
    @Field(key: "title") public var title: String
    @Field(key: "status") public var status: String
    @Field(key: "basis") public var basis: String
    @Field(key: "source") public var source: String
    @Field(key: "preamble") public var preamble: String
    /// Chapters without articles (一、总体要求) as JSON: number, numeral, title, text.
    @Field(key: "chapters_json") public var chaptersJSON: String
    /// The extraction repairs, as JSON, so the policy page can list them.
    @Field(key: "fixes_json") public var fixesJSON: String

    public init() {}

    public init(id: String, title: String, status: String, basis: String, source: String, preamble: String,
                chaptersJSON: String, fixesJSON: String) {
        self.id = id
        self.title = title
        self.status = status
        self.basis = basis
        self.source = source
        self.preamble = preamble
        self.chaptersJSON = chaptersJSON
        self.fixesJSON = fixesJSON
    }
}
