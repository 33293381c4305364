import FluentKit

/// Every migration in order. Never edit one that has landed; add a new one.
public enum KechuangMigrations {
    public static let all: [any Migration] = [
        M0001CreateAccounts(),
        M0002CreateTokensAndAttempts(),
        M0003CreateAuditLog(),
        M0004CreatePolicyText(),
        M0005CreatePlatformSettings(),
        M0006CreateEntityFacts(),
        M0007CreateApplications(),
        M0008CreateJobs(),
        M0009CreateIndicatorValues(),
        M0010CreateProgressReports(),
        M0011CreateInstrumentsAndBookings(),
        M0012InstrumentRegistryAndUsage(),
        M0013CreateTechnologyMarket(),
        M0014CreateEntitiesRegistry(),
        M0015CreateTalent(),
        M0016TalentCodeTextAndRequestFiles(),
        M0017CreateProjects(),
        M0018RateLimitsAndSessionVersions(),
    ]
}
