import Foundation

/// The Grafana dashboards of `vigil export`: Operational Overview, Model Health, Business Impact, Model
/// Comparison and SLOs, over the series Vigil publishes on `/metrics` as Prometheus scrapes them, with the
/// provisioning files that load them into Grafana.
///
/// Every panel queries the `datasource` variable (a Prometheus data source picked in Grafana, so the files
/// import anywhere unchanged) and selects the `model` variable; the panels' ranges are `$__rate_interval`.
public enum GrafanaDashboards {
    /// The five dashboards as `grafana/dashboards/<slug>.json`, the provider that loads them
    /// (`grafana/provisioning/dashboards/vigil.yaml`) and an example Prometheus data source
    /// (`grafana/provisioning/datasources/vigil-prometheus.yaml`); the same settings give the same text.
    public static func files(settings: ExportSettings) -> [ExportedFile] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var files: [ExportedFile] = []
        for dashboard in all(settings: settings) {
            let contents: String
            do {
                let data = try encoder.encode(dashboard)
                contents = String(decoding: data, as: UTF8.self) + "\n"
            } catch {
                // Only non-finite numbers fail to encode, and the dashboards hold none.
                preconditionFailure("dashboard \(dashboard.uid) does not encode: \(error)")
            }
            files.append(ExportedFile(path: "grafana/dashboards/\(slug(of: dashboard)).json", contents: contents))
        }
        files.append(ExportedFile(path: "grafana/provisioning/dashboards/vigil.yaml", contents: dashboardProvider))
        files.append(ExportedFile(path: "grafana/provisioning/datasources/vigil-prometheus.yaml", contents: prometheusDatasource))
        return files
    }

    /// Every query of every panel (and annotation) as `(dashboard uid, panel title, PromQL)`, with the
    /// dashboards' variables (`$model`, `$version`, `$baseline`, `$candidate`, `$slo`) and `$__rate_interval`
    /// left in for the caller to substitute.
    public static func queries(settings: ExportSettings) -> [(dashboard: String, panel: String, expr: String)] {
        var queries: [(dashboard: String, panel: String, expr: String)] = []
        for dashboard in all(settings: settings) {
            for panel in dashboard.panels.flatMap({ top -> [GrafanaPanel] in [top] + (top.panels ?? []) }) {
                for target in panel.targets ?? [] {
                    queries.append((dashboard: dashboard.uid, panel: panel.title, expr: target.expr))
                }
            }
            for annotation in dashboard.annotations.list {
                if let expr = annotation.expr { queries.append((dashboard: dashboard.uid, panel: "\(annotation.name) (annotation)", expr: expr)) }
            }
        }
        return queries
    }

    /// The dashboards, in the order of their files.
    static func all(settings: ExportSettings) -> [GrafanaDashboard] {
        [operational(settings: settings), modelHealth(settings: settings), business(settings: settings), comparison(settings: settings), slos(settings: settings)]
    }

    /// The file name of a dashboard: its uid without the `vigil-` prefix.
    static func slug(of dashboard: GrafanaDashboard) -> String {
        String(dashboard.uid.dropFirst(uidPrefix.count))
    }

    static let uidPrefix = "vigil-"

    /// A dashboard with Vigil's common parts: the data source variable first, the built-in and firing-alert
    /// annotations, and links to the other Vigil dashboards and to Vigil.
    static func dashboard(
        slug: String, title: String, description: String, variables: [GrafanaDashboard.Variable], layout: GrafanaGridLayout, settings: ExportSettings
    ) -> GrafanaDashboard {
        let links = [
            // Tag links keep the time range and the variables, so the same model stays selected across dashboards.
            GrafanaDashboard.Link(title: "Vigil dashboards", type: "dashboards", tags: ["vigil"], asDropdown: true, includeVars: true, keepTime: true),
            GrafanaDashboard.Link(title: "Vigil", type: "link", url: settings.vigilURL, targetBlank: true, tooltip: "Open Vigil"),
        ]
        return GrafanaDashboard(
            uid: uidPrefix + slug, title: "Vigil / \(title)", description: description,
            templating: GrafanaDashboard.Templating(list: [GrafanaDashboard.Variable.templatedDatasource] + variables),
            annotations: GrafanaDashboard.Annotations(list: [.grafanaBuiltIn, .firingAlerts]), panels: layout.panels, links: links
        )
    }

    // MARK: Variables

    /// The monitored model, one at a time.
    static let modelVariable = GrafanaDashboard.Variable.labelValues(
        name: "model", label: "Model", description: "The model whose series the panels show.",
        query: "label_values(ml_prediction_requests_total, model_name)"
    )

    /// The model's versions, any number of them; All matches every version, including new ones.
    static let versionVariable = GrafanaDashboard.Variable.labelValues(
        name: "version", label: "Version", description: "The versions of the model the panels show.",
        query: #"label_values(ml_prediction_requests_total{model_name="$model"}, model_version)"#, multi: true, includeAll: true
    )

    // MARK: PromQL

    /// `{model_name="$model", …}`: the chosen model and `extra` matchers.
    static func model(_ extra: String...) -> String {
        selector([#"model_name="$model""#] + extra)
    }

    /// `{model_name="$model", model_version=~"$version", …}`: the chosen model and versions, and `extra` matchers.
    static func versions(_ extra: String...) -> String {
        selector([#"model_name="$model""#, #"model_version=~"$version""#] + extra)
    }

    /// `{job="vigil"}`: Vigil's own series, told apart from other exporters' (`process_*`) by the scrape job.
    static func vigilJob(_ settings: ExportSettings) -> String {
        selector(["job=" + PromQL.quoted(settings.job)])
    }

    /// A series selector of `matchers`.
    static func selector(_ matchers: [String]) -> String {
        "{" + matchers.joined(separator: ", ") + "}"
    }

    /// `rate(series[$__rate_interval])`: Grafana's interval that always spans at least four scrapes.
    static func rate(_ series: String) -> String {
        "rate(\(series)[$__rate_interval])"
    }

    /// The `q` quantile (`0.99`) of a histogram's `buckets` selector, per `labels` (`model_version`) or overall.
    static func quantile(_ q: String, _ buckets: String, by labels: String = "") -> String {
        let grouping = labels.isEmpty ? "le" : "le, \(labels)"
        return "histogram_quantile(\(q), sum by (\(grouping)) (\(rate(buckets))))"
    }

    /// The `window` label of the gauges Vigil computes over a window of `milliseconds` (`1h`, `7d`), for
    /// selecting them and for panel titles.
    static func windowLabel(milliseconds: Int64) -> String {
        PromQL.duration(milliseconds)
    }

    // MARK: Provisioning

    /// Grafana's file provider for the dashboards.
    static let dashboardProvider = """
        # Loads Vigil's dashboards into Grafana (written by `vigil export`).
        # Copy this file to /etc/grafana/provisioning/dashboards/, and the dashboards (grafana/dashboards/*.json)
        # to /var/lib/grafana/dashboards/vigil/, or change `path` to where they are.
        # The dashboards ask for a Prometheus data source (the "Data source" variable), so they need no editing.
        apiVersion: 1
        providers:
          - name: Vigil
            orgId: 1
            folder: Vigil
            type: file
            disableDeletion: false
            updateIntervalSeconds: 10
            allowUiUpdates: true
            options:
              path: /var/lib/grafana/dashboards/vigil
              foldersFromFilesStructure: false

        """

    /// An example Prometheus data source.
    static let prometheusDatasource = """
        # An example Prometheus data source for Vigil's dashboards (written by `vigil export`): edit `url` to where
        # Prometheus runs, and copy this file to /etc/grafana/provisioning/datasources/.
        # Leave it out when Grafana already has a Prometheus data source: the dashboards' "Data source" variable
        # picks any. Grafana refuses two default data sources in one organization: set `isDefault: false` then.
        apiVersion: 1
        datasources:
          - name: Prometheus
            type: prometheus
            access: proxy
            url: http://localhost:9090
            isDefault: true
            uid: prometheus

        """
}
