// swift-tools-version: 6.2
import PackageDescription

// MARK: - Shared settings

/// Warnings fail the build under CI (CI=true) and stay warnings on a developer's machine.
let warningsAreErrors = Context.environment["CI"] != nil

/// Applied to every Swift target below.
let swiftSettings: [SwiftSetting] =
    [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ] + (warningsAreErrors ? [.treatAllWarnings(as: .error)] : [])

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let yams: Target.Dependency = .product(name: "Yams", package: "Yams")

// MARK: - Package

let package = Package(
    name: "backup-evidence",
    platforms: [.macOS(.v14)],  // Linux is the target; this only keeps macOS builds possible
    products: [
        .executable(name: "backup-evidence", targets: ["backup-evidence"]),
        .executable(name: "backup-evidence-bench", targets: ["backup-evidence-bench"]),
        .library(
            name: "BackupEvidence",
            targets: [
                "EvidenceModel", "EvidenceIngest", "EvidenceSimulation", "EvidenceControls", "EvidenceReports",
                "EvidenceLedger", "EvidencePipeline",
            ]
        ),
    ],
    // Exact versions, so that two clones a month apart build the same code (`swift package show-dependencies`).
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    ],
    targets: [
        // MARK: C libraries from Debian (libssl-dev, libsqlite3-dev, zlib1g-dev, libcurl4-openssl-dev)

        .systemLibrary(
            name: "CEvidenceCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .systemLibrary(
            name: "CEvidenceSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        // libcurl's headers only: the library is loaded when a request is sent (Sources/CEvidenceCurl/shim.h).
        .systemLibrary(name: "CEvidenceCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CEvidenceZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),

        // MARK: Safe Swift wrappers: the only importers of the C modules

        .target(name: "EvidenceCrypto", dependencies: ["CEvidenceCrypto"], swiftSettings: swiftSettings),
        .target(name: "EvidenceSQLite", dependencies: ["CEvidenceSQLite"], swiftSettings: swiftSettings),
        .target(name: "EvidenceCompression", dependencies: ["CEvidenceZlib"], swiftSettings: swiftSettings),
        .target(name: "EvidenceHTTP", dependencies: ["CEvidenceCurl"], swiftSettings: swiftSettings),

        // MARK: Domain, lowest layer first

        .target(name: "EvidenceModel", swiftSettings: swiftSettings),
        .target(
            name: "EvidenceIngest",
            dependencies: ["EvidenceModel", "EvidenceCompression", yams],
            swiftSettings: swiftSettings
        ),
        .target(name: "EvidenceSimulation", dependencies: ["EvidenceModel"], swiftSettings: swiftSettings),
        .target(
            name: "EvidenceControls",
            dependencies: ["EvidenceModel", "EvidenceSimulation"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EvidenceLedger",
            dependencies: ["EvidenceModel", "EvidenceCrypto"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EvidenceReports",
            dependencies: ["EvidenceModel", "EvidenceSimulation", "EvidenceControls", "EvidenceCompression"],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "EvidencePipeline",
            dependencies: [
                "EvidenceModel", "EvidenceIngest", "EvidenceSimulation", "EvidenceControls", "EvidenceReports",
            ],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "EvidenceStore",
            dependencies: ["EvidenceModel", "EvidenceSQLite", "EvidenceReports", "EvidenceLedger"],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "EvidencePublish",
            dependencies: ["EvidenceModel", "EvidenceCrypto", "EvidenceLedger", "EvidenceHTTP"],
            swiftSettings: swiftSettings
        ),

        // MARK: Command line

        .target(
            name: "EvidenceCLI",
            dependencies: [
                "EvidenceModel", "EvidenceIngest", "EvidenceSimulation", "EvidenceControls", "EvidenceReports",
                "EvidenceLedger", "EvidenceCrypto", "EvidenceStore", "EvidencePublish", "EvidencePipeline",
                argumentParser,
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "backup-evidence",
            dependencies: ["EvidenceCLI", argumentParser],
            swiftSettings: swiftSettings
        ),

        // MARK: Not the product: fixtures for tests and tools, and the benchmark tool

        .target(
            name: "EvidenceFixtures",
            dependencies: ["EvidenceModel", "EvidenceSimulation", "EvidenceCompression"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "backup-evidence-bench",
            dependencies: [
                "EvidenceCLI", "EvidenceFixtures", "EvidenceIngest", "EvidenceModel", "EvidenceSimulation",
                "EvidenceReports", "EvidenceLedger", "EvidenceCrypto", "EvidenceStore", "EvidencePipeline",
                argumentParser,
            ],
            swiftSettings: swiftSettings
        ),

        // The fuzzing targets (Docs/FUZZING.md): a library, so the libFuzzer harnesses of Fuzz/Harnesses/ (built by
        // Tools/fuzz) and the regression tests share one body per target.
        .target(
            name: "EvidenceFuzz",
            dependencies: [
                "EvidenceModel", "EvidenceIngest", "EvidenceSimulation", "EvidenceLedger", "EvidenceCrypto",
                "EvidenceCompression",
            ],
            path: "Fuzz/Targets",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests

        .target(
            name: "EvidenceTestSupport",
            dependencies: [
                "EvidenceModel", "EvidenceIngest", "EvidenceSimulation", "EvidenceControls", "EvidenceReports",
            ],
            path: "Tests/EvidenceTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvidenceSystemTests",
            dependencies: ["EvidenceCrypto", "EvidenceSQLite", "EvidenceCompression"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvidenceModelTests",
            dependencies: ["EvidenceModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvidenceIngestTests",
            dependencies: ["EvidenceIngest", "EvidenceModel", "EvidenceCompression", "EvidenceTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvidenceSimulationTests",
            dependencies: ["EvidenceSimulation", "EvidenceModel", "EvidenceIngest", "EvidenceTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvidenceControlsTests",
            dependencies: [
                "EvidenceControls", "EvidenceSimulation", "EvidenceModel", "EvidenceIngest", "EvidenceTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvidenceReportsTests",
            dependencies: [
                "EvidenceReports", "EvidenceModel", "EvidenceSimulation", "EvidenceIngest", "EvidenceCompression",
                "EvidenceFixtures", "EvidenceTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvidencePipelineTests",
            dependencies: [
                "EvidencePipeline", "EvidenceReports", "EvidenceModel", "EvidenceIngest", "EvidenceControls",
                "EvidenceFixtures", "EvidenceTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvidenceLedgerTests",
            dependencies: ["EvidenceLedger", "EvidenceCrypto", "EvidenceModel", "EvidenceTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvidencePublishTests",
            dependencies: ["EvidencePublish", "EvidenceHTTP", "EvidenceCrypto", "EvidenceLedger", "EvidenceModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvidenceFuzzTests",
            dependencies: ["EvidenceFuzz", "EvidenceTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BenchTests",
            dependencies: ["backup-evidence-bench", "EvidenceTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvidenceCLITests",
            dependencies: [
                "EvidenceCLI", "EvidenceLedger", "EvidenceCrypto", "EvidenceModel", "EvidenceReports",
                "EvidenceTestSupport", "EvidencePublish", argumentParser,
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
