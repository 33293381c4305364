import Foundation

/// All settings of a running platform, read once at start from the environment and the command line.
///
/// Nothing else reads the environment. `load` lists every problem at once so an operator fixes them in one go.
public struct AppConfig: Sendable, Equatable {
    public enum DatabaseChoice: Sendable, Equatable {
        /// A SQLite file; the default for development and small deployments.
        case sqlite(path: String)
        /// A SQLite database that lives only in memory (tests).
        case sqliteMemory
        /// A PostgreSQL server; `schema` puts every table in its own schema (tests run in parallel that way).
        case postgres(url: String, schema: String?)
    }

    public var database: DatabaseChoice
    public var dataDirectory: String
    public var hostname: String
    public var port: Int
    public var loadDemoData: Bool
    /// Bcrypt cost; 12 in production, lower only in tests.
    public var bcryptCost: Int
    /// Set the Secure flag on the session cookie (behind HTTPS).
    public var secureCookies: Bool
    public var logLevel: String
    public var logFormat: LogFormat
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes: Int
    /// Where `data/` and `Resources/` are found; the package root when run with `swift run`.
    public var resourceDirectory: String
    /// Run the background-job worker in this process (tests run jobs inline instead).
    public var runJobs: Bool = true
    /// The 32-byte key that encrypts talents' personal data and the 人才码 signing keys at rest (base64 in
    /// `KECHUANG_DATA_KEY`). Without it the server keeps a generated key in `<data dir>/data.key`; tests use a fixed one.
    public var dataKey: [UInt8]?
    /// How long a request may wait for a free PostgreSQL connection before it is answered 503 (`KECHUANG_DB_WAIT`).
    public var databaseWaitSeconds: Int = 10
    /// Request limits per address and account; nil when switched off (`KECHUANG_RATE_LIMITS=off`).
    public var rateLimits: RateLimitPolicy? = .standard
    /// Seconds the home page and policy articles are served from memory to visitors not signed in (0: never).
    public var publicPageCacheSeconds: Int = 10

    public enum LogFormat: String, Sendable { case text, json }


