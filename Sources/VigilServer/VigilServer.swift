import Foundation
import Hummingbird
public import Logging
import NIOCore
public import ServiceLifecycle
public import UnixSignals
import VigilAlerting
import VigilCore
public import VigilStore
import HTTPTypes

/// The monitoring server: opens the store, rebuilds the live profiles, and serves the HTTP API, `/metrics`
/// and the OpenAPI document until SIGTERM or SIGINT, then drains requests and flushes everything.
///
/// ```swift
/// var configuration = ServerConfiguration()
/// configuration.port = 0
/// let server = try await VigilServer.make(configuration: configuration, logger: logger) { port in print(port) }
/// try await server.run()
/// ```
public struct VigilServer: Sendable {
    /// The version reported by `vigil --version` and `vigil_build_info`.
    public static let version = "0.1.0-dev"

    public let configuration: ServerConfiguration
    public let store: any Store
    private let logger: Logger
    private let application: Application<RouterResponder<VigilRequestContext>>
    private let alerts: AlertService

    /// Opens the store under `configuration.dataDirectory`, recovers the live profiles from it, and builds
    /// the application. `onListening` receives the bound port once the server accepts connections.
    public static func make(
        configuration: ServerConfiguration, logger: Logger, clock: WallClock = .system, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> VigilServer {
        try configuration.validate()
        let store = try SQLiteStore(directory: configuration.dataDirectory)
        return try await make(configuration: configuration, store: store, logger: logger, clock: clock, onListening: onListening)
    }

    /// Builds the server on a given store (tests use this to share one store between restarts).
    /// - Parameter clock: where the time comes from (tests pass a ``ManualClock``'s).
    public static func make(
        configuration: ServerConfiguration, store: any Store, logger: Logger, clock: WallClock = .system,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> VigilServer {
        try configuration.validate()
        let metrics = VigilMetrics(maxLabelValues: configuration.maxLabelValues, version: VigilServer.version)
        let live = LiveStatistics(store: store, configuration: configuration, metrics: metrics, logger: logger, clock: clock)
        try await live.recover()
        var known: [String: Set<String>] = [:]
        for pair in try await store.modelVersions() { known[pair.model, default: []].insert(pair.version) }
        let cardinality = CardinalityGuard(maxModels: configuration.maxModels, maxVersionsPerModel: configuration.maxVersionsPerModel, known: known)
        let writer = GroupCommitWriter(store: store, live: live, metrics: metrics, maxQueuedRows: configuration.maxQueuedRows)
        let quality = QualityProfiles(
            store: store, bucketMilliseconds: Int64(configuration.bucketSeconds) * 1000, interval: .milliseconds(250), logger: logger,
            cacheBytes: configuration.windowCacheBytes / 4
        ) { folds in
            metrics.recordFolded(folds.count)
            for fold in folds where fold.replaced == nil {
                metrics.recordLabelDelay(model: fold.model, seconds: Double(fold.label.timestampMilliseconds - fold.prediction.timestampMilliseconds) / 1000)
            }
        }
        live.onBucketRetention { cutoff in quality.blocks.deleted(before: cutoff) }
        try await quality.catchUp()
        // Every window's numbers come from here: the monitor, the alerts, the summary and the dashboard share it.
        let windows = ModelWindows(configuration: configuration, store: store, live: live, quality: quality, cardinality: cardinality, clock: clock)
        let monitor = ModelMonitor(
            configuration: configuration, store: store, live: live, quality: quality, cardinality: cardinality, metrics: metrics, logger: logger, clock: clock,
            windows: windows
        )

        let alerts = AlertService(
            configuration: configuration, store: store, live: live, quality: quality, cardinality: cardinality, metrics: metrics, logger: logger, clock: clock,
            windows: windows
        )

        let router = Router(context: VigilRequestContext.self)
        router.add(middleware: ProblemMiddleware(logger: logger))
        router.add(middleware: AuthenticationMiddleware(tokens: configuration.tokens))
        OperationalRoutes(store: store, metrics: metrics).register(on: router)
        IngestRoutes(configuration: configuration, store: store, writer: writer, cardinality: cardinality, metrics: metrics, clock: clock).register(on: router)
        ModelRoutes(configuration: configuration, store: store, live: live, windows: windows, cardinality: cardinality, clock: clock).register(on: router)
        PerformanceRoutes(configuration: configuration, store: store, live: live, quality: quality, cardinality: cardinality, windows: windows, clock: clock).register(on: router)
        CompareRoutes(configuration: configuration, cardinality: cardinality, windows: windows, clock: clock).register(on: router)
        EstimatorRoutes(configuration: configuration, store: store, cardinality: cardinality, clock: clock).register(on: router)
        AlertRoutes(configuration: configuration, service: alerts, store: store, clock: clock).register(on: router)
        SilenceRoutes(store: store, clock: clock).register(on: router)
        HookRoutes(service: alerts, store: store).register(on: router)
        AlertmanagerWebhookRoutes(service: alerts, clock: clock).register(on: router)
        DashboardRoutes(
            data: DashboardData(configuration: configuration, store: store, live: live, windows: windows, cardinality: cardinality, alerts: alerts),
            tokens: configuration.tokens, clock: clock, secureCookie: configuration.alerting.externalURL?.hasPrefix("https://") == true
        ).register(on: router)
        router.add(middleware: UnmatchedRouteMiddleware(routes: router.routes))

        var application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vigil"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                alerts.listening(on: port)
                await onListening(port)
            },
            logger: logger
        )
        // Services stop in reverse order: the HTTP server drains first, then alerting and the monitor, then the last flush.
        application.addServices(live, quality, monitor, alerts)
        return VigilServer(configuration: configuration, store: store, logger: logger, application: application, alerts: alerts)
    }

    /// Evaluates every alert rule and SLO once, now, stores the result and delivers what is due: what the
    /// alerting service does every `evaluation_interval` (benchmarks and embedding programs call it directly).
    public func evaluateAlerts() async throws {
        try await alerts.evaluate()
    }

    /// Serves until SIGTERM or SIGINT, then shuts down gracefully.
    public func run() async throws {
        try await serviceGroup(gracefulShutdownSignals: [.sigterm, .sigint]).run()
    }

    /// The server as a service group to run; `triggerGracefulShutdown()` on it stops the server the way
    /// SIGTERM does (tests and embedding programs use this).
    public func serviceGroup(gracefulShutdownSignals: [UnixSignal]) -> ServiceGroup {
        ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: gracefulShutdownSignals, logger: logger))
    }
}

/// Turns errors that are not already HTTP answers into a problem: a store failure is a 500 that says
/// nothing was acknowledged, and is logged.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch let error as StoreError {
            logger.error("store failure", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            throw Problem(.internalServerError, "storage", title: "Storage failure", detail: "nothing from this request was acknowledged: \(error)")
        } catch {
            logger.error("unexpected failure", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            throw Problem(.internalServerError, "internal", title: "Internal error", detail: "\(error)")
        }
    }
}
