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
        .library(name: "VigilStore", targets: ["VigilStore"]),
        .library(name: "VigilRender", targets: ["VigilRender"]),
        .executable(name: "vigil", targets: ["vigil"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // Numbers only: sketches, exact distributions, drift tests, special functions, quality metrics.
        .target(name: "VigilStats", swiftSettings: strictSettings),
        // The system zlib, for gzip-compressed input files.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // The domain: datasets, schema, dataset profiles, drift analysis, the report model.
        .target(name: "VigilCore", dependencies: ["VigilStats", "CZlib"], swiftSettings: strictSettings),
        // Durable storage behind the `EventStore` protocol; embedded SQLite (GRDB) first, PostgreSQL later.
        .target(
            name: "VigilStore",
            dependencies: ["VigilCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        // Rendering of reports: the versioned JSON document and the terminal summary (HTML next).
        .target(name: "VigilRender", dependencies: ["VigilCore"], swiftSettings: strictSettings),
        // The command-line tool: parses arguments and calls the modules.
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilCore",
                "VigilRender",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        // Benchmarks run by hand in release mode; never part of the test suite.
        .executableTarget(
            name: "vigil-bench",
            dependencies: [
                "VigilCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
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
        .testTarget(name: "VigilStoreTests", dependencies: ["VigilStore"], swiftSettings: strictSettings),
        // Runs the built `vigil` executable as a user would, on fixture files.
        .testTarget(
            name: "vigilTests",
            dependencies: ["vigil"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
    ]
)
