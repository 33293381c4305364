import ArgumentParser
import KechuangWeb

/// `kechuang bench-data instruments`: fills the configured database with synthetic instruments and bookings for
/// the benchmark in Benchmarks/instruments (never run it against a database people use).
struct BenchData: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-data", abstract: "Generate benchmark data (instruments and bookings) in the configured database.")

    @Argument(help: "instruments, market or ladder (generate data); decisions (booking decisions) or ladder-run (the ladder batch), measured in process") var what: String
    @Option(help: "Number of instruments") var instruments = 10_000
    @Option(help: "Number of bookings") var bookings = 1_000_000
    @Option(help: "market: number of achievements") var achievements = 100_000
    @Option(help: "market: number of demands") var demands = 20_000
    @Option(help: "decisions: concurrent clients") var tasks = 8
    @Option(help: "decisions: number of booking requests") var decisions = 4000
    @Option(help: "decisions: first day of the booked window, days from today") var dayOffset = 100
    @Option(help: "ladder: number of enterprises") var enterprises = 10_000
    @Option(help: "ladder-run: data year") var year = 2025

    func run() async throws {
        let config = try loadConfig(.init(noDemo: false))
        if what == "decisions" {
            print(try await reportingErrors(config) {
                try await KechuangApp.measureBookingDecisions(config: config, tasks: tasks, decisions: decisions, dayOffset: dayOffset)
            })
            return
        }
        if what == "ladder" {
            try await reportingErrors(config) {
                try await KechuangApp.generateLadderBenchmark(config: config, enterprises: enterprises) { n in if n % 2000 == 0 || n == enterprises { print("enterprises: \(n)") } }
            }
            return
        }
        if what == "ladder-run" {
            print(try await reportingErrors(config) { try await KechuangApp.measureLadderBatch(config: config, year: year) })
            return
        }
        if what == "market" {
            try await reportingErrors(config) {
                try await KechuangApp.generateMarketBenchmark(config: config, achievements: achievements, demands: demands) { what, n in
                    if n % 10_000 == 0 || n == achievements || n == demands { print("\(what): \(n)") }
                }
            }
            return
        }
        guard what == "instruments" else { throw ValidationError("unknown benchmark \(what); use: instruments, market, ladder, decisions or ladder-run") }
        try await reportingErrors(config) {
            try await KechuangApp.generateInstrumentBenchmark(config: config, instruments: instruments, bookings: bookings) { what, n in print("\(what): \(n)") }
        }
    }
}
