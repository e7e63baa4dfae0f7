import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization
import VigilAlerting
import VigilCore
import VigilStats
import VigilStore

/// Evaluates the alert rules every `evaluation_interval`, stores their state, and delivers what is due.
///
/// One evaluation: compute each window the rules ask for once (``ModelWindow``), step every alert
/// (``AlertEvaluator``), store the new state and the transitions in one transaction, then send the alerts
/// that are due to Alertmanager and store when they were sent. Killed between the two writes, the restart
/// sends those alerts again, which Alertmanager takes as the resend it is (same labels, same `startsAt`).
final class AlertService: Service, Sendable {
    private let configuration: ServerConfiguration
    private let store: any Store
    private let live: LiveStatistics
    private let quality: QualityProfiles
    private let cardinality: CardinalityGuard
    private let metrics: VigilMetrics
    private let logger: Logger
    private let clock: WallClock
    /// Where the rules' windows come from (shared with the monitor, the summary and the dashboard).
    private let modelWindows: ModelWindows
    private let evaluator: AlertEvaluator
    private let alertmanager: AlertmanagerClient?
    /// Vigil's own receivers, routes, silences and outbox.
    let notifications: NotificationService
    /// Remediation hooks and their audit log.
    let hooks: HookService
    /// The alerts as of the last evaluation, by fingerprint; loaded from the store at the first one.
    private let state = Mutex<[String: AlertInstance]?>(nil)
    /// The address the server listens on, for the links in alerts when no `external_url` is set.
    private let listeningURL = Mutex<String?>(nil)
    /// Each quality SLO's complete windows by their end, and when they were last all read.
    private let qualityWindows = Mutex<[String: (fullAt: Int64, folded: Int64?, windows: [Int64: SLICounts])]>([:])
    /// The SLOs as of the last evaluation.
    private let sloStatuses = Mutex<[SLOStatus]>([])
    /// The closed part of each window longer than a day (an SLO's period, its slow tiers' long windows), by
    /// SLO name and length: the complete buckets from `first` up to `current` (the bucket that was current), as
    /// of the full count at `fullAt`. A window's count is the sum of its buckets', so the next evaluation adds
    /// the buckets that completed and takes away those that left (two short reads) and counts the current
    /// bucket afresh, instead of reading 30 days of rollups. Events for a bucket already counted (late ones,
    /// backfills: `lateBatches` moved) and ten minutes since the last full count make it count in full again.
    private let longCounts = Mutex<[String: (fullAt: Int64, lateBatches: Int, windows: [Int64: (first: Int64, current: Int64, closed: SLICounts)])]>([:])

    init(
        configuration: ServerConfiguration, store: any Store, live: LiveStatistics, quality: QualityProfiles, cardinality: CardinalityGuard,
        metrics: VigilMetrics, logger: Logger, clock: WallClock, windows: ModelWindows
    ) {
        modelWindows = windows
        self.configuration = configuration
        self.store = store
        self.live = live
        self.quality = quality
        self.cardinality = cardinality
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
        evaluator = AlertEvaluator(rules: configuration.alerting.rules, slos: configuration.alerting.slos)
        alertmanager = configuration.alerting.alertmanagerURL.map { AlertmanagerClient(baseURL: $0, timeout: configuration.alerting.timeout) }
        hooks = HookService(hooks: configuration.alerting.hooks, store: store, logger: logger, clock: clock)
        notifications = NotificationService(
            configuration: configuration.alerting, store: store, metrics: metrics, logger: logger, environment: configuration.environment
        )
    }

