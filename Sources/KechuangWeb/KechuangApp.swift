import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Logging
import Vapor

/// The operations the `kechuang` command offers, so the CLI target never imports Vapor
/// (Vapor's ConsoleKit would clash with swift-argument-parser's `@Option`).
public enum KechuangApp {
    /// Migrates, loads the policy text and (unless disabled) the demo data, then serves until stopped.
    public static func serve(config: AppConfig) async throws {
        let app = try await makeApp(config: config)
        do {
            let demo = try await prepare(app, config: config)
            let url = "http://\(config.hostname):\(config.port)"
            var banner = "Kechuang 科创 is running at \(url)\n"
            if demo {
                let file = try PolicyData.demo(resourceDirectory: config.resourceDirectory)
                banner += "Demo logins (password \(file.password)):\n"
                for u in file.users { banner += "  \(u.username.padding(toLength: 12, withPad: " ", startingAt: 0)) \(u.role)\n" }
                banner += "  expert1…6    institution, in the projects' expert pool\n  kbs2         enterprise (康巴什氢能), cashmere enterprise (under an integrity ban)\n"
            }
            banner += "Stop with Ctrl-C. Data: \(config.database.summary)\n"
            // Written unbuffered so the URL shows at once even when stdout is a pipe.
            FileHandle.standardOutput.write(Data(banner.utf8))
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// Runs pending migrations and loads the policy text. Returns whether demo logins exist.
    @discardableResult
    static func prepare(_ app: Application, config: AppConfig) async throws -> Bool {
        try await app.autoMigrate()
        try await loadPolicy(app, config: config)
        if config.loadDemoData {
            let file = try PolicyData.demo(resourceDirectory: config.resourceDirectory)
            try await DemoSeeder(db: app.db, hasher: app.services.hasher).load(file)
            try await loadDemoTalents(app, config: config, password: file.password)
        }
        return try await DemoSeeder(db: app.db, hasher: app.services.hasher).isLoaded()
    }

    /// The demo talents need the rule base (their classification) and the data key; loaded once, also into
    /// databases that had the demo data before the talent module existed.
    static func loadDemoTalents(_ app: Application, config: AppConfig, password: String) async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: config.resourceDirectory + "/data/talent/demo-talents.json"))
        try await DemoTalents(db: app.db, cipher: app.services.cipher, passwordHash: try app.services.hasher.hash(password))
            .load(try JSONDecoder().decode(DemoTalents.File.self, from: data), catalogue: app.services.talentServices,
                  base: try app.services.rules.require())
        try await DemoProjects(db: app.db, passwordHash: try app.services.hasher.hash(password)).load(base: try app.services.rules.require())
    }

    static func loadPolicy(_ app: Application, config: AppConfig) async throws {
        try await PolicyTextStore(db: app.db).load(try PolicyData.document(resourceDirectory: config.resourceDirectory),
                                                   targets: try PolicyData.targets(resourceDirectory: config.resourceDirectory), actor: .system)
        try await MonitoringStore(db: app.db).loadSourcedValues(rows: try MonitoringData.sourcedRows(resourceDirectory: config.resourceDirectory),
                                                                catalog: try MonitoringData.catalog(resourceDirectory: config.resourceDirectory), actor: .system)
    }

    public static func migrate(config: AppConfig, revert: Bool = false) async throws {
        try await withApp(config: config) { app in
            if revert { try await app.autoRevert() } else { try await app.autoMigrate() }
        }
    }

    /// Loads the policy text and the demo data into a migrated database; safe to run twice.
    public static func seed(config: AppConfig) async throws -> String {
        try await withApp(config: config) { app in
            try await app.autoMigrate()
            try await loadPolicy(app, config: config)
            let file = try PolicyData.demo(resourceDirectory: config.resourceDirectory)
            let loaded = try await DemoSeeder(db: app.db, hasher: app.services.hasher).load(file, actor: .cli())
            try await loadDemoTalents(app, config: config, password: file.password)
            return loaded ? "demo data loaded" : "demo data was already loaded"
        }
    }

    public static func createUser(config: AppConfig, username: String, password: String, role: String, displayName: String?,
                                  organization: String?) async throws -> String {
        // Check the input before touching the database, so a typo changes nothing.
        let new = try NewStaffUser.validate(username: username, password: password, displayName: displayName, role: role,
                                            organizationName: organization)
        return try await withApp(config: config) { app in
            try await app.autoMigrate()
            try await loadPolicy(app, config: config)
            let user = try await AccountStore(db: app.db, hasher: app.services.hasher).createUser(new, actor: .cli())
            return "created user \(user.username) (\(user.roleRaw))"
        }
    }

    /// Synthetic instruments and bookings for the benchmark (after migrations and demo data).
    public static func generateInstrumentBenchmark(config: AppConfig, instruments: Int, bookings: Int, progress: @escaping @Sendable (String, Int) -> Void) async throws {
        try await withApp(config: config) { app in
            _ = try await prepare(app, config: config)
            try await InstrumentBenchmarkData.generate(on: app.db, instruments: instruments, bookings: bookings, progress: progress)
        }
    }

    /// Synthetic published achievements and demands for the market benchmark, from the labelled set's texts.
    public static func generateMarketBenchmark(config: AppConfig, achievements: Int, demands: Int, progress: @escaping @Sendable (String, Int) -> Void) async throws {
        try await withApp(config: config) { app in
            _ = try await prepare(app, config: config)
            let set = try JSONDecoder().decode(MatchEvalSet.self, from: Data(contentsOf: URL(fileURLWithPath: config.resourceDirectory + "/data/market/eval/eval-set.json")))
            let seeds = MarketBenchmarkData.Seeds(achievements: set.achievements.map { .init(title: $0.title, text: $0.abstract, field: $0.field, trl: $0.trl) },
                                                  demands: set.demands.map { .init(title: $0.title, text: $0.problem, field: $0.field, trl: $0.min_trl) })
            try await MarketBenchmarkData.generate(on: app.db, seeds: seeds, achievements: achievements, demands: demands, progress: progress)
        }
    }

    /// Fills the configured (empty) database with synthetic enterprises and their yearly data for the ladder benchmark.
    public static func generateLadderBenchmark(config: AppConfig, enterprises: Int, progress: @escaping @Sendable (Int) -> Void) async throws {
        try await withApp(config: config) { app in
            _ = try await prepare(app, config: config)
            try await LadderBenchmarkData.generate(on: app.db, enterprises: enterprises, progress: progress)
        }
    }

    /// The ladder batch over every stored enterprise, timed in process: the same code as the background job.
    public static func measureLadderBatch(config: AppConfig, year: Int) async throws -> String {
        try await withApp(config: config) { app in
            let base = try RuleBase.load(directory: config.resourceDirectory + "/policies/ordos")
            let t0 = WallClock.now
            let result = try await LadderRunJob.compute(db: app.db, year: year, base: base, today: Day(ChinaTime.dateString(app.services.clock.now))!) { done, total in
                print("progress: \(done) / \(total)")
            }
            let total = WallClock.now.timeIntervalSince(t0)
            let counts = result.summary.rungs.map { "\($0.rung) \($0.eligible)/\($0.notEligible)/\($0.undetermined)/held \($0.held)" }.joined(separator: "; ")
            return "ladder batch: \(result.summary.enterprises) enterprises, load \(result.summary.loadMilliseconds) ms, assess \(result.summary.assessMilliseconds) ms, "
                + "total \(Int(total * 1000)) ms (eligible/not/undetermined: \(counts))"
        }
    }

    /// Booking decisions measured in process against the configured database (after `bench-data instruments`).
    public static func measureBookingDecisions(config: AppConfig, tasks: Int, decisions: Int, dayOffset: Int) async throws -> String {
        try await withApp(config: config) { app in
            try await InstrumentBenchmarkData.measureDecisions(on: app.db, tasks: tasks, decisions: decisions, dayOffset: dayOffset)
        }
    }

    public static func backup(config: AppConfig, to path: String) async throws {
        try await withApp(config: config) { app in try await Backup.sqliteSnapshot(app.db, to: path) }
    }

    /// An application for one command: configured, used, shut down.
    static func withApp<T: Sendable>(config: AppConfig, _ body: (Application) async throws -> T) async throws -> T {
        let app = try await makeApp(config: config, arguments: ["kechuang"])
        do {
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    static func makeApp(config: AppConfig, arguments: [String]? = nil) async throws -> Application {
        // Vapor parses its own arguments; give it only `serve` with our host and port.
        let args = arguments ?? ["kechuang", "serve", "--hostname", config.hostname, "--port", String(config.port)]
        let env = Environment(name: ProcessInfo.processInfo.environment["KECHUANG_ENV"] ?? "development", arguments: args)
        let app = try await Application.make(env)
        app.logger.logLevel = Logger.Level(rawValue: config.logLevel) ?? .info
        do {
            try await configure(app, config: config)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return app
    }

    /// Formats domain and validation errors for a terminal, in English, one field per line.
    public static func describe(_ error: any Error, config: AppConfig) -> String {
        let tr = try? Translator.load(path: config.resourceDirectory + "/Resources/i18n/strings.json")
        func line(_ e: DomainError) -> String {
            let message = tr?.message(e, .en) ?? e.code
            return e.field.map { "\($0): \(message)" } ?? message
        }
        switch error {
        case let v as ValidationErrors: return v.errors.map(line).joined(separator: "\n")
        case let d as DomainError: return line(d)
        default: return String(describing: error)
        }
    }
}
