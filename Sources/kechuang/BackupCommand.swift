import ArgumentParser
import KechuangWeb

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent snapshot of the live SQLite database (PostgreSQL: use pg_dump, see README).")

    @Option(help: "File to write; must not exist.") var to: String

    func run() async throws {
        let config = try loadConfig(.init(noDemo: true))
        try await reportingErrors(config) { try await KechuangApp.backup(config: config, to: to) }
        print("backup written to \(to)")
    }
}
