import FluentKit
import Foundation

/// A named value the platform keeps about itself, e.g. when the demo data was loaded.
public final class PlatformSettingRecord: Model, @unchecked Sendable {
    public static let schema = "platform_settings"

    @ID(custom: "key", generatedBy: .user) public var id: String?
    @Field(key: "value") public var value: String

    public init() {}
    public init(key: String, value: String) {
        self.id = key
        self.value = value
    }
}
