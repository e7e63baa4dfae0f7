import ChildProcess
import Foundation
import Testing

/// `vigil export` as a user runs it: from a `vigil serve` configuration file to files the real tools accept.
struct ExportCommandTests {
    static let configuration = """
        port: 9100
        alerting:
          evaluation_interval: 15s
          alertmanager: {url: "http://127.0.0.1:9093"}
          rules:
            - {name: FraudErrors, model: fraud, metric: error_rate, window: 5m, above: 0.01, resolve_threshold: 0.005, for: 10m, severity: critical}
            - {name: PartnerErrors, model: fraud, metric: error_rate, window: 5m, above: 0.05, segment: {channel: partner-api}}
          slos:
            - {name: fraud-availability, model: fraud, objective: 0.999}
          receivers:
            - {name: oncall, webhook: {url: "http://127.0.0.1:9000/hook"}}
            - {name: ml-chat, slack: {url_env: SLACK_URL}}
          route:
            receiver: oncall
            routes:
              - {matchers: ['severity="warning"'], receiver: ml-chat}
        """

    static func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func theExportOfAConfigurationFilePassesPromtoolAndAmtool() async throws {
        let config = VigilProcess.temporaryPath(".yaml")
        try Self.configuration.write(toFile: config, atomically: true, encoding: .utf8)
        let out = VigilProcess.temporaryPath("")
        let run = try await VigilProcess.run(["export", "--config", config, "--out", out])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("wrote 14 files to \(out)"), "\(run.standardOutput)")
        #expect(run.standardOutput.contains("Vigil only: PartnerErrors: segment channel"))
        let readme = try String(contentsOfFile: out + "/README.md", encoding: .utf8)
        #expect(readme.contains("- PartnerErrors: segment channel"))
        let scrape = try String(contentsOfFile: out + "/prometheus/prometheus.yml", encoding: .utf8)
        #expect(scrape.contains("127.0.0.1:9100"), "the scrape target is the configuration's port: \(scrape)")
        let alertmanager = try String(contentsOfFile: out + "/alertmanager/alertmanager.yml", encoding: .utf8)
        #expect(alertmanager.contains("api_url_file: /etc/alertmanager/secrets/SLACK_URL"), "no secret in the file")
        let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
        if let promtool = Self.tool("promtool") {
            let check = try await ChildProcess.run(promtool, ["check", "rules", "--lint=all", "--lint-fatal", out + "/prometheus/vigil-rules.yaml", out + "/prometheus/vigil-slo-rules.yaml"])
            #expect(check.status == 0, "\(check.output)")
            let test = try await ChildProcess.run(promtool, ["test", "rules", out + "/prometheus/vigil-rules.test.yaml"])
            #expect(test.status == 0, "\(test.output.suffix(4000))")
        } else {
            #expect(!inCI, "promtool is required in CI")
        }
        if let amtool = Self.tool("amtool") {
            let check = try await ChildProcess.run(amtool, ["check-config", out + "/alertmanager/alertmanager.yml"])
            #expect(check.status == 0, "\(check.output)")
        } else {
            #expect(!inCI, "amtool is required in CI")
        }
    }

    @Test func aMissingConfigurationIsAnErrorNamingTheFile() async throws {
        let run = try await VigilProcess.run(["export", "--config", "/nonexistent/vigil.yaml", "--out", VigilProcess.temporaryPath("")])
        #expect(run.status != 0)
        #expect(run.standardError.contains("/nonexistent/vigil.yaml: cannot be read"), "\(run.standardError)")
    }
}
