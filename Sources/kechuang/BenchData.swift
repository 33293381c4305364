import ArgumentParser
import KechuangWeb

/// `kechuang bench-data instruments`: fills the configured database with synthetic instruments and bookings for
/// the benchmark in Benchmarks/instruments (never run it against a database people use).
struct BenchData: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-data", abstract: "Generate benchmark data (instruments and bookings) in the configured database.")

    @Argument(help: "instruments (generate data) or decisions (measure booking decisions in process)") var what: String
    @Option(help: "Number of instruments") var instruments = 10_000
    @Option(help: "Number of bookings") var bookings = 1_000_000
    @Option(help: "decisions: concurrent clients") var tasks = 8
    @Option(help: "decisions: number of booking requests") var decisions = 4000
    @Option(help: "decisions: first day of the booked window, days from today") var dayOffset = 100

    func run() async throws {
        let config = try loadConfig(.init(noDemo: false))
        if what == "decisions" {
            print(try await reportingErrors(config) {
                try await KechuangApp.measureBookingDecisions(config: config, tasks: tasks, decisions: decisions, dayOffset: dayOffset)
            })
            return
        }
        guard what == "instruments" else { throw ValidationError("unknown benchmark \(what); use: instruments or decisions") }
        try await reportingErrors(config) {
            try await KechuangApp.generateInstrumentBenchmark(config: config, instruments: instruments, bookings: bookings) { what, n in print("\(what): \(n)") }
        }
    }
}
