/// What `vigil export` needs to know beyond the alerting configuration: the windows Vigil publishes its
/// computed gauges over, where people reach Vigil and Grafana, and how Prometheus finds Vigil.
public struct ExportSettings: Sendable, Equatable {
    /// The monitoring window of the drift, data-quality and label-coverage gauges, in milliseconds (`monitor.window_seconds`).
    public var monitorWindow: Int64 = 3_600_000
    /// The longer window of the model-quality gauges, in milliseconds (`monitor.quality_window_seconds`).
    public var qualityWindow: Int64 = 7 * 86_400_000
    /// The window of the version comparisons' gauges, in milliseconds (`comparisons.window_seconds`).
    public var comparisonWindow: Int64 = 86_400_000
    /// The drifted share of features at which the dataset drifts (`drift.dataset_drift_share`).
    public var datasetDriftShare: Double = 0.5
    /// The URL people reach Vigil at, for links in alerts.
    public var vigilURL = "http://localhost:8080"
    /// Grafana's URL, for the `dashboard_url` annotation; nil leaves the annotation a path.
    public var grafanaURL: String?
    /// Where the runbooks are, the alert name in lower case appended as an anchor; nil uses the runbooks
    /// `vigil serve` itself serves at `/runbooks`.
    public var runbookURL: String?
    /// The scrape job's name.
    public var job = "vigil"
    /// Vigil's address as Prometheus reaches it (`host:port`).
    public var target = "localhost:8080"
    /// Milliseconds between scrapes.
    public var scrapeInterval: Int64 = 15_000
    /// Where Alertmanager reads the secrets it may read from files (Slack URLs, SMTP passwords), one file per variable.
    public var alertmanagerSecretsDirectory = "/etc/alertmanager/secrets"

    /// The defaults of `vigil serve`.
    public init() {}
}

/// One file of an export: its path under the output directory and its text.
public struct ExportedFile: Sendable, Equatable {
    /// Relative to the output directory (`prometheus/vigil-rules.yaml`).
    public var path: String
    /// The file's contents.
    public var contents: String

    /// A file.
    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}
