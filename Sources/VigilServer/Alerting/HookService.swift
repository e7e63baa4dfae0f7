import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import VigilAlerting
import VigilCore
import VigilStore

/// Runs remediation hooks for firing and resolved alerts, guarded and audited.
///
/// Level-triggered: every evaluation offers each firing (and recently resolved) alert to each hook, and the
/// run's idempotency key (hook, alert, activation, trigger) is logged, uniquely, before anything runs. So a
/// hook runs at most once per firing however often alerts are evaluated, and a crash between an alert's
/// transition and its hook run only delays the run to the next evaluation. A run cut short by a crash is
/// marked `interrupted` at the next start and is not repeated by itself.
final class HookService: Sendable {
    private let hooks: [RemediationHook]
    private let store: any Store
    private let logger: Logger
    private let clock: WallClock
    private let client: HTTPClient
    /// Keys already logged (or found logged) by this process.
    private let known = Mutex<Set<String>>([])
    /// Runs in progress, so shutdown can wait for them.
    private let inFlight = Mutex<[Int64: Task<Void, Never>]>([:])

    init(hooks: [RemediationHook], store: any Store, logger: Logger, clock: WallClock, client: HTTPClient = .shared) {
        self.hooks = hooks
        self.store = store
        self.logger = logger
        self.clock = clock
        self.client = client
    }

    var isEnabled: Bool { !hooks.isEmpty }

    /// Marks the runs a previous process left `running` as interrupted.
    func recover() async throws {
        guard isEnabled else { return }
        for var run in try await store.hookRuns(hook: nil, fingerprint: nil, limit: 1000) where run.state == .running {
            run.state = .interrupted
            run.reason = "the server stopped while it ran; not run again by itself"
            try await store.updateHookRun(run)
        }
    }

    /// Offers every firing and resolved alert to every hook.
    func offer(_ alerts: [AlertInstance], now: Int64) async throws {
        guard isEnabled else { return }
        for alert in alerts.sorted(by: { $0.fingerprint < $1.fingerprint }) {
            let trigger: RemediationHook.Trigger
            switch alert.state {
            case .firing: trigger = .firing
            case .resolved: trigger = .resolved
            case .pending: continue
            }
            for hook in hooks {
                let key = hook.key(for: alert, trigger: trigger)
                guard hook.on.contains(trigger), !known.withLock({ $0.contains(key) }) else { continue }
                let previous = try await store.hookRuns(hook: hook.name, fingerprint: alert.fingerprint, limit: 50)
                defer { known.withLock { _ = $0.insert(key) } }
                guard let decision = HookGuard.decide(hook, alert: alert, trigger: trigger, previous: previous, now: now) else { continue }
                var run = HookRun(
                    hook: hook.name, key: key, trigger: trigger, fingerprint: alert.fingerprint, labels: alert.labels, state: .running,
                    action: Self.describe(hook.action), createdAt: now
                )
                switch decision {
                case .run: run.startedAt = now
                case .awaitApproval: run.state = .awaitingApproval
                case .dryRun: run.state = .dryRun
                case .skip(let reason):
                    run.state = .skipped
                    run.reason = reason
                }
                guard let logged = try await store.appendHookRun(run) else { continue }
                logger.info("hook \(hook.name): \(logged.state.rawValue)", metadata: ["alert": "\(alert.labels["alertname"] ?? alert.rule)", "key": "\(key)"])
                if decision == .run { start(logged, hook: hook, alert: alert) }
            }
        }
    }

    enum Approval {
        case notFound
        /// The run is not waiting for approval (already approved, run, skipped…).
        case notAwaiting(HookRun)
        case approved(HookRun)
    }

    /// Approves a run waiting for it and starts it.
    func approve(id: Int64, by approver: String) async throws -> Approval {
        guard var run = try await store.hookRun(id: id) else { return .notFound }
        guard run.state == .awaitingApproval else { return .notAwaiting(run) }
        guard let hook = hooks.first(where: { $0.name == run.hook }) else {
            run.state = .failed
            run.reason = "hook \(run.hook) is no longer configured"
            try await store.updateHookRun(run)
            return .approved(run)
        }
        let alert = try await store.alerts().first { $0.fingerprint == run.fingerprint }
            ?? AlertInstance(fingerprint: run.fingerprint, rule: run.labels["alertname"] ?? run.hook, labels: run.labels, annotations: [:], state: .resolved, activeAt: run.createdAt, lastTrueAt: run.createdAt, value: nil)
        run.state = .running
        run.approvedBy = approver
        run.startedAt = clock.milliseconds()
        try await store.updateHookRun(run)
        start(run, hook: hook, alert: alert)
        return .approved(run)
    }

    /// Waits for the runs in progress (tests, and a graceful shutdown).
    func waitForRuns() async {
        let tasks = inFlight.withLock { Array($0.values) }
        for task in tasks { await task.value }
    }

    static func describe(_ action: RemediationHook.Action) -> [String] {
        switch action {
        case .command(let argv): argv
        case .http(let url): ["POST", url]
        }
    }

