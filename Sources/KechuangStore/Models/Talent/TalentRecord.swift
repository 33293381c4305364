import FluentKit
import Foundation
import KechuangCore

/// A talent's record in the 高层次人才数据库: the profile in clear, personal data (ID number, phone, family) sealed
/// with the data key, the ID number's keyed digest for uniqueness and its mask for lists.
public final class TalentRecord: Model, @unchecked Sendable {
    public static let schema = "talents"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserRecord
    @OptionalParent(key: "employer_id") public var employer: OrganizationRecord?
    @Field(key: "name") public var name: String
    @Field(key: "birth_year") public var birthYear: Int
    @Field(key: "field") public var field: String
    @Field(key: "banner") public var banner: String
    @Field(key: "employment") public var employment: String
    /// yyyy-mm-dd (Beijing).
    @Field(key: "arrival_date") public var arrivalDate: String
    @Field(key: "degree") public var degree: String
    @Field(key: "title_level") public var titleLevel: String
    @Field(key: "titles") public var titles: String
    /// Comma-separated `TalentHonour` raw values.
    @Field(key: "honours") public var honours: String
    @Field(key: "awards_json") public var awardsJSON: String
    @Field(key: "projects_json") public var projectsJSON: String
    @Field(key: "personal_sealed") public var personalSealed: Data
    @Field(key: "id_digest") public var idDigest: String
    @Field(key: "id_masked") public var idMasked: String
    /// The confirmed class, the day it was confirmed, and the rule-base version of that decision.
    @OptionalField(key: "category") public var category: String?
    @OptionalField(key: "category_since") public var categorySince: String?
    @OptionalField(key: "category_version") public var categoryVersion: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public var confirmedCategory: TalentCategory? { category.flatMap(TalentCategory.init(rawValue:)) }

    public var profile: TalentProfile {
        let decoder = JSONDecoder()
        return TalentProfile(
            name: name, birthYear: birthYear, field: field, employment: TalentEmployment(rawValue: employment) ?? .fullTime,
            arrivalDate: Day(arrivalDate) ?? Day("2000-01-01")!, degree: TalentDegree(rawValue: degree) ?? .other,
            titleLevel: TalentTitleLevel(rawValue: titleLevel) ?? .none, titles: titles,
            honours: honours.split(separator: ",").compactMap { TalentHonour(rawValue: String($0)) },
            awards: (try? decoder.decode([TalentAward].self, from: Data(awardsJSON.utf8))) ?? [],
            projects: (try? decoder.decode([TalentProject].self, from: Data(projectsJSON.utf8))) ?? [])
    }

    /// Rule inputs on `day`, with the confirmed class and its date as the start of stable support.
    public func inputs(on day: Day) -> [String: Value] {
        profile.inputs(on: day, category: confirmedCategory, supportStart: categorySince.flatMap(Day.init))
    }
}

/// An evidence file of a profile (degree certificate, award certificate …).
public final class TalentEvidenceRecord: Model, @unchecked Sendable {
    public static let schema = "talent_evidence"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "talent_id") public var talent: TalentRecord
    @Field(key: "kind") public var kind: String
    @Field(key: "filename") public var filename: String
    @Field(key: "content_type") public var contentType: String
    @Field(key: "content") public var content: Data
    @Timestamp(key: "uploaded_at", on: .create) public var uploadedAt: Date?

    public init() {}
}

/// Every view of a talent's personal data by someone other than the person: who, in which role, for what.
public final class TalentAccessRecord: Model, @unchecked Sendable {
    public static let schema = "talent_access_log"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "talent_id") public var talent: TalentRecord
    @OptionalField(key: "viewer_id") public var viewerID: UUID?
    @Field(key: "viewer_name") public var viewerName: String
    @Field(key: "viewer_role") public var viewerRole: String
    @OptionalField(key: "viewer_unit") public var viewerUnit: String?
    /// `profile` (talent office), `service_request:<id>` (a unit handling one request), `export` …
    @Field(key: "purpose") public var purpose: String
    @Field(key: "fields") public var fields: String
    @Field(key: "at") public var at: Date

    public init() {}
}
