import ChildProcess
import Foundation
import Testing

/// `vigil report` and `vigil check` against Evidently's verdicts on committed dataset pairs
/// (scripts/generate_report_fixtures.py), and their exit codes.
struct ReportCommandTests {
    struct EvidentlyExpected: Decodable {
        struct Column: Decodable { var method: String; var score: Double; var drifted: Bool }
        struct Pair: Decodable {
            var columns: [String: Column]
            var shareOfDriftedColumns: Double
            var datasetDrift: Bool
        }
        var pairs: [String: Pair]
    }

    /// The parts of a `vigil.report.v1` document these tests read.
    struct Report: Decodable {
        struct Column: Decodable { var column: String; var method: String; var score: Double?; var drifted: Bool }
        struct Drift: Decodable { var columns: [Column]; var driftShare: Double; var datasetDrifted: Bool }
        var schema: String
        var drift: Drift
        var passed: Bool
    }

    static let expected: EvidentlyExpected = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: VigilProcess.fixture("evidently-expected.json")))
        return try! JSONDecoder().decode(EvidentlyExpected.self, from: data)
    }()

    /// Evidently's display names for the methods.
    static let methodNames = [
        "Wasserstein distance (normed)": "wasserstein", "Jensen-Shannon distance": "jensenshannon",
        "K-S p_value": "ks", "chi-square p_value": "chisquare", "Z-test p_value": "z",
    ]

    static func report(reference: String, current: String) async throws -> (Report, ChildProcess.Outcome) {
        let json = VigilProcess.temporaryPath(".json")
        let outcome = try await VigilProcess.run(["report", "--reference", reference, "--current", current, "--json", json])
        let data = try Data(contentsOf: URL(fileURLWithPath: json))
        return (try JSONDecoder().decode(Report.self, from: data), outcome)
    }

    @Test(arguments: ["large", "small", "stable"])
    func verdictsMatchEvidently(pair: String) async throws {
        let (report, outcome) = try await Self.report(
            reference: VigilProcess.fixture("\(pair)_reference.csv"), current: VigilProcess.fixture("\(pair)_current.csv")
        )
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let expected = try #require(Self.expected.pairs[pair])
        #expect(report.schema == "vigil.report.v1")
        #expect(Set(report.drift.columns.map(\.column)) == Set(expected.columns.keys))
        for column in report.drift.columns {
            let reference = try #require(expected.columns[column.column])
            #expect(column.method == Self.methodNames[reference.method], "\(pair)/\(column.column)")
            #expect(column.drifted == reference.drifted, "\(pair)/\(column.column): \(column.score ?? .nan) vs \(reference.score)")
            // Chi-square tests homogeneity on the contingency table, Evidently goodness of fit: verdicts only.
            if column.method != "chisquare", let score = column.score {
                #expect(abs(score - reference.score) <= 1e-6 * max(abs(reference.score), 1e-12), "\(pair)/\(column.column): \(score) vs \(reference.score)")
            }
        }
        #expect(abs(report.drift.driftShare - expected.shareOfDriftedColumns) < 1e-12)
        #expect(report.drift.datasetDrifted == expected.datasetDrift)
        #expect(outcome.standardOutput.contains("dataset drift:"))
    }

    @Test func checkExitsOneOnDriftAndZeroWhenStable() async throws {
        let drifted = try await VigilProcess.run(["check", "--reference", VigilProcess.fixture("large_reference.csv"), "--current", VigilProcess.fixture("large_current.csv")])
        #expect(drifted.status == 1)
        #expect(drifted.standardOutput.contains("check: FAILED"))
        let stable = try await VigilProcess.run(["check", "--reference", VigilProcess.fixture("stable_reference.csv"), "--current", VigilProcess.fixture("stable_current.csv")])
        #expect(stable.status == 0, "\(stable.standardOutput)")
        #expect(stable.standardOutput.contains("check: PASSED"))
        // A looser dataset threshold turns the drifted pair into a pass on drift alone.
        let loose = try await VigilProcess.run(["check", "--reference", VigilProcess.fixture("large_reference.csv"), "--current", VigilProcess.fixture("large_current.csv"), "--drift-share", "0.9"])
        #expect(loose.status == 0, "\(loose.standardOutput)")
    }

    @Test func usageAndInputErrorsExitTwoWithOneLine() async throws {
        let missing = try await VigilProcess.run(["check", "--reference", "/nonexistent.csv", "--current", VigilProcess.fixture("large_current.csv")])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("/nonexistent.csv: no such file"))
        #expect(!missing.standardError.contains("Fatal"))
        let badOption = try await VigilProcess.run(["check", "--reference", "a", "--current", "b", "--numeric-method", "nope"])
        #expect(badOption.status == 2)
        #expect(badOption.standardError.contains("unknown drift method"))
        let ragged = VigilProcess.temporaryPath(".csv")
        try Data("age,city\n1,paris\n2\n".utf8).write(to: URL(fileURLWithPath: ragged))
        let raggedRun = try await VigilProcess.run(["check", "--reference", ragged, "--current", ragged])
        #expect(raggedRun.status == 2)
        #expect(raggedRun.standardError.contains(":3: has 1 field"))
    }

    /// Duplicate rows are always reported; they fail a check only under a threshold the user sets.
    @Test func duplicateRowsAreReportedAndGateOnlyWhenAsked() async throws {
        let path = VigilProcess.temporaryPath(".csv")
        try Data("age,city\n1,paris\n1,paris\n2,rome\n3,oslo\n".utf8).write(to: URL(fileURLWithPath: path))
        let reported = try await VigilProcess.run(["check", "--reference", path, "--current", path])
        #expect(reported.status == 0, "\(reported.standardOutput)")
        #expect(reported.standardOutput.contains("4 rows, 1 duplicate (25.0 %)"), "\(reported.standardOutput)")
        let gated = try await VigilProcess.run(["check", "--reference", path, "--current", path, "--duplicate-threshold", "0.1"])
        #expect(gated.status == 1, "\(gated.standardOutput)")
        #expect(gated.standardOutput.contains("duplicate rows: 1 of 4"), "\(gated.standardOutput)")
    }

    /// Standard error is a pipe here, not a terminal: no progress bar may leak into logs.
    @Test func quietWhenNotATerminal() async throws {
        let run = try await VigilProcess.run(["report", "--reference", VigilProcess.fixture("large_reference.csv"), "--current", VigilProcess.fixture("large_current.csv")])
        #expect(run.standardError.isEmpty, "\(run.standardError)")
    }

    @Test func savedProfileGivesTheSameReportAsTheDataset() async throws {
        let profile = VigilProcess.temporaryPath(".vprof")
        let made = try await VigilProcess.run(["profile", VigilProcess.fixture("large_reference.csv"), "-o", profile])
        #expect(made.status == 0, "\(made.standardError)")
        let fromProfile = try await Self.report(reference: profile, current: VigilProcess.fixture("large_current.csv")).0
        let fromDataset = try await Self.report(reference: VigilProcess.fixture("large_reference.csv"), current: VigilProcess.fixture("large_current.csv")).0
        #expect(fromProfile.drift.columns.map(\.score) == fromDataset.drift.columns.map(\.score))
        #expect(fromProfile.drift.columns.map(\.drifted) == fromDataset.drift.columns.map(\.drifted))
    }

    /// Every key path of the JSON document is pinned: adding one is a deliberate change to this list,
    /// renaming or removing one is a new schema version.
    @Test func jsonKeysAreStable() async throws {
        let json = VigilProcess.temporaryPath(".json")
        _ = try await VigilProcess.run(["report", "--reference", VigilProcess.fixture("small_reference.csv"), "--current", VigilProcess.fixture("small_current.csv"), "--json", json])
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json)))
        var paths = Set<String>()
        func collect(_ value: Any, _ path: String) {
            if let dictionary = value as? [String: Any] {
                for (key, child) in dictionary {
                    let childPath = path.isEmpty ? key : "\(path).\(key)"
                    paths.insert(childPath)
                    collect(child, childPath)
                }
            } else if let array = value as? [Any] {
                for element in array { collect(element, path + "[]") }
            }
        }
        collect(object, "")
        let pinned = try String(contentsOf: URL(fileURLWithPath: VigilProcess.fixture("report-v1-keys.txt")), encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        #expect(paths.isSuperset(of: Set(pinned)), "missing: \(Set(pinned).subtracting(paths).sorted())")
        #expect(paths.subtracting(pinned).isEmpty, "not pinned: \(paths.subtracting(pinned).sorted())")
    }
}
