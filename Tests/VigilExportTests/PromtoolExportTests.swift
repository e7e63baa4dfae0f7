import ChildProcess
import Foundation
import Testing
import VigilAlerting
import VigilExport

/// The export checked by the real tools, as the issue asks: promtool accepts the rules with every lint on and
/// passes the generated tests, accepts the Prometheus configuration, and amtool accepts the Alertmanager one.
@Suite(.serialized)
struct PromtoolExportTests {
    static let promtool = ExportFixtures.tool("promtool")
    static let amtool = ExportFixtures.tool("amtool")
    /// promtool on one core: its evaluations would otherwise take both of the CI machine's, starving the
    /// timing-sensitive server tests that run beside it.
    static let oneCore = ["GOMAXPROCS": "1"]

    @Test(.enabled(if: promtool != nil || ExportFixtures.inCI, "promtool is not installed (apt-get install prometheus); .ci/run installs it"))
    func promtoolAcceptsTheRulesWithEveryLintAndPassesTheGeneratedTests() async throws {
        let promtool = try #require(Self.promtool, "promtool is required in CI")
        let export = try MonitoringExport(ExportFixtures.everyFeature, settings: ExportSettings())
        let directory = try ExportFixtures.write(export)
        defer { try? FileManager.default.removeItem(at: directory) }
        let rules = ["vigil-rules.yaml", "vigil-slo-rules.yaml"].map { directory.appendingPathComponent("prometheus/\($0)").path }
        let check = try await ChildProcess.run(promtool, ["check", "rules", "--lint=all", "--lint-fatal"] + rules)
        #expect(check.status == 0, "promtool check rules: \(check.output)")
        // The shipped model tests; the SLO tests' long histories run once, checked at every evaluation, in the parity test.
        let test = try await ChildProcess.run(
            promtool, ["test", "rules", directory.appendingPathComponent("prometheus/vigil-rules.test.yaml").path], environment: Self.oneCore
        )
        #expect(test.status == 0, "promtool test rules: \(test.output.suffix(6000))")
        let config = try await ChildProcess.run(promtool, ["check", "config", directory.appendingPathComponent("prometheus/prometheus.yml").path])
        #expect(config.status == 0, "promtool check config: \(config.output)")
    }

    @Test(.enabled(if: amtool != nil || ExportFixtures.inCI, "amtool is not installed (apt-get install prometheus-alertmanager); .ci/run installs it"))
    func amtoolAcceptsTheAlertmanagerConfiguration() async throws {
        let amtool = try #require(Self.amtool, "amtool is required in CI")
        for configuration in [ExportFixtures.everyFeature, AlertingConfiguration()] {
            let export = try MonitoringExport(configuration, settings: ExportSettings())
            let directory = try ExportFixtures.write(export)
            defer { try? FileManager.default.removeItem(at: directory) }
            let check = try await ChildProcess.run(amtool, ["check-config", directory.appendingPathComponent("alertmanager/alertmanager.yml").path])
            #expect(check.status == 0, "amtool check-config: \(check.output)")
            #expect(check.output.contains("receivers"))
        }
    }

    /// One meaning for a rule: at every evaluation of every scenario, the alerts promtool's evaluation of the
    /// exported rules fires are exactly those Vigil's own evaluator fires on the same history.
    @Test(.enabled(if: promtool != nil || ExportFixtures.inCI, "promtool is not installed (apt-get install prometheus); .ci/run installs it"))
    func prometheusAndVigilFireTheSameAlertsAtEveryEvaluation() async throws {
        let promtool = try #require(Self.promtool, "promtool is required in CI")
        let export = try MonitoringExport(ExportFixtures.everyFeature, settings: ExportSettings(), times: .every)
        let directory = try ExportFixtures.write(export)
        defer { try? FileManager.default.removeItem(at: directory) }
        for file in ["vigil-rules.test.yaml", "vigil-slo-rules.test.yaml"] {
            let test = try await ChildProcess.run(promtool, ["test", "rules", directory.appendingPathComponent("prometheus/\(file)").path], environment: Self.oneCore)
            #expect(test.status == 0, "promtool test rules \(file): \(test.output.suffix(6000))")
        }
        // The parity covers thresholds, for, hysteresis, minimum traffic and every burn-rate tier.
        let names = export.tests.outcomes.map(\.name)
        for expected in [
            "FraudErrors fires", "FraudErrors holds between the thresholds", "FraudErrors too few events", "MLModelDown fires",
            "SLO fraud-availability: tier page_fast fires", "SLO fraud-availability: tier page_slow fires", "SLO fraud-availability: tier ticket_fast fires",
            "SLO fraud-availability: tier ticket_slow fires", "SLO fraud-latency: tier page_fast fires",
        ] {
            #expect(names.contains(expected), "no scenario \(expected)")
        }
        #expect(export.tests.outcomes.reduce(0) { $0 + $1.checks } > 5000)
    }
}