    private func start(_ run: HookRun, hook: RemediationHook, alert: AlertInstance) {
        let task = Task {
            var run = run
            let started = ContinuousClock.now
            let outcome = await self.execute(hook, alert: alert, run: run)
            run.finishedAt = self.clock.milliseconds()
            run.exitStatus = outcome.status
            run.outputBytes = outcome.output.count
            run.output = Self.digest(outcome.output)
            run.state = outcome.status == 0 ? .succeeded : .failed
            run.reason = outcome.reason
            do { try await self.store.updateHookRun(run) } catch {
                self.logger.error("a hook run could not be recorded", metadata: ["hook": "\(hook.name)", "error": "\(error)"])
            }
            self.logger.info(
                "hook \(hook.name) \(run.state.rawValue)", metadata: ["status": "\(outcome.status)", "seconds": "\((ContinuousClock.now - started).components.seconds)"]
            )
            _ = self.inFlight.withLock { $0.removeValue(forKey: run.id) }
        }
        inFlight.withLock { $0[run.id] = task }
    }

    /// The first and last kilobyte of the output when it is longer than two.
    static func digest(_ output: Data) -> String {
        let text = String(decoding: output, as: UTF8.self)
        guard text.utf8.count > 2048 else { return text }
        return String(decoding: output.prefix(1024), as: UTF8.self) + "\n… (\(output.count - 2048) bytes left out) …\n" + String(decoding: output.suffix(1024), as: UTF8.self)
    }

    /// The alert as the hook receives it (JSON on its input, or the HTTP body).
    static func payload(_ alert: AlertInstance, run: HookRun) -> Data {
        let object: [String: Any] = [
            "hook": run.hook, "key": run.key, "trigger": run.trigger.rawValue, "fingerprint": alert.fingerprint, "labels": alert.labels,
            "annotations": alert.annotations, "startsAt": Timestamp.formatRFC3339(milliseconds: alert.firedAt ?? alert.activeAt),
            "value": alert.value.flatMap { $0.isFinite ? $0 : nil } as Any,
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    private func execute(_ hook: RemediationHook, alert: AlertInstance, run: HookRun) async -> (status: Int32, output: Data, reason: String?) {
        let input = Self.payload(alert, run: run)
        switch hook.action {
        case .http(let url):
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Idempotency-Key", value: run.key)
            request.body = .bytes(ByteBuffer(bytes: input))
            do {
                let response = try await client.execute(request, timeout: .milliseconds(hook.timeout))
                let body = (try? await response.body.collect(upTo: 64 << 10)).map { Data($0.readableBytesView) } ?? Data()
                let code = Int32(response.status.code)
                return ((200..<300).contains(Int(code)) ? 0 : code, body, (200..<300).contains(Int(code)) ? nil : "answered \(code)")
            } catch {
                return (-1, Data(), "the call failed: \(error)")
            }
        case .command(let argv):
            var environment = ProcessInfo.processInfo.environment
            environment["VIGIL_HOOK"] = hook.name
            environment["VIGIL_HOOK_KEY"] = run.key
            environment["VIGIL_ALERT_STATUS"] = run.trigger.rawValue
            environment["VIGIL_ALERT_FINGERPRINT"] = alert.fingerprint
            environment["VIGIL_ALERT_NAME"] = alert.labels["alertname"] ?? alert.rule
            for (name, value) in alert.labels { environment["VIGIL_LABEL_\(Self.environmentName(name))"] = value }
            for (name, value) in alert.annotations { environment["VIGIL_ANNOTATION_\(Self.environmentName(name))"] = value }
            return await Self.run(argv, input: input, environment: environment, timeout: hook.timeout)
        }
    }

    /// `model_name` → `MODEL_NAME`.
    static func environmentName(_ label: String) -> String {
        String(label.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// Runs a program without a shell, its output read on a thread of its own; past `timeout` it is terminated
    /// (SIGTERM, then SIGKILL a second later).
    static func run(_ argv: [String], input: Data, environment: [String: String], timeout: Int64) async -> (status: Int32, output: Data, reason: String?) {
        guard let program = argv.first else { return (-1, Data(), "no command") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = Array(argv.dropFirst())
        process.environment = environment
        let stdin = Pipe()
        let output = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = output
        let exited = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        do { try process.run() } catch { return (-1, Data(), "\(program) could not be started: \(error)") }
        try? stdin.fileHandleForWriting.write(contentsOf: input)
        try? stdin.fileHandleForWriting.close()
        let reader = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
        let timedOut = Mutex(false)
        let timer = Task {
            try? await Task.sleep(for: .milliseconds(timeout))
            guard !Task.isCancelled, process.isRunning else { return }
            timedOut.withLock { $0 = true }
            process.terminate()
            try? await Task.sleep(for: .seconds(1))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        var iterator = exited.stream.makeAsyncIterator()
        let status = await iterator.next() ?? -1
        timer.cancel()
        let data = await reader.value
        return (status, data, timedOut.withLock { $0 } ? "stopped after \(timeout / 1000) s (timeout)" : status == 0 ? nil : "exited with status \(status)")
    }
}
