import ArgumentParser
import Foundation
import VigilAlerting
import VigilCore
import VigilServer
import Yams

/// Reads the YAML settings of `vigil serve` into a ``ServerConfiguration``.
///
/// ```yaml
/// host: 0.0.0.0
/// port: 8080
/// data_dir: /var/lib/vigil
/// tokens:
///   - {name: fraud-service, token_env: VIGIL_INGEST_TOKEN, scopes: [ingest]}
///   - {name: grafana, token_env: VIGIL_READ_TOKEN, scopes: [read]}
/// limits: {max_body_bytes: 16777216, max_rows_per_batch: 50000, max_features_per_row: 512}
/// cardinality: {max_models: 100, max_versions_per_model: 20, max_label_values: 100}
/// live: {bucket_seconds: 60, hot_seconds: 7200, flush_interval_seconds: 1}
/// retention: {event_days: 30, bucket_days: 90, interval_seconds: 60}
/// monitor: {window_seconds: 3600, interval_seconds: 15, quality_window_seconds: 604800, quality_window_interval_seconds: 300, label_lateness_days: 30}
/// drift: {dataset_drift_share: 0.5, embedding_method: ratio}   # as in `vigil report --config`
/// quality: {missing: 0.1, out_of_range: 0.05}
/// comparisons: {window_seconds: 86400, automatic: true, pairs: [{model: churn, baseline: v1, candidate: v2, guardrails: "latency_p99:0.1", paired: false}]}
/// alerting: {evaluation_interval: 15s, alertmanager: {url: "http://127.0.0.1:9093"}, rules: [...]}   # AlertingConfigurationFile
/// ```
/// Unknown keys are errors. Tokens are best given through the environment (`token_env`), so the file
/// holds no secret.
enum ServeConfigurationFile {
    struct File: Decodable {
        var host: String?
        var port: Int?
        var data_dir: String?
        var tokens: [Token]?
        var limits: Limits?
        var cardinality: Cardinality?
        var live: Live?
        var retention: Retention?
        var monitor: Monitor?
        var drift: ReportConfiguration.Drift?
        var quality: ReportConfiguration.Quality?
        var comparisons: Comparisons?
    }

    struct Comparisons: Decodable {
        var window_seconds: Int?
        var automatic: Bool?
        var pairs: [Pair]?

        struct Pair: Decodable {
            var model: String
            var baseline: String
            var candidate: String?
            var metrics: String?
            var guardrails: String?
            var mode: String?
            var tuning: Double?
            var alpha: Double?
            var correction: String?
            var split: String?
            var paired: Bool?
        }
    }

    struct Token: Decodable {
        var name: String
        var token: String?
        var token_env: String?
        var scopes: [String]
    }

    struct Limits: Decodable {
        var max_body_bytes: Int?
        var max_rows_per_batch: Int?
        var max_features_per_row: Int?
        var max_string_length: Int?
        var max_vector_length: Int?
        var max_queued_rows: Int?
        var max_reference_bytes: Int?
    }

    struct Cardinality: Decodable {
        var max_models: Int?
        var max_versions_per_model: Int?
        var max_label_values: Int?
    }

    struct Live: Decodable {
        var bucket_seconds: Int?
        var hot_seconds: Int?
        var flush_interval_seconds: Double?
    }

    struct Retention: Decodable {
        /// Days to keep predictions; 0 keeps them forever.
        var event_days: Int?
        var bucket_days: Int?
        var interval_seconds: Double?
    }

    struct Monitor: Decodable {
        var window_seconds: Int?
        var interval_seconds: Double?
        /// The longer window of the model-quality gauges, and how often it is recomputed.
        var quality_window_seconds: Int?
        var quality_window_interval_seconds: Double?
        /// Labels later than this after their prediction are stored, not folded; 0 folds every label.
        var label_lateness_days: Int?
    }

    static let knownKeys: [String: Set<String>] = [
        "": ["host", "port", "data_dir", "tokens", "limits", "cardinality", "live", "retention", "monitor", "drift", "quality", "alerting", "comparisons"],
        "comparisons": ["window_seconds", "automatic", "pairs"],
        "drift": ConfigurationErrors.knownKeys["drift"]!,
        "quality": ConfigurationErrors.knownKeys["quality"]!,
        "limits": ["max_body_bytes", "max_rows_per_batch", "max_features_per_row", "max_string_length", "max_vector_length", "max_queued_rows", "max_reference_bytes"],
        "cardinality": ["max_models", "max_versions_per_model", "max_label_values"],
        "live": ["bucket_seconds", "hot_seconds", "flush_interval_seconds"],
        "retention": ["event_days", "bucket_days", "interval_seconds"],
        "monitor": ["window_seconds", "interval_seconds", "quality_window_seconds", "quality_window_interval_seconds", "label_lateness_days"],
    ]

