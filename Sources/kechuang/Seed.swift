import ArgumentParser
import KechuangWeb

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the policy text and the demo data (idempotent).")

    func run() async throws {
        let config = try loadConfig(.init(noDemo: false))
        print(try await reportingErrors(config) { try await KechuangApp.seed(config: config) })
    }
}
