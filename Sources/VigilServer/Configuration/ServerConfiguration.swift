import Foundation
public import VigilAlerting
public import VigilCore

/// Everything `vigil serve` can be told, with the defaults a first start uses.
///
/// Flags set the few things people change per run (address, port, data directory); the YAML file given with
/// `--config` sets the rest. The CLI reads both into this one value.
public struct ServerConfiguration: Sendable {
    /// The address to listen on. With no token configured only a loopback address is allowed.
    public var host = "127.0.0.1"
    /// The port; 0 picks a free one (printed at start).
    public var port = 8080
    /// Where the embedded store keeps its database.
    public var dataDirectory = "./vigil-data"
    /// API tokens; when empty the server accepts unauthenticated requests on loopback only.
    public var tokens: [APIToken] = []
    public var limits = IngestLimits()
    /// Alert rules, their evaluation and delivery (the `alerting:` section).
    public var alerting = AlertingConfiguration()
    /// Where receivers' secrets (`url_env`, `token_env`) are read from when a message is sent: the process's
    /// environment.
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// Largest reference upload (CSV, NDJSON or profile), in bytes.
    public var maxReferenceBytes = 512 << 20
    /// Distinct models accepted; beyond it new models are refused (each one adds Prometheus series).
    public var maxModels = 100
    /// Distinct versions accepted per model.
    public var maxVersionsPerModel = 20
    /// Distinct predicted classes and error types exported per model; the rest are exported as `__other__`.
    public var maxLabelValues = 100
    /// Rows queued for commit beyond which ingestion answers 503 with Retry-After.
    public var maxQueuedRows = 500_000
    /// Width of a live-profile time bucket, in seconds.
    public var bucketSeconds = 60
    /// How long buckets stay in memory before they are read from the store on demand, in seconds.
    public var hotSeconds = 2 * 3600
    /// Bytes of merged profiles of whole hours and days kept in memory for windows over them (the summary and
    /// the dashboard over days); 0 keeps none.
    public var windowCacheBytes = 128 << 20
    /// How often changed buckets are flushed to the store, in seconds.
    public var flushIntervalSeconds = 1.0
    /// Predictions older than this are deleted (seconds); nil keeps them forever.
    public var eventRetentionSeconds: Int? = 30 * 86_400
    /// Buckets older than this are deleted (seconds); nil keeps them forever.
    public var bucketRetentionSeconds: Int? = 90 * 86_400
    /// How often retention runs, in seconds.
    public var retentionIntervalSeconds = 60.0
    /// The window that the gauges of /metrics (drift, feature statistics, data quality) describe, in seconds.
    public var monitorWindowSeconds = 3600
    /// Labels that come more than this after their prediction are stored and reported, never folded into
    /// model quality; nil folds every label.
    public var labelLatenessSeconds: Int? = 30 * 86_400
    /// The longer window of the model-quality gauges (the seeds' "accuracy over 7 days").
    public var qualityWindowSeconds = 7 * 86_400
    /// How often the longer quality window is recomputed: it moves slowly and reads a week of rollups.
    public var qualityWindowIntervalSeconds = 300.0
    /// How often those gauges are recomputed, in seconds.
    public var monitorIntervalSeconds = 15.0
    /// Drift methods and thresholds for live drift, as for `vigil report`.
    public var drift = DriftOptions()
    /// Data-quality thresholds for live data, as for `vigil report`.
    public var quality = DataQualityThresholds()
    /// The version comparisons the server keeps (gauges, alert rules, the dashboard's Versions tab).
    public var comparisons = ComparisonSettings()

    public init() {}

    /// Whether `host` is a loopback address (safe to serve without tokens).
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Checks the values that would make the server misbehave; the message names the setting.
    public func validate() throws(ConfigurationError) {
        guard tokens.isEmpty == false || isLoopback else {
            throw ConfigurationError("host \(host) is not a loopback address and no API token is configured; add tokens to the config file or listen on 127.0.0.1")
        }
        guard (0...65_535).contains(port) else { throw ConfigurationError("port \(port) is outside 0...65535") }
        guard bucketSeconds > 0, 86_400 % bucketSeconds == 0 else {
            throw ConfigurationError("bucket_seconds \(bucketSeconds) must be positive and divide a day")
        }
        guard hotSeconds >= bucketSeconds else { throw ConfigurationError("hot_seconds must be at least bucket_seconds") }
        guard flushIntervalSeconds > 0, monitorIntervalSeconds > 0, retentionIntervalSeconds > 0 else { throw ConfigurationError("intervals must be positive") }
        guard qualityWindowSeconds > 0 else { throw ConfigurationError("quality_window_seconds must be positive") }
        guard qualityWindowIntervalSeconds >= 0 else { throw ConfigurationError("quality_window_interval_seconds must not be negative") }
        if let lateness = labelLatenessSeconds, lateness <= 0 { throw ConfigurationError("label_lateness_days must be positive (0 in the file folds every label)") }
        guard maxModels > 0, maxVersionsPerModel > 0, maxLabelValues > 0 else { throw ConfigurationError("cardinality limits must be positive") }
        var seen = Set<String>()
        for token in tokens {
            guard token.secret.utf8.count >= 16 else {
                throw ConfigurationError("token \"\(token.name)\" is shorter than 16 characters")
            }
            guard seen.insert(token.secret).inserted else { throw ConfigurationError("token \"\(token.name)\" repeats another token") }
        }
    }
}

/// A setting is invalid; the message names it.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
