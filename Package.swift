// swift-tools-version:6.1
// Leaf 4.5.2 needs tools 6.1; the whole package builds in Swift 6 language mode.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Kechuang",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kechuang", targets: ["kechuang"]),
        .library(name: "KechuangCore", targets: ["KechuangCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.110.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.12.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.50.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.8.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.10.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.0"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.19"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.65.0"),
    ],
    targets: [
        // Pure domain logic: Foundation only, so it stays fast to build and to test.
        // Release builds skip dynamic exclusivity checks here: the evaluator's frame is a class whose arrays are
        // touched millions of times per batch run, and every access is owned by one thread (measured: ~12 % of
        // a 1M-row run). Debug builds and tests keep the checks.
        .target(name: "KechuangCore", swiftSettings: swiftSettings + [
            .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
        ]),
        .target(
            name: "KechuangStore",
            dependencies: [
                "KechuangCore",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KechuangWeb",
            dependencies: [
                "KechuangCore",
                "KechuangStore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kechuang",
            dependencies: [
                "KechuangCore",
                "KechuangStore",
                "KechuangWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "KechuangCoreTests", dependencies: ["KechuangCore"], swiftSettings: swiftSettings),
        // The stores' use cases called directly on a migrated database (SQLite, or PostgreSQL with TEST_DATABASE_URL).
        .testTarget(
            name: "KechuangStoreTests",
            dependencies: [
                "KechuangStore",
                "KechuangCore",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KechuangWebTests",
            dependencies: [
                "KechuangWeb",
                "KechuangStore",
                "KechuangCore",
                .product(name: "VaporTesting", package: "vapor"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
