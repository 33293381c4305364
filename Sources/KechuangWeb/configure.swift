import Fluent
import FluentSQLiteDriver
import KechuangCore
import KechuangStore
import Leaf
import LeafKit
import NIOCore
import Prometheus
import SQLKit
import Vapor

/// Sets up databases, sessions, views, middleware and routes from a typed configuration.
public func configure(_ app: Application, config: AppConfig) async throws {
    let translator = try Translator.load(path: config.resourceDirectory + "/Resources/i18n/strings.json")
    app.services = AppServices(config: config, translator: translator, hasher: BcryptHasher(cost: config.bcryptCost),
                               metrics: PrometheusCollectorRegistry(), policyDocumentID: PolicyData.documentID,
                               rules: RuleBaseHolder(directory: config.resourceDirectory + "/policies/ordos"), instruments: InstrumentCatalog(), market: MarketCatalog(),
                               cipher: try FieldCipher.resolve(config), clock: PlatformClock(),
                               talentServices: try TalentServiceCatalogue.load(Data(contentsOf: URL(fileURLWithPath: config.resourceDirectory + "/data/talent/services.json"))))

    try DatabaseSetup.configure(app.databases, choice: config.database, waitSeconds: config.databaseWaitSeconds)
    for m in KechuangMigrations.all { app.migrations.add(m) }
    app.migrations.add(SessionRecord.migration)
    if case .sqlite = config.database {
        // WAL lets readers work while one writer commits; busy_timeout makes writers wait instead of failing;
        // synchronous=NORMAL is SQLite's recommended setting with WAL: commits survive a crash of the process, and
        // the database cannot be corrupted by a power loss (the last commits before it may roll back). The pool
        // holds one connection per event loop and these settings are per connection, so each loop's is set.
        let sql = try StoreSQL.sql(app.db)
        _ = try await sql.raw("PRAGMA journal_mode=WAL").all()
        for loop in app.eventLoopGroup.makeIterator() {
            let conn = try StoreSQL.sql(app.databases.database(.sqlite, logger: app.logger, on: loop)!)
            try await conn.raw("PRAGMA busy_timeout=5000").run()
            try await conn.raw("PRAGMA synchronous=NORMAL").run()
        }
    }

    app.sessions.use(.fluent)
    app.sessions.configuration.cookieName = "kechuang_session"
    let secure = config.secureCookies
    app.sessions.configuration.cookieFactory = { id in
        HTTPCookies.Value(string: id.string, expires: nil, maxAge: nil, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }

    app.views.use(.leaf)
    let views = config.resourceDirectory + "/Resources/Views/"
    app.leaf.sources = .singleSource(NIOLeafFiles(fileio: app.fileio, limits: [.toSandbox, .requireExtensions],
                                                  sandboxDirectory: config.resourceDirectory, viewDirectory: views))
    app.leaf.cache.isEnabled = app.environment.isRelease

    app.routes.defaultMaxBodySize = ByteCount(value: config.maxBodyBytes)
    app.http.server.configuration.hostname = config.hostname
    app.http.server.configuration.port = config.port

    app.middleware = Middlewares()
    app.middleware.use(MetricsMiddleware(registry: app.services.metrics))
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(LanguageMiddleware())
    app.middleware.use(ErrorPageMiddleware())
    if config.publicPageCacheSeconds > 0 { app.middleware.use(PublicPageCache(ttl: TimeInterval(config.publicPageCacheSeconds))) }
    app.middleware.use(FileMiddleware(publicDirectory: config.resourceDirectory + "/Public/"))
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(CurrentUserMiddleware())
    if let limits = config.rateLimits { app.middleware.use(RateLimitMiddleware(policy: limits)) }
    app.middleware.use(CSRFMiddleware())

    if config.runJobs { app.lifecycle.use(JobWorker()) }
    routes(app)
}

/// Every controller registers its routes here, each route with its access rule.
func routes(_ app: Application) {
    HomeController().register(app)
    LoginController().register(app)
    RegistrationController().register(app)
    AccountController().register(app)
    TokenController().register(app)
    UsersController().register(app)
    AuditController().register(app)
    OrganizationController().register(app)
    PolicyController().register(app)
    TokenAPIController().register(app)
    PolicyAPIController().register(app)
    OrganizationAPIController().register(app)
    OpsController().register(app)
    RulesController().register(app)
    MatchController().register(app)
    MatchAPIController().register(app)
    RuleBaseAdminController().register(app)
    EntityDataController().register(app)
    LadderController().register(app)
    RecognitionController().register(app)
    PlatformController().register(app)
    InnovationPointsController().register(app)
    LadderTrackingController().register(app)
    LadderRunController().register(app)
    ApplicationController().register(app)
    ReviewController().register(app)
    PolicyRunController().register(app)
    WhatIfController().register(app)
    MonitoringController().register(app)
    MonitoringAPIController().register(app)
    TrackingController().register(app)
    BannerIndexController().register(app)
    DashboardController().register(app)
    BookingAPIController().register(app)
    InstrumentController().register(app)
    InstrumentRegistryController().register(app)
    BookingController().register(app)
    InstrumentManageController().register(app)
    InstrumentUsageLog().register(app)
    StatementController().register(app)
    CalendarController().register(app)
    InstrumentCompliance().register(app)
    PurchaseReviewController().register(app)
    SharingEvaluationController().register(app)
    MarketListController().register(app)
    AchievementController().register(app)
    DemandController().register(app)
    MarketReviewController().register(app)
    MyMarketController().register(app)
    ChallengeController().register(app)
    ContractController().register(app)
    BrokerController().register(app)
    PointsController().register(app)
    MarketAPIController().register(app)
    ArticleTrackingController().register(app)
    TalentProfileController().register(app)
    TalentClassificationController().register(app)
    TalentCodeController().register(app)
    TalentMatchController().register(app)
    ServiceRequestController().register(app)
    TalentDatabaseController().register(app)
    ProjectCallController().register(app)
    ProjectApplicationController().register(app)
    ExpertReviewController().register(app)
    ProjectController().register(app)
    IntegrityController().register(app)
}
