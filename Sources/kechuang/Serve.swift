import ArgumentParser
import KechuangCore
import KechuangWeb

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the web server (migrates, loads the policy text and, on first start, demo data).")

    @Option(help: "Address to listen on.") var hostname: String?
    @Option(help: "Port to listen on.") var port: Int?
    @Flag(help: "Do not load demo data.") var noDemo = false

    func run() async throws {
        let config = try loadConfig(.init(hostname: hostname, port: port, noDemo: noDemo))
        try await reportingErrors(config) { try await KechuangApp.serve(config: config) }
    }
}
