import ArgumentParser
import Foundation
import KechuangCore
import KechuangWeb

/// The `kechuang` command: server and batch operations of the platform.
@main
struct Kechuang: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kechuang",
        abstract: "Kechuang 科创 — the sci-tech innovation service platform of Ordos.",
        subcommands: [Serve.self, Migrate.self, Seed.self, UserCommand.self, BackupCommand.self, PolicyCommand.self, BenchData.self, MarketCommand.self, TalentCommand.self, ProjectsCommand.self])
}

/// Reads the configuration once; on problems, prints them all and exits non-zero.
func loadConfig(_ overrides: AppConfig.Overrides = .init()) throws -> AppConfig {
    do {
        let config = try AppConfig.load(environment: ProcessInfo.processInfo.environment, overrides: overrides,
                                        workingDirectory: FileManager.default.currentDirectoryPath)
        KechuangApp.bootstrapLogging(format: config.logFormat.rawValue, level: config.logLevel)
        return config
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        throw ExitCode(78) // EX_CONFIG
    }
}

/// Prints a domain error readably and exits 1 instead of dumping a stack.
func reportingErrors<T>(_ config: AppConfig, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let e as ExitCode {
        throw e
    } catch {
        FileHandle.standardError.write(Data("error: \(KechuangApp.describe(error, config: config))\n".utf8))
        throw ExitCode.failure
    }
}