    public init(database: DatabaseChoice, dataDirectory: String = "var", hostname: String = "127.0.0.1", port: Int = 8080,
                loadDemoData: Bool = true, bcryptCost: Int = 12, secureCookies: Bool = false, logLevel: String = "notice",
                logFormat: LogFormat = .text, maxBodyBytes: Int = 2 * 1024 * 1024, resourceDirectory: String) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.hostname = hostname
        self.port = port
        self.loadDemoData = loadDemoData
        self.bcryptCost = bcryptCost
        self.secureCookies = secureCookies
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.maxBodyBytes = maxBodyBytes
        self.resourceDirectory = resourceDirectory
    }

    /// Command-line values that take precedence over the environment.
    public struct Overrides: Sendable {
        public var hostname: String?
        public var port: Int?
        public var noDemo = false
        public init(hostname: String? = nil, port: Int? = nil, noDemo: Bool = false) {
            self.hostname = hostname
            self.port = port
            self.noDemo = noDemo
        }
    }

    public struct Problems: Error, Sendable, CustomStringConvertible {
        public let messages: [String]
        public var description: String {
            "Configuration problems:\n" + messages.map { "  - \($0)" }.joined(separator: "\n")
        }
    }

    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Reads `KECHUANG_*` and `DATABASE_URL` variables; see README "Configuration" for the list.
    public static func load(environment env: [String: String], overrides: Overrides = Overrides(), workingDirectory: String) throws(Problems) -> AppConfig {
        var problems: [String] = []
        let dataDir = env["KECHUANG_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "var"

        var database = DatabaseChoice.sqlite(path: dataDir + "/kechuang.sqlite")
        if let url = env["DATABASE_URL"], !url.isEmpty {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                if URLComponents(string: url)?.host?.isEmpty ?? true {
                    problems.append("DATABASE_URL has no host: expected postgres://user:password@host:5432/database")
                }
                database = .postgres(url: url, schema: nil)
            } else if url.hasPrefix("sqlite://") {
                database = .sqlite(path: String(url.dropFirst("sqlite://".count)))
            } else {
                problems.append("DATABASE_URL must start with postgres://, postgresql:// or sqlite:// (got '\(url.prefix(20))…')")
            }
        }

        let hostname = overrides.hostname ?? env["KECHUANG_HOSTNAME"] ?? "127.0.0.1"
        if hostname.isEmpty { problems.append("hostname must not be empty") }

        var port = 8080
        if let p = overrides.port {
            port = p
        } else if let raw = env["KECHUANG_PORT"], !raw.isEmpty {
            if let p = Int(raw) { port = p } else { problems.append("KECHUANG_PORT must be a number (got '\(raw)')") }
        }
        if !(1...65535).contains(port) { problems.append("port must be between 1 and 65535 (got \(port))") }

        var cost = 12
        if let raw = env["KECHUANG_BCRYPT_COST"], !raw.isEmpty {
            if let c = Int(raw), (4...31).contains(c) { cost = c } else { problems.append("KECHUANG_BCRYPT_COST must be a number from 4 to 31 (got '\(raw)')") }
        }

        // notice by default: start-up then shows the URL and logins, not every migration step.
        let level = env["KECHUANG_LOG_LEVEL"] ?? "notice"
        if !logLevels.contains(level) { problems.append("KECHUANG_LOG_LEVEL must be one of \(logLevels.joined(separator: ", ")) (got '\(level)')") }

        var format = LogFormat.text
        if let raw = env["KECHUANG_LOG_FORMAT"], !raw.isEmpty {
            if let f = LogFormat(rawValue: raw) { format = f } else { problems.append("KECHUANG_LOG_FORMAT must be text or json (got '\(raw)')") }
        }

        var secure = false
        if let raw = env["KECHUANG_SECURE_COOKIES"], !raw.isEmpty {
            switch raw.lowercased() {
            case "1", "true", "yes": secure = true
            case "0", "false", "no": secure = false
            default: problems.append("KECHUANG_SECURE_COOKIES must be true or false (got '\(raw)')")
            }
        }

        var demo = !overrides.noDemo
        if let raw = env["KECHUANG_DEMO"], ["0", "false", "no"].contains(raw.lowercased()) { demo = false }

        var dataKey: [UInt8]?
        if let raw = env["KECHUANG_DATA_KEY"], !raw.isEmpty {
            if let d = Data(base64Encoded: raw), d.count == 32 { dataKey = Array(d) } else {
                problems.append("KECHUANG_DATA_KEY must be 32 bytes in base64 (e.g. from `openssl rand -base64 32`)")
            }
        }

        var dbWait = 10
        if let raw = env["KECHUANG_DB_WAIT"], !raw.isEmpty {
            if let w = Int(raw), (1...600).contains(w) { dbWait = w } else { problems.append("KECHUANG_DB_WAIT must be a number of seconds from 1 to 600 (got '\(raw)')") }
        }

        var rateLimits: RateLimitPolicy? = .standard
        switch RateLimitPolicy.parse(env["KECHUANG_RATE_LIMITS"]) {
        case .success(let p): rateLimits = p
        case .failure(let e): problems.append("KECHUANG_RATE_LIMITS: '\(e.item)' should look like search=600/60 or account.upload=60/600 (actions: \(RateLimitedAction.allCases.map(\.rawValue).joined(separator: ", "))), or be off")
        }

        if !problems.isEmpty { throw Problems(messages: problems) }
        var config = AppConfig(database: database, dataDirectory: dataDir, hostname: hostname, port: port, loadDemoData: demo,
                               bcryptCost: cost, secureCookies: secure, logLevel: level, logFormat: format,
                               resourceDirectory: env["KECHUANG_RESOURCES"] ?? workingDirectory)
        config.dataKey = dataKey
        config.databaseWaitSeconds = dbWait
        config.rateLimits = rateLimits
        return config
    }
}

extension AppConfig.DatabaseChoice {
    /// For start-up messages: never prints a password.
    public var summary: String {
        switch self {
        case .sqlite(let path): "SQLite \(path)"
        case .sqliteMemory: "SQLite in memory"
        case .postgres(let url, _): "PostgreSQL \(URLComponents(string: url)?.host ?? "?")\(URLComponents(string: url)?.path ?? "")"
        }
    }
}
