import Foundation
import KechuangCore
import KechuangStore

/// The monitoring catalogue and the sourced statistics file in `data/monitoring/`.
enum MonitoringData {
    static func catalog(resourceDirectory: String) throws -> IndicatorCatalog {
        try IndicatorCatalog.decode(Data(contentsOf: URL(fileURLWithPath: resourceDirectory + "/data/monitoring/indicators.json")))
    }

    static func sourcedRows(resourceDirectory: String) throws -> [[String]] {
        EntityData.csvRows(try String(contentsOfFile: resourceDirectory + "/data/monitoring/ordos_indicators.csv", encoding: .utf8))
    }
}
