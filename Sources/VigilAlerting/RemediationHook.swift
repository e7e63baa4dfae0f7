/// An action run when an alert fires or resolves: a command (argv, no shell) or an HTTP call, with the alert's
/// labels and annotations in the environment and as JSON on its input (seeds 001 and 002: roll back, retrain,
/// restart).
public struct RemediationHook: Sendable, Equatable {
    /// What a hook does.
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

    /// The hook's name, unique in the configuration.
    public var name: String
    /// What it runs.
    public var action: Action
    /// Alerts the hook is for (every alert when empty).
    public var matchers: [LabelMatcher]
    /// When it runs (firing by default).
    public var on: Set<Trigger>
    /// Milliseconds a run may take before it is stopped (30 s by default).
    public var timeout: Int64
    /// Milliseconds after a run before the hook runs again for the same alert (10 minutes by default).
    public var cooldown: Int64
    /// Record what would run, run nothing.
    public var dryRun: Bool
    /// Wait for `POST /v1/hooks/runs/{id}/approve` before running.
    public var requiresApproval: Bool

    /// A hook with the defaults: on firing, 30 s timeout, 10 minutes of cooldown, no dry run, no approval.
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
