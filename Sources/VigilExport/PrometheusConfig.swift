import Foundation
import VigilAlerting

/// A `prometheus.yml` for Vigil: the scrape job, the exported rule files, and the Alertmanager the `alerting:`
/// section names; `promtool check config` accepts it. Merge it into an existing configuration.
struct PrometheusConfig: Encodable {
    struct Global: Encodable {
        var scrapeInterval: String
        var evaluationInterval: String
        enum CodingKeys: String, CodingKey { case scrapeInterval = "scrape_interval", evaluationInterval = "evaluation_interval" }
    }

    struct Targets: Encodable {
        var targets: [String]
    }

    struct ScrapeConfig: Encodable {
        var jobName: String
        var metricsPath = "/metrics"
        var staticConfigs: [Targets]
        enum CodingKeys: String, CodingKey { case jobName = "job_name", metricsPath = "metrics_path", staticConfigs = "static_configs" }
    }

    struct Alerting: Encodable {
        struct Manager: Encodable {
            var scheme: String
            var staticConfigs: [Targets]
            enum CodingKeys: String, CodingKey { case scheme, staticConfigs = "static_configs" }
        }
        var alertmanagers: [Manager]
    }

    var global: Global
    var ruleFiles: [String]
    var alerting: Alerting?
    var scrapeConfigs: [ScrapeConfig]

    enum CodingKeys: String, CodingKey { case global, ruleFiles = "rule_files", alerting, scrapeConfigs = "scrape_configs" }

    init(_ configuration: AlertingConfiguration, settings: ExportSettings, ruleFiles: [String]) {
        // Rules are evaluated as often as Vigil evaluates its own, so both see a condition at the same pace.
        global = Global(scrapeInterval: PromQL.duration(settings.scrapeInterval), evaluationInterval: PromQL.duration(configuration.evaluationInterval))
        self.ruleFiles = ruleFiles
        scrapeConfigs = [ScrapeConfig(jobName: settings.job, staticConfigs: [Targets(targets: [settings.target])])]
        if let url = configuration.alertmanagerURL, let schemeEnd = url.range(of: "://") {
            let scheme = String(url[..<schemeEnd.lowerBound])
            let host = url[schemeEnd.upperBound...].split(separator: "/").first.map(String.init) ?? ""
            alerting = Alerting(alertmanagers: [.init(scheme: scheme, staticConfigs: [Targets(targets: [host])])])
        }
    }
}
