import Foundation
import Prometheus
import Synchronization
import VigilCore

/// Every series Vigil exposes on `/metrics`, under the names practitioners already use (`ml_*`) and the
/// server's own health (`vigil_*`).
///
/// Label values are bounded: models and versions by the server's cardinality limits, predicted classes and
/// error types by `maxLabelValues` per model (the rest become `__other__`), never an id. Collectors are
/// cached, because the registry takes a lock and builds a key on every lookup.
final class VigilMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let maxLabelValues: Int
    private let cache = Mutex(Cache())

    private struct Cache {
        var counters: [[String]: Counter] = [:]
        var histograms: [[String]: ValueHistogram] = [:]
        var gauges: [[String]: Gauge] = [:]
        /// Label values admitted so far, per (model, label name).
        var admitted: [[String]: Set<String>] = [:]
        /// CPU seconds already added to `process_cpu_seconds_total`.
        var reportedCPU = 0.0
    }

    /// Prometheus' default bounds with 1 ms, 2.5 ms and 2 s added: the seeds' alert thresholds (500 ms, 2 s) are
    /// bucket bounds, so an exported rule on the histogram means exactly what Vigil's own rule means.
    static let latencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10]
    static let unitBuckets: [Double] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]
    static let rowBuckets: [Double] = [1, 10, 100, 1000, 10_000, 100_000]

    /// Names and help texts, declared once: swift-prometheus stops the process when one name is registered
    /// with two help texts or two label sets.
    enum Family: String, CaseIterable {
        case requests = "ml_prediction_requests_total"
        case errors = "ml_prediction_errors_total"
        case latency = "ml_prediction_latency_seconds"
        case score = "ml_prediction_score"
        case confidence = "ml_prediction_confidence"
        case classes = "ml_prediction_class_total"
        case featureValue = "ml_feature_value"
        case featureDrift = "ml_feature_drift_score"
        case featureDrifted = "ml_feature_drift_detected"
        case featurePSI = "ml_feature_psi"
        case datasetDriftShare = "ml_dataset_drift_share"
        case embeddingSimilarity = "ml_embedding_reference_similarity"
        case dataQuality = "ml_data_quality_ratio"
        case modelQuality = "ml_model_quality"
        case modelQualityEstimated = "ml_model_quality_estimated"
        case labelCoverage = "ml_label_coverage_ratio"
        case labelled = "ml_labelled_predictions"
        case labelDelay = "ml_label_delay_seconds"
        case businessMetric = "ml_business_metric"
        case comparisonVerdict = "ml_version_comparison_verdict"
        case comparisonDifference = "ml_version_comparison_difference"
        case comparisonPValue = "ml_version_comparison_p_value"
        case ingested = "vigil_ingested_events_total"
        case duplicates = "vigil_duplicate_events_total"
        case rejected = "vigil_rejected_rows_total"
        case queueDepth = "vigil_ingest_queue_rows"
        case commitRows = "vigil_commit_rows"
        case commitSeconds = "vigil_commit_duration_seconds"
        case flushLag = "vigil_flush_lag_seconds"
        case unflushedBuckets = "vigil_unflushed_buckets"
        case rebuiltBuckets = "vigil_rebuilt_buckets_total"
        case windowCacheReads = "vigil_window_cache_reads_total"
        case windowCacheBytes = "vigil_window_cache_bytes"
        case pendingRollups = "vigil_pending_rollups"
        case labelsFolded = "vigil_labels_folded_total"
        case storeSize = "vigil_store_size_bytes"
        case monitorSeconds = "vigil_monitor_duration_seconds"
        case alerts = "vigil_alerts"
        case sloBudgetRemaining = "ml_slo_error_budget_remaining"
        case sloBurnRate = "ml_slo_burn_rate"
        case sloObjective = "ml_slo_objective_ratio"
        case alertEvaluationSeconds = "vigil_alert_evaluation_duration_seconds"
        case notifications = "vigil_notifications_total"
        case buildInfo = "vigil_build_info"
        case processStart = "process_start_time_seconds"
        case processMemory = "process_resident_memory_bytes"
        case processCPU = "process_cpu_seconds_total"
        case processFiles = "process_open_fds"

        var help: String {
            switch self {
            case .requests: "Predictions received, by model, version and status (ok or error)."
            case .errors: "Failed predictions, by model, version and error type."
            case .latency: "Prediction latency reported by the model service, in seconds."
            case .score: "Numeric predictions (regression outputs or scores)."
            case .confidence: "Highest class score of each classification, by predicted class."
            case .classes: "Predictions by predicted class."
            case .featureValue: "Feature statistics over the monitoring window (mean, std, min, max, null_rate, p10, p50, p90)."
            case .featureDrift: "Drift score of a feature against the model's reference over the monitoring window."
            case .featureDrifted: "1 when the feature's drift test crosses its threshold over the monitoring window, else 0."
            case .featurePSI: "Population Stability Index of a feature against the model's reference over the monitoring window, whatever its drift test."
            case .datasetDriftShare: "Share of features that drifted over the monitoring window."
            case .embeddingSimilarity: "Mean cosine similarity of a vector feature to the reference centroid over the monitoring window (source=live), and of the reference's own vectors (source=reference)."
            case .dataQuality: "Share of values failing a data-quality check over the monitoring window."
            case .modelQuality: "Model quality from labels over a window of prediction time (accuracy, f1_macro, roc_auc, mae, rmse…)."
            case .modelQualityEstimated: "Model quality estimated from scores before labels come (CBPE: accuracy, precision, recall, f1, specificity, roc_auc)."
            case .labelCoverage: "Share of the window's successful predictions that have a label."
            case .labelled: "Labelled predictions behind the window's model-quality figures."
            case .labelDelay: "Seconds from a prediction to its first label."
            case .businessMetric: "Business and proxy metrics sent with predictions (source=prediction) or labels (source=label): count, sum and mean over a window."
            case .comparisonVerdict: "A version (model_version) against its baseline over the comparison window: 1 promote, 0 hold, -1 reject."
            case .comparisonDifference: "A version's difference from its baseline per metric (bound=estimate, lower, upper): points for shares, a fraction of the baseline otherwise."
            case .comparisonPValue: "The p-value of a version's difference from its baseline per metric (always-valid in the sequential mode, after the correction for primaries)."
            case .ingested: "Events committed to the store, by kind (prediction or label)."
            case .duplicates: "Predictions resent with an id already stored (not counted again)."
            case .rejected: "Rows refused by validation or limits."
            case .queueDepth: "Rows waiting for the next group commit."
            case .commitRows: "Rows per group commit."
            case .commitSeconds: "Duration of a group commit."
            case .flushLag: "Seconds since live profiles were last flushed to the store."
            case .unflushedBuckets: "Live-profile buckets changed since the last flush."
            case .rebuiltBuckets: "Stored live-profile buckets that could not be read and were rebuilt from the event log."
            case .windowCacheReads: "Whole hours and days of live profiles a window asked of the in-memory cache, by result (hit or miss)."
            case .windowCacheBytes: "Bytes of merged live profiles of whole hours and days held in memory for windows."
            case .pendingRollups: "Complete hours (backfilled, or reached by late events) waiting for their hourly rollup, built in the background."
            case .labelsFolded: "Label-log entries folded into model quality (labels for stored predictions, and waiting labels when their prediction came)."
            case .storeSize: "Size of the embedded store on disk."
            case .monitorSeconds: "Duration of one computation of the monitoring-window gauges."
            case .alerts: "Alerts by state (pending, firing, resolved and still resent)."
            case .sloBudgetRemaining: "Share of the SLO's error budget left over its period (1 for a fresh period, below 0 when overspent)."
            case .sloBurnRate: "How fast the SLO's error budget burns over a window: error ratio / (1 - objective); 1 spends it exactly over the period."
            case .sloObjective: "The SLO's objective: the share of predictions that must be good."
            case .alertEvaluationSeconds: "Duration of one evaluation of every alert rule, delivery included."
            case .notifications: "Alert deliveries by receiver and result (sent or failed), counted per alert."
            case .buildInfo: "Always 1; the labels say which Vigil is running."
            case .processStart: "Start time of the process since the Unix epoch, in seconds."
            case .processMemory: "Resident memory of the process, in bytes."
            case .processCPU: "User and system CPU time spent by the process, in seconds."
            case .processFiles: "Open file descriptors of the process."
            }
        }

        var descriptor: MetricNameDescriptor { MetricNameDescriptor(metricName: rawValue, unitName: "", helpText: help) }
    }

    init(maxLabelValues: Int, version: String) {
        self.maxLabelValues = maxLabelValues
        gauge(.buildInfo, [("version", version)]).set(to: 1)
        gauge(.processStart).set(to: Date().timeIntervalSince1970)
    }

    /// The standard process series every Prometheus exporter has, read from the kernel at scrape time
    /// (memory and file descriptors from /proc, so on Linux only).
    func refreshProcessMetrics() {
        var usage = rusage()
        #if os(Linux)
        let who = RUSAGE_SELF.rawValue
        #else
        let who = RUSAGE_SELF
        #endif
        if getrusage(who, &usage) == 0 {
            let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
            let counter = counter(.processCPU, [])
            // The counter only grows: add what was spent since the last scrape.
            let previous = cache.withLock { cache in
                defer { cache.reportedCPU = max(cache.reportedCPU, cpu) }
                return cache.reportedCPU
            }
            if cpu > previous { counter.increment(by: cpu - previous) }
        }
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
           let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) {
            gauge(.processMemory).set(to: pages * Double(sysconf(Int32(_SC_PAGESIZE))))
        }
        if let files = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            gauge(.processFiles).set(to: Double(files.count))
        }
    }

    // MARK: Collectors

    private func counter(_ family: Family, _ labels: [(String, String)]) -> Counter {
        cached(family, labels, \.counters) {
            labels.isEmpty ? registry.makeCounter(descriptor: family.descriptor) : registry.makeCounter(descriptor: family.descriptor, labels: labels)
        }
    }

    private func histogram(_ family: Family, _ labels: [(String, String)], buckets: [Double]) -> ValueHistogram {
        cached(family, labels, \.histograms) {
            labels.isEmpty
                ? registry.makeValueHistogram(descriptor: family.descriptor, buckets: buckets)
                : registry.makeValueHistogram(descriptor: family.descriptor, labels: labels, buckets: buckets)
        }
    }

    func gauge(_ family: Family, _ labels: [(String, String)] = []) -> Gauge {
        cached(family, labels, \.gauges) {
            labels.isEmpty ? registry.makeGauge(descriptor: family.descriptor) : registry.makeGauge(descriptor: family.descriptor, labels: labels)
        }
    }

    /// The collector for a family and label values, made and registered on first use.
    private func cached<Collector: Sendable>(
        _ family: Family, _ labels: [(String, String)], _ table: WritableKeyPath<Cache, [[String]: Collector]>, make: () -> Collector
    ) -> Collector {
        let key = [family.rawValue] + labels.map(\.1)
        if let existing = cache.withLock({ $0[keyPath: table][key] }) { return existing }
        // Made outside the lock: the registry takes its own, and returns the same collector to a racing caller.
        let made = make()
        cache.withLock { $0[keyPath: table][key] = made }
        return made
    }

    /// `value` if it is among the first `maxLabelValues` values seen for this model and label, else `__other__`.
    private func bounded(_ value: String, model: String, label: String) -> String {
        cache.withLock { cache in
            let key = [model, label]
            if cache.admitted[key, default: []].contains(value) { return value }
            guard cache.admitted[key, default: []].count < maxLabelValues else { return "__other__" }
            cache.admitted[key, default: []].insert(value)
            return value
        }
    }

    // MARK: Ingestion

    /// The ingestion collectors of one model version, resolved once: a commit then costs one lookup per
    /// version instead of building label arrays for each series.
    private struct VersionCollectors: Sendable {
        var ok: Counter
        var failed: Counter
        var latency: ValueHistogram
        var score: ValueHistogram
    }

    /// The collectors of one predicted class of a model (under its bounded label value).
    private struct ClassCollectors: Sendable {
        var count: Counter
        var confidence: ValueHistogram
    }

    private struct SeriesKey: Hashable {
        var model: String
        var value: String
        var version = ""
    }

    private let versionCollectors = Mutex([SeriesKey: VersionCollectors]())
    private let classCollectors = Mutex([SeriesKey: ClassCollectors]())

    private func collectors(model: String, version: String) -> VersionCollectors {
        let key = SeriesKey(model: model, value: version)
        if let known = versionCollectors.withLock({ $0[key] }) { return known }
        let labels = [("model_name", model), ("model_version", version)]
        let made = VersionCollectors(
            ok: counter(.requests, labels + [("status", "ok")]), failed: counter(.requests, labels + [("status", "error")]),
            latency: histogram(.latency, labels, buckets: Self.latencyBuckets), score: histogram(.score, labels, buckets: Self.unitBuckets)
        )
        versionCollectors.withLock { $0[key] = made }
        return made
    }

    private func collectors(model: String, version: String, predictedClass: String) -> ClassCollectors {
        let key = SeriesKey(model: model, value: predictedClass, version: version)
        if let known = classCollectors.withLock({ $0[key] }) { return known }
        // By version too, so that a class-share or confidence rule can watch one version as Vigil's own rules
        // do; the seeds' `sum by (predicted_class)` queries still work.
        let labels = [("model_name", model), ("model_version", version), ("predicted_class", bounded(predictedClass, model: model, label: "class"))]
        let made = ClassCollectors(count: counter(.classes, labels), confidence: histogram(.confidence, labels, buckets: Self.unitBuckets))
        // Classes past the label bound share `__other__`'s collectors, and are remembered under their own
        // name only while few, so that unbounded class names cannot grow this table.
        classCollectors.withLock { if $0.count < 16 * maxLabelValues { $0[key] = made } }
        return made
    }

    /// Records committed predictions (duplicates excluded). Collectors are looked up once per run of one
    /// version or class (a request usually carries one of each), and counters are added to once per run.
    func recordCommitted(model: String, events: [PredictionEvent], positions: [Int64?]) {
        var count = 0
        var version: (name: String, collectors: VersionCollectors, ok: Int, failed: Int)?
        var predicted: (name: String, version: String, collectors: ClassCollectors, count: Int)?
        func endVersionRun() {
            guard let run = version else { return }
            if run.ok > 0 { run.collectors.ok.increment(by: Double(run.ok)) }
            if run.failed > 0 { run.collectors.failed.increment(by: Double(run.failed)) }
        }
        func endClassRun() {
            if let run = predicted { run.collectors.count.increment(by: Double(run.count)) }
        }
        // By index, so that each event is read in place rather than copied out of the array.
        for index in events.indices where positions[index] != nil {
            count += 1
            if version?.name != events[index].version {
                endVersionRun()
                version = (events[index].version, collectors(model: model, version: events[index].version), 0, 0)
            }
            let series = version!.collectors
            if events[index].status == "error" {
                version!.failed += 1
                let type = bounded(events[index].errorType ?? "unknown", model: model, label: "error_type")
                counter(.errors, [("model_name", model), ("model_version", events[index].version), ("error_type", type)]).increment()
            } else {
                version!.ok += 1
            }
            if let latency = events[index].latencyMilliseconds { series.latency.record(latency / 1000) }
            if case .number(let value)? = events[index].prediction { series.score.record(value) }
            if let predictedClass = events[index].prediction?.predictedClass {
                if predicted?.name != predictedClass.name || predicted?.version != events[index].version {
                    endClassRun()
                    predicted = (
                        predictedClass.name, events[index].version,
                        collectors(model: model, version: events[index].version, predictedClass: predictedClass.name), 0
                    )
                }
                predicted!.count += 1
                if let score = predictedClass.score { predicted!.collectors.confidence.record(score) }
            }
        }
        endVersionRun()
        endClassRun()
        if count > 0 { counter(.ingested, [("kind", "prediction")]).increment(by: Double(count)) }
    }

    func recordNotification(receiver: String, result: String, count: Int) {
        counter(.notifications, [("receiver", receiver), ("result", result)]).increment(by: Double(count))
    }

    func recordFolded(_ count: Int) { counter(.labelsFolded, []).increment(by: Double(count)) }

    func recordLabelDelay(model: String, seconds: Double) {
        histogram(.labelDelay, [("model_name", model)], buckets: LabelDelayHistogram.edges).record(Swift.max(0, seconds))
    }

    func recordLabels(_ count: Int) { counter(.ingested, [("kind", "label")]).increment(by: Double(count)) }
    func recordRebuiltBuckets(_ count: Int) { counter(.rebuiltBuckets, []).increment(by: Double(count)) }

    /// One read of the window cache, and the bytes it holds after it.
    func recordWindowCacheRead(hit: Bool, bytes: Int) {
        counter(.windowCacheReads, [("result", hit ? "hit" : "miss")]).increment()
        gauge(.windowCacheBytes).set(to: Double(bytes))
    }
    func recordDuplicates(_ count: Int) { if count > 0 { counter(.duplicates, []).increment(by: Double(count)) } }
    func recordRejected(_ count: Int, reason: String) { counter(.rejected, [("reason", reason)]).increment(by: Double(count)) }

    func recordCommit(rows: Int, seconds: Double) {
        histogram(.commitRows, [], buckets: Self.rowBuckets).record(Double(rows))
        histogram(.commitSeconds, [], buckets: Self.latencyBuckets).record(seconds)
    }

    /// The exposition in Prometheus' text format 0.0.4.
    func exposition() -> [UInt8] { registry.emitToBuffer() }
}