    /// Applies the file at `path` over `configuration`.
    ///
    /// A token whose `token_env` variable is not set is an error, unless `missingVariable` is given: then it is
    /// reported there (as `vigil config check` does, on a machine that is not the server) and skipped.
    static func apply(
        _ path: String, to configuration: inout ServerConfiguration, environment: [String: String], missingVariable: ((String) -> Void)? = nil
    ) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("\(path): cannot be read") }
        let file: File
        do { file = try YAMLDecoder().decode(File.self, from: text) } catch {
            throw ValidationError("\(path): not a valid configuration: \(ConfigurationErrors.describe(error))")
        }
        if let alerting = try Yams.compose(yaml: text)?.mapping?["alerting"] {
            configuration.alerting = try AlertingConfigurationFile(path: path).decode(alerting)
        }
        if let root = (try? Yams.load(yaml: text)) as? [String: Any] {
            for (key, value) in root {
                guard knownKeys[""]!.contains(key) else { throw ValidationError("\(path): unknown setting \"\(key)\"") }
                if let section = knownKeys[key], let entries = value as? [String: Any], let unknown = entries.keys.first(where: { !section.contains($0) }) {
                    throw ValidationError("\(path): unknown setting \"\(key).\(unknown)\"")
                }
            }
        }
        if let host = file.host { configuration.host = host }
        if let port = file.port { configuration.port = port }
        if let directory = file.data_dir { configuration.dataDirectory = directory }
        for (index, token) in (file.tokens ?? []).enumerated() {
            let secret: String
            switch (token.token, token.token_env) {
            case (let value?, nil): secret = value
            case (nil, let variable?):
                guard let value = environment[variable], !value.isEmpty else {
                    if let missingVariable {
                        missingVariable("tokens[\(index)] (\(token.name)): environment variable \(variable) is not set here; vigil serve needs it")
                        continue
                    }
                    throw ValidationError("\(path): tokens[\(index)] (\(token.name)): environment variable \(variable) is not set")
                }
                secret = value
            default: throw ValidationError("\(path): tokens[\(index)] (\(token.name)): give exactly one of token and token_env")
            }
            var scopes = Set<APIToken.Scope>()
            for scope in token.scopes {
                guard let parsed = APIToken.Scope(rawValue: scope) else {
                    throw ValidationError("\(path): tokens[\(index)] (\(token.name)): unknown scope \"\(scope)\" (ingest, read, admin)")
                }
                scopes.insert(parsed)
            }
            configuration.tokens.append(APIToken(name: token.name, secret: secret, scopes: scopes))
        }
        if let limits = file.limits {
            if let value = limits.max_body_bytes { configuration.limits.maxBodyBytes = value }
            if let value = limits.max_rows_per_batch { configuration.limits.maxRowsPerBatch = value }
            if let value = limits.max_features_per_row { configuration.limits.maxFeaturesPerRow = value }
            if let value = limits.max_string_length { configuration.limits.maxStringLength = value }
            if let value = limits.max_vector_length { configuration.limits.maxVectorLength = value }
            if let value = limits.max_queued_rows { configuration.maxQueuedRows = value }
            if let value = limits.max_reference_bytes { configuration.maxReferenceBytes = value }
        }
        if let cardinality = file.cardinality {
            if let value = cardinality.max_models { configuration.maxModels = value }
            if let value = cardinality.max_versions_per_model { configuration.maxVersionsPerModel = value }
            if let value = cardinality.max_label_values { configuration.maxLabelValues = value }
        }
        if let live = file.live {
            if let value = live.bucket_seconds { configuration.bucketSeconds = value }
            if let value = live.hot_seconds { configuration.hotSeconds = value }
            if let value = live.flush_interval_seconds { configuration.flushIntervalSeconds = value }
        }
        if let retention = file.retention {
            if let days = retention.event_days { configuration.eventRetentionSeconds = days > 0 ? days * 86_400 : nil }
            if let days = retention.bucket_days { configuration.bucketRetentionSeconds = days > 0 ? days * 86_400 : nil }
            if let seconds = retention.interval_seconds { configuration.retentionIntervalSeconds = seconds }
        }
        if let monitor = file.monitor {
            if let value = monitor.window_seconds { configuration.monitorWindowSeconds = value }
            if let value = monitor.interval_seconds { configuration.monitorIntervalSeconds = value }
            if let value = monitor.quality_window_seconds { configuration.qualityWindowSeconds = value }
            if let value = monitor.quality_window_interval_seconds { configuration.qualityWindowIntervalSeconds = value }
            if let days = monitor.label_lateness_days { configuration.labelLatenessSeconds = days > 0 ? days * 86_400 : nil }
        }
        if let comparisons = file.comparisons {
            if let seconds = comparisons.window_seconds {
                guard seconds > 0 else { throw ValidationError("\(path): comparisons.window_seconds must be positive") }
                configuration.comparisons.windowSeconds = seconds
            }
            if let automatic = comparisons.automatic { configuration.comparisons.automatic = automatic }
            for (index, pair) in (comparisons.pairs ?? []).enumerated() {
                do {
                    let plan = try ComparisonPlan(
                        metrics: pair.metrics, guardrails: pair.guardrails, mode: pair.mode, tuning: pair.tuning.map { "\($0)" }, alpha: pair.alpha.map { "\($0)" },
                        correction: pair.correction, split: pair.split)
                    configuration.comparisons.pairs.append(
                        .init(model: pair.model, baseline: pair.baseline, candidate: pair.candidate, plan: plan, paired: pair.paired ?? false)
                    )
                } catch {
                    throw ValidationError("\(path): comparisons.pairs[\(index)] (\(pair.model)): \(error.parameter): \(error.message)")
                }
            }
        }
        do { try file.drift?.apply(to: &configuration.drift) } catch { throw ValidationError("\(path): drift: \(error)") }
        if let quality = file.quality {
            if let value = quality.missing { configuration.quality.missingRatio = value }
            if let value = quality.outOfRange { configuration.quality.outOfRangeRatio = value }
            if let value = quality.duplicates { configuration.quality.duplicateRowRatio = value }
        }
    }
}
