import Foundation
import KechuangCore
import KechuangStore

/// Where the structured policy text and demo data live in the repository.
enum PolicyData {
    static let documentID = "ordos-2024-implementation"

    static func document(resourceDirectory: String) throws -> PolicyDocument {
        try PolicyDocument.decode(Data(contentsOf: URL(fileURLWithPath: resourceDirectory + "/data/policy/\(documentID).json")))
    }

    static func targets(resourceDirectory: String) throws -> [IndicatorTarget] {
        try IndicatorTargetFile.decode(Data(contentsOf: URL(fileURLWithPath: resourceDirectory + "/data/policy/indicator-targets.json"))).targets
    }

    static func demo(resourceDirectory: String) throws -> DemoDataFile {
        try JSONDecoder().decode(DemoDataFile.self, from: Data(contentsOf: URL(fileURLWithPath: resourceDirectory + "/data/demo/organizations.json")))
    }
}
