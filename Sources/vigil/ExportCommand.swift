import ArgumentParser
import Foundation
import VigilAlerting
import VigilCore
import VigilExport
import VigilServer

/// `vigil export`: Vigil's rules, SLOs and screens for the Prometheus, Alertmanager and Grafana a team already runs.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write Prometheus rules with promtool tests, a Prometheus and an Alertmanager configuration, and Grafana dashboards from a `vigil serve` configuration.",
        discussion: """
            Reads the file `vigil serve --config` reads and writes, under --out:
              prometheus/vigil-rules.yaml, vigil-slo-rules.yaml   recording and alerting rules (promtool check rules --lint=all)
              prometheus/*.test.yaml                              promtool tests generated with the rules (promtool test rules)
              prometheus/prometheus.yml                           scrape job, rule files, Alertmanager
              alertmanager/alertmanager.yml                       receivers, routes, inhibition (amtool check-config)
              grafana/dashboards/*.json, grafana/provisioning/    five dashboards and their provisioning files
              README.md                                           what Prometheus does differently, and what only Vigil evaluates
            Without --config, the built-in rules alone are exported.
            """
    )

    @Option(name: .long, help: "The YAML file given to `vigil serve --config`.")
    var config: String?

    @Option(name: .long, help: "The directory to write to (created if missing; files of the same names are replaced).")
    var out: String

    @Option(name: .long, help: "Vigil's address as Prometheus scrapes it (default: the configuration's host and port).")
    var target: String?

    @Option(name: .long, help: "The Prometheus job name of the scrape config.")
    var job = "vigil"

    @Option(name: .customLong("vigil-url"), help: "Vigil's URL for people, in links (default: the alerting section's external_url, else the listening address).")
    var vigilURL: String?

    @Option(name: .customLong("grafana-url"), help: "Grafana's URL, for the dashboard_url annotation (default: a path on the same host).")
    var grafanaURL: String?

    @Option(name: .customLong("runbook-url"), help: "Where the runbooks are; the alert's name is appended as an anchor (default: the vigil URL's /runbooks).")
    var runbookURL: String?

    @Option(name: .customLong("alertmanager-secrets"), help: "The directory Alertmanager reads secret files from, one file per variable.")
    var alertmanagerSecrets = "/etc/alertmanager/secrets"

    func run() throws {
        var server = ServerConfiguration()
        var warnings: [String] = []
        if let config {
            try ServeConfigurationFile.apply(config, to: &server, environment: ProcessInfo.processInfo.environment) { warnings.append($0) }
        }
        var settings = ExportSettings()
        settings.monitorWindow = Int64(server.monitorWindowSeconds) * 1000
        settings.qualityWindow = Int64(server.qualityWindowSeconds) * 1000
        settings.comparisonWindow = Int64(server.comparisons.windowSeconds) * 1000
        settings.datasetDriftShare = server.drift.datasetDriftShare
        let host = server.host == "0.0.0.0" || server.host == "::" ? "localhost" : server.host
        settings.target = target ?? "\(host):\(server.port)"
        settings.job = job
        settings.vigilURL = vigilURL ?? server.alerting.externalURL ?? "http://\(host):\(server.port)"
        settings.grafanaURL = grafanaURL
        settings.runbookURL = runbookURL
        settings.alertmanagerSecretsDirectory = alertmanagerSecrets
        let export = try MonitoringExport(server.alerting, settings: settings)
        let root = URL(fileURLWithPath: out, isDirectory: true)
        for file in export.files {
            let url = root.appendingPathComponent(file.path)
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url, options: .atomic)
            } catch {
                throw ValidationError("\(url.path): cannot be written: \(error.localizedDescription)")
            }
        }
        let checks = export.tests.outcomes.reduce(0) { $0 + $1.checks }
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        print("wrote \(count(export.files.count, "file")) to \(out)")
        print(
            "  \(count(export.rules.alerts.count, "alert")) and \(count(export.rules.slos.count, "SLO")) for Prometheus; \(count(export.rules.skipped.count, "rule")) left to Vigil"
        )
        print("  \(count(export.tests.outcomes.count, "generated promtool test")) (\(count(checks, "evaluation check")))")
        for skipped in export.rules.skipped { print("  Vigil only: \(skipped.name): \(skipped.reason)") }
        for warning in warnings + export.warnings { print("warning: \(warning)") }
    }
}
