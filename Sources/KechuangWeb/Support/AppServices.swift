import Fluent
import Foundation
import KechuangCore
import KechuangStore
import Prometheus
import Vapor

/// Everything a request handler needs besides the request, built once in `configure`.
struct AppServices: Sendable {
    let config: AppConfig
    let translator: Translator
    let hasher: BcryptHasher
    let metrics: PrometheusCollectorRegistry
    let policyDocumentID: String
    let rules: RuleBaseHolder
    let instruments: InstrumentCatalog
    let market: MarketCatalog
    let instrumentTerms = InstrumentTermsCache()
    /// Seals talents' personal data and the 人才码 signing keys (data key from configuration).
    let cipher: FieldCipher
    /// The time every handler and job reads (`req.now`); tests stop it at the instant they are about.
    let clock: PlatformClock
    /// The green-channel services (`data/talent/services.json`).
    let talentServices: TalentServiceCatalogue
}

extension Application {
    private struct ServicesKey: StorageKey { typealias Value = AppServices }

    var services: AppServices {
        get {
            guard let s = storage[ServicesKey.self] else { fatalError("configure(_:config:) has not run") }
            return s
        }
        set { storage[ServicesKey.self] = newValue }
    }
}

extension Request {
    var services: AppServices { application.services }
    /// Now, from the platform clock: the one source of the time for handlers.
    var now: Date { application.services.clock.now }
    /// Today's date in Beijing by the platform clock.
    var today: KechuangCore.Day { KechuangCore.Day(ChinaTime.dateString(now))! }

    var accounts: AccountStore { AccountStore(db: db, hasher: services.hasher) }
    var organizations: OrganizationStore { OrganizationStore(db: db) }
    var policyText: PolicyTextStore { PolicyTextStore(db: db) }
    var tokens: TokenStore { TokenStore(db: db) }
}