    func listening(on port: Int) {
        let host = configuration.host == "0.0.0.0" || configuration.host == "::" ? "127.0.0.1" : configuration.host
        listeningURL.withLock { $0 = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
    }

    func run() async throws {
        let interval = configuration.alerting.evaluationInterval
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let started = ContinuousClock.now
            do { try await evaluate() } catch { logger.error("alert evaluation failed; will retry", metadata: ["error": "\(error)"]) }
            let spent = ContinuousClock.now - started
            metrics.gauge(.alertEvaluationSeconds).set(to: spent.seconds)
            let wait = Duration.milliseconds(interval) - spent
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: max(wait, .milliseconds(10))) }
        }
    }

    /// The current alerts, by fingerprint (read by `/v1/alerts`).
    func alerts() async throws -> [AlertInstance] {
        if let current = state.withLock({ $0 }) { return current.values.sorted { $0.fingerprint < $1.fingerprint } }
        return try await store.alerts()
    }

    /// The SLOs as of the last evaluation (read by `/v1/slos`).
    func slos() -> [SLOStatus] { sloStatuses.withLock { $0 } }

    /// The complete windows a quality SLO counted at its last evaluation, oldest first (each good or bad): what
    /// its budget burndown is drawn from. Empty before the first evaluation.
    func qualityWindowCounts(slo name: String) -> [(end: Int64, counts: SLICounts)] {
        (qualityWindows.withLock { $0[name]?.windows } ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// One evaluation at the clock's time.
    func evaluate() async throws {
        let now = clock.milliseconds()
        let previous: [String: AlertInstance]
        if let loaded = state.withLock({ $0 }) {
            previous = loaded
        } else {
            previous = Dictionary(uniqueKeysWithValues: try await store.alerts().map { ($0.fingerprint, $0) })
            try await hooks.recover()
        }
        var windows: [AlertEvaluator.WindowKey: ModelWindow] = [:]
        for request in evaluator.windowRequests(models: cardinality.models) {
            let key = request.key
            windows[key] = try await modelWindows.window(
                model: key.model, version: key.version, range: (now - key.length)..<(now + 1), needs: .init(request), now: now, reuse: true
            )
        }
        var statuses: [SLOStatus] = []
        for slo in configuration.alerting.slos { statuses.append(try await status(slo, now: now)) }
        sloStatuses.withLock { $0 = statuses }
        setSLOMetrics(statuses)
        var evaluator = self.evaluator
        evaluator.runbookURL = externalURL + "/runbooks"
        let result = evaluator.evaluate(windows: windows, slos: statuses, instances: previous, now: now)
        try await store.saveAlerts(result.changed, removing: result.removed, history: result.transitions)
        for transition in result.transitions {
            logger.info(
                "alert \(transition.rule) \(transition.from) → \(transition.to)",
                metadata: ["labels": "\(transition.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))", "value": "\(transition.value.map(AlertRule.formatted) ?? "none")"]
            )
        }
        var current = result.instances
        state.withLock { $0 = current }
        if let alertmanager {
            let sent = await deliver(current, with: alertmanager, now: now)
            if !sent.isEmpty {
                for fingerprint in sent { current[fingerprint]?.lastSentAt = now }
                try await store.saveAlerts(sent.compactMap { current[$0] }, removing: [], history: [])
                state.withLock { $0 = current }
            }
        }
        if notifications.isEnabled {
            try await notifications.dispatch(Array(current.values), now: now, externalURL: externalURL)
            await notifications.deliver(now: now)
        }
        try await hooks.offer(Array(current.values), now: now)
        for alertState in [AlertInstance.State.pending, .firing, .resolved] {
            metrics.gauge(.alerts, [("state", alertState.rawValue)]).set(to: Double(current.values.filter { $0.state == alertState }.count))
        }
    }

    /// An SLO's counts over its period and tier windows, ending now: each window holds the buckets from the one
    /// containing `now − length + 1` to the current one, as every window Vigil reads.
    private func status(_ slo: ServiceLevelObjective, now: Int64) async throws -> SLOStatus {
        if case .quality(let indicator) = slo.indicator { return try await qualityStatus(slo, indicator, now: now) }
        let day: Int64 = 86_400_000
        let width = live.bucketMilliseconds
        let versions = slo.version.map { [$0] } ?? (cardinality.versions(of: slo.model) ?? [])
        func count(_ range: Range<Int64>) async throws -> SLICounts {
            guard !range.isEmpty else { return SLICounts(good: 0, total: 0) }
            var traffic = LiveProfile()
            for version in versions { traffic.merge(try await live.window(model: slo.model, version: version, range: range, parts: .traffic)) }
            return SLICounts(traffic, indicator: slo.indicator)
        }
        let current = BucketKey.start(of: now, width: width)
        let cached = longCounts.withLock { $0[slo.name] }
        let lateBatches = live.lateBatchCount(model: slo.model)
        let incremental = cached.map { now - $0.fullAt < 600_000 && $0.lateBatches == lateBatches } ?? false
        var counts: [Int64: SLICounts] = [:]
        var closedParts: [Int64: (first: Int64, current: Int64, closed: SLICounts)] = [:]
        for length in slo.windowLengths {
            guard length > day else {
                counts[length] = try await count((now - length + 1)..<(now + 1))
                continue
            }
            let first = BucketKey.start(of: now - length + 1, width: width)
            var closed: SLICounts
            if incremental, let before = cached?.windows[length], before.current <= current, before.first <= first {
                // Buckets [first, current) = [before.first, before.current) + [before.current, current) − [before.first, first).
                closed = before.closed + (try await count(before.current..<current)) - (try await count(before.first..<first))
            } else {
                closed = try await count(first..<current)
            }
            closedParts[length] = (first, current, closed)
            counts[length] = closed + (try await count(current..<(now + 1)))
        }
        if !closedParts.isEmpty { longCounts.withLock { $0[slo.name] = (incremental ? cached!.fullAt : now, lateBatches, closedParts) } }
        return SLOStatus(slo: slo, counts: counts)
    }

    /// A quality SLO's counts: each complete window of the period is read once (one series read for all those
    /// not yet known) and kept. When labels were folded since, the windows of the last day are read again (most
    /// labels come within a day); every 10 minutes all of them are, so that late labels for old windows count too.
    private func qualityStatus(_ slo: ServiceLevelObjective, _ indicator: ServiceLevelObjective.QualityIndicator, now: Int64) async throws -> SLOStatus {
        let width = indicator.window
        // Complete windows end at multiples of the width, within the period.
        let lastEnd = (now + 1) / width * width
        let firstEnd = ((now - slo.period) / width + 1) * width
        let cached = qualityWindows.withLock { $0[slo.name] }
        let folded = await quality.foldedPosition
        let full = cached.map { now - $0.fullAt >= 600_000 } ?? true
        var windows = full ? [:] : cached!.windows
        if let cached, cached.folded != folded { windows = windows.filter { $0.key <= now - 86_400_000 } }
        let missing = stride(from: firstEnd, through: lastEnd, by: Int(width)).filter { windows[$0] == nil }
        if let first = missing.first, let last = missing.last {
            let points = try await quality.series(model: slo.model, version: slo.version, range: (first - width)..<last, granularity: width, trailing: width)
            for (end, profile) in points where end % width == 0 {
                windows[end] = SLICounts(window: QualitySummary(profile: profile, predictions: nil, windowEnd: end, now: now), indicator: indicator)
            }
        }
        windows = windows.filter { $0.key >= firstEnd }
        qualityWindows.withLock { $0[slo.name] = (full ? now : cached!.fullAt, folded, windows) }
        var counts: [Int64: SLICounts] = [:]
        for length in slo.windowLengths {
            counts[length] = windows.filter { $0.key > now - length }.values.reduce(SLICounts(good: 0, total: 0), +)
        }
        return SLOStatus(slo: slo, counts: counts)
    }

    private func setSLOMetrics(_ statuses: [SLOStatus]) {
        for status in statuses {
            let labels = [("slo", status.slo.name), ("model_name", status.slo.model)]
            metrics.gauge(.sloBudgetRemaining, labels).set(to: status.budgetRemaining)
            metrics.gauge(.sloObjective, labels).set(to: status.slo.objective)
            for (length, burn) in status.burnRates where burn.isFinite {
                metrics.gauge(.sloBurnRate, labels + [("window", PrometheusDuration.format(milliseconds: length))]).set(to: burn)
            }
        }
    }

    /// Where people reach Vigil: `external_url`, or the address it listens on.
    private var externalURL: String {
        configuration.alerting.externalURL ?? listeningURL.withLock { $0 } ?? "http://\(configuration.host):\(configuration.port)"
    }

    /// Sends the alerts that are due; returns the fingerprints Alertmanager took.
    private func deliver(_ instances: [String: AlertInstance], with alertmanager: AlertmanagerClient, now: Int64) async -> [String] {
        let policy = configuration.alerting.alertmanagerPolicy
        let due = instances.values.filter { policy.isDue($0, now: now) }.sorted { $0.fingerprint < $1.fingerprint }
        guard !due.isEmpty else { return [] }
        let base = externalURL
        let alerts = due.map { AlertmanagerClient.alert($0, policy: policy, now: now, generatorURL: "\(base)/alerts?fingerprint=\($0.fingerprint)#alert-\($0.fingerprint)") }
        do {
            try await alertmanager.post(alerts)
            metrics.recordNotification(receiver: "alertmanager", result: "sent", count: alerts.count)
            return due.map(\.fingerprint)
        } catch {
            metrics.recordNotification(receiver: "alertmanager", result: "failed", count: alerts.count)
            logger.warning("alert delivery failed; will retry at the next evaluation", metadata: ["error": "\(error)", "alerts": "\(alerts.count)"])
            return []
        }
    }
}
