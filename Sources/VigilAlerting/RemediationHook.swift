/// An action run when an alert fires or resolves: a command (argv, no shell) or an HTTP call, with the alert's
/// labels and annotations in the environment and as JSON on its input (seeds 001 and 002: roll back, retrain,
/// restart).
public struct RemediationHook: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// The program and its arguments, run directly (no shell).
        case command([String])
        /// A POST of the alert's JSON to this URL.
        case http(url: String)
    }

    /// When the hook runs.
    public enum Trigger: String, Sendable, Equatable, CaseIterable, Codable {
        case firing, resolved
    }

    public var name: String
    public var action: Action
    /// Alerts the hook is for (every alert when empty).
    public var matchers: [LabelMatcher]
    public var on: Set<Trigger>
    /// Milliseconds a run may take before it is stopped (30 s by default).
    public var timeout: Int64
    /// Milliseconds after a run before the hook runs again for the same alert (10 minutes by default).
    public var cooldown: Int64
    /// Record what would run, run nothing.
    public var dryRun: Bool
    /// Wait for `POST /v1/hooks/runs/{id}/approve` before running.
    public var requiresApproval: Bool

    public init(
        name: String, action: Action, matchers: [LabelMatcher] = [], on: Set<Trigger> = [.firing], timeout: Int64 = 30_000, cooldown: Int64 = 600_000,
        dryRun: Bool = false, requiresApproval: Bool = false
    ) {
        self.name = name
        self.action = action
        self.matchers = matchers
        self.on = on
        self.timeout = timeout
        self.cooldown = cooldown
        self.dryRun = dryRun
        self.requiresApproval = requiresApproval
    }

    /// The idempotency key of a run: the hook, the alert's fingerprint, the start of its activation and the
    /// trigger. One firing of one alert runs a hook at most once, however often it is evaluated or restarted.
    public func key(for alert: AlertInstance, trigger: Trigger) -> String {
        "\(name)/\(alert.fingerprint)/\(alert.firedAt ?? alert.activeAt)/\(trigger.rawValue)"
    }
}

/// A hook run as the audit log keeps it.
public struct HookRun: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Equatable, Codable {
        /// Waiting for approval through the API.
        case awaitingApproval = "awaiting_approval"
        case running
        case succeeded
        case failed
        /// Dry run: recorded, not run.
        case dryRun = "dry_run"
        /// Within the cooldown of the last run for the same alert, or another run of it in flight.
        case skipped
        /// The server stopped (or was killed) while it ran; it is not run again by itself.
        case interrupted
    }

    public var id: Int64
    public var hook: String
    public var key: String
    public var trigger: RemediationHook.Trigger
    public var fingerprint: String
    public var labels: [String: String]
    public var state: State
    /// What runs: the argv, or `POST URL`.
    public var action: [String]
    public var createdAt: Int64
    public var startedAt: Int64?
    public var finishedAt: Int64?
    public var exitStatus: Int32?
    /// The first and last kilobytes of what it printed, and how much.
    public var output: String?
    public var outputBytes: Int?
    public var approvedBy: String?
    public var reason: String?

    public init(
        id: Int64 = 0, hook: String, key: String, trigger: RemediationHook.Trigger, fingerprint: String, labels: [String: String], state: State, action: [String],
        createdAt: Int64, startedAt: Int64? = nil, finishedAt: Int64? = nil, exitStatus: Int32? = nil, output: String? = nil, outputBytes: Int? = nil,
        approvedBy: String? = nil, reason: String? = nil
    ) {
        self.id = id
        self.hook = hook
        self.key = key
        self.trigger = trigger
        self.fingerprint = fingerprint
        self.labels = labels
        self.state = state
        self.action = action
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitStatus = exitStatus
        self.output = output
        self.outputBytes = outputBytes
        self.approvedBy = approvedBy
        self.reason = reason
    }
}

/// Decides, without I/O, what a transition does to each hook: run, wait for approval, record a dry run, skip
/// (cooldown, one in flight), or nothing (already run for this key, not matched, not its trigger).
public enum HookGuard {
    public enum Decision: Sendable, Equatable {
        case run, awaitApproval, dryRun
        case skip(String)
    }

    /// - Parameters:
    ///   - previous: the runs already logged for this hook and alert (any key), newest first.
    public static func decide(
        _ hook: RemediationHook, alert: AlertInstance, trigger: RemediationHook.Trigger, previous: [HookRun], now: Int64
    ) -> Decision? {
        guard hook.on.contains(trigger), hook.matchers.allMatch(alert.labels) else { return nil }
        let key = hook.key(for: alert, trigger: trigger)
        // Idempotency: this activation's trigger has a run already (done, waiting, running or skipped).
        if previous.contains(where: { $0.key == key }) { return nil }
        if previous.contains(where: { $0.state == .running || $0.state == .awaitingApproval }) { return .skip("a run for this alert is in flight") }
        if let last = previous.first(where: { $0.state == .succeeded || $0.state == .failed || $0.state == .running }), let started = last.startedAt,
           now - started < hook.cooldown {
            return .skip("cooldown: the last run started \((now - started) / 1000) s ago")
        }
        if hook.dryRun { return .dryRun }
        return hook.requiresApproval ? .awaitApproval : .run
    }
}
