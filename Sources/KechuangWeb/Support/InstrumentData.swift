import Foundation
import KechuangCore
import Vapor

/// Configuration files of the instrument module in `data/instruments/`.
enum InstrumentData {
    static func sharingConfig(_ req: Request) throws -> SharingEvaluationConfig {
        let config = try JSONDecoder().decode(SharingEvaluationConfig.self,
                                              from: Data(contentsOf: URL(fileURLWithPath: req.services.config.resourceDirectory + "/data/instruments/sharing-evaluation.json")))
        let problems = config.problems()
        guard problems.isEmpty else { throw DomainError(.conflict, code: "instrument.bad_evaluation_config", arguments: ["problems": problems.joined(separator: "; ")]) }
        return config
    }
}
