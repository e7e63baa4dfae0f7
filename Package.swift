// swift-tools-version:6.1
import PackageDescription

/// Settings shared by every Vigil target: Swift 6 strict concurrency is the language mode's default;
/// these add the explicit `any`, member-import hygiene and internal-by-default imports used by Hummingbird.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "VigilStats", targets: ["VigilStats"]),
        .library(name: "VigilCore", targets: ["VigilCore"]),
        .library(name: "VigilAlerting", targets: ["VigilAlerting"]),
        .library(name: "VigilStore", targets: ["VigilStore"]),
        .library(name: "VigilRender", targets: ["VigilRender"]),
        .library(name: "VigilDashboard", targets: ["VigilDashboard"]),
        .library(name: "VigilExport", targets: ["VigilExport"]),
        .library(name: "VigilServer", targets: ["VigilServer"]),
        .executable(name: "vigil", targets: ["vigil"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // Notifications: Alertmanager, webhooks, Slack and Telegram over HTTP(S).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // STARTTLS for email; already built for AsyncHTTPClient.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // Numbers only: sketches, exact distributions, drift tests, special functions, quality metrics.
        .target(name: "VigilStats", swiftSettings: strictSettings),
        // The system zlib, for gzip-compressed input files.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // The domain: datasets, schema, dataset profiles, drift analysis, the report model.
        .target(name: "VigilCore", dependencies: ["VigilStats", "CZlib"], swiftSettings: strictSettings),
        // Alert rules, their state machine and Alertmanager's delivery timing: plain values, no I/O.
        .target(name: "VigilAlerting", dependencies: ["VigilCore"], swiftSettings: strictSettings),
        // `vigil export`: Prometheus rules with their promtool tests, Alertmanager config, Grafana dashboards; text only, no I/O.
        .target(
            name: "VigilExport",
            dependencies: ["VigilCore", "VigilAlerting", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        // Durable storage behind the `EventStore` protocol; embedded SQLite (GRDB) first, PostgreSQL later.
        .target(
            name: "VigilStore",
            dependencies: [
                "VigilCore",
                "VigilAlerting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        // Rendering of reports: the versioned JSON document and the terminal summary (HTML next).
        .target(name: "VigilRender", dependencies: ["VigilCore"], swiftSettings: strictSettings),
        // The built-in web dashboard's pages: HTML and SVG from window values, no I/O; charts shared with the report.
        .target(name: "VigilDashboard", dependencies: ["VigilStats", "VigilCore", "VigilAlerting", "VigilRender"], swiftSettings: strictSettings),
        // The monitoring server: HTTP API, ingestion pipeline, live aggregation, /metrics, the dashboard's routes.
        .target(
            name: "VigilServer",
            dependencies: [
                "VigilStats",
                "VigilCore",
                "VigilStore",
                "VigilRender",
                "VigilAlerting",
                "VigilDashboard",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
            ],
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/runbooks.md")],
            swiftSettings: strictSettings
        ),
        // The command-line tool: parses arguments and calls the modules.
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilCore",
                "VigilAlerting",
                "VigilExport",
                "VigilRender",
                "VigilServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        // Benchmarks run by hand in release mode; never part of the test suite.
        .executableTarget(
            name: "vigil-bench",
            dependencies: [
                "VigilCore",
                "VigilStore",
                // The quality benchmark folds labels with the server's own QualityProfiles; the alert benchmark runs a server.
                "VigilServer",
                "VigilAlerting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // Test support: runs programs (the CLI, schemathesis, promtool, Chromium) without blocking a thread.
        .target(name: "ChildProcess", path: "Tests/ChildProcess", swiftSettings: strictSettings),
        .testTarget(
            name: "VigilStatsTests",
            dependencies: ["VigilStats"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "VigilCoreTests",
            dependencies: ["VigilCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "VigilAlertingTests", dependencies: ["VigilAlerting"], swiftSettings: strictSettings),
        .testTarget(name: "VigilDashboardTests", dependencies: ["VigilDashboard", "VigilRender", "VigilCore", "VigilAlerting"], swiftSettings: strictSettings),
        // The exports checked by the real promtool and amtool, and the rules' parity with Vigil's own evaluator.
        .testTarget(
            name: "VigilExportTests",
            dependencies: ["VigilExport", "VigilAlerting", "VigilCore", "ChildProcess", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "VigilStoreTests",
            // GRDB directly, to damage stored rows the way a bad disk would.
            dependencies: ["VigilStore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        // Starts the real server on a loopback port and talks to it over HTTP.
        .testTarget(
            name: "VigilServerTests",
            dependencies: [
                "VigilServer",
                "VigilStats",
                "VigilAlerting",
                "VigilExport",
                "ChildProcess",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Runs the built `vigil` executable as a user would, on fixture files.
        .testTarget(
            name: "vigilTests",
            dependencies: ["vigil", "VigilStore", "ChildProcess"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
    ]
)
