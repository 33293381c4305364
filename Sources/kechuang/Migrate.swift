import ArgumentParser
import KechuangWeb

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run pending database migrations (or revert them all).")

    @Flag(help: "Revert every migration (drops all data).") var revert = false

    func run() async throws {
        let config = try loadConfig()
        try await reportingErrors(config) { try await KechuangApp.migrate(config: config, revert: revert) }
        print(revert ? "migrations reverted" : "migrations complete")
    }
}
