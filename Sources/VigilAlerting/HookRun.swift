/// A hook run as the audit log keeps it.
public struct HookRun: Sendable, Equatable, Codable {
    /// Where a run stands.
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

    /// Its number in the audit log.
    public var id: Int64
    /// The hook.
    public var hook: String
    /// Its idempotency key (``RemediationHook/key(for:trigger:)``).
    public var key: String
    /// Firing or resolved.
    public var trigger: RemediationHook.Trigger
    /// The alert it ran for.
    public var fingerprint: String
    /// That alert's labels.
    public var labels: [String: String]
    /// Its state.
    public var state: State
    /// What runs: the argv, or `POST URL`.
    public var action: [String]
    /// When it was logged.
    public var createdAt: Int64
    /// When it started running.
    public var startedAt: Int64?
    /// When it ended.
    public var finishedAt: Int64?
    /// The command's exit status (0 for an HTTP call answered 2xx, the status code otherwise).
    public var exitStatus: Int32?
    /// The first and last kilobytes of what it printed, and how much.
    public var output: String?
    /// How many bytes it printed.
    public var outputBytes: Int?
    /// The name of the token that approved it.
    public var approvedBy: String?
    /// Why it was skipped, failed or interrupted.
    public var reason: String?

    /// A run with every field given.
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
