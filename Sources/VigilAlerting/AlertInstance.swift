/// One alert of a rule: a rule applied to one model version (and feature, class…), identified by its labels.
///
/// An alert that is inactive has no instance. A resolved one is kept for ``AlertmanagerPolicy/resolvedRetention``
/// so its resolution can be sent again, as Prometheus does.
public struct AlertInstance: Sendable, Equatable, Codable {
    /// Where an alert stands; an inactive alert has no instance.
    public enum State: String, Sendable, Equatable, Codable {
        /// The condition holds, for less than the rule's `for`: never sent.
        case pending
        case firing
        /// It fired and no longer does; kept so the resolution is resent for a while.
        case resolved
    }

    /// The stable identity of ``labels``, as ``AlertInstance/fingerprint(_:)`` computes it.
    public var fingerprint: String
    /// The name of the rule (``AlertRule/name``) that made it.
    public var rule: String
    /// Its identity: `alertname`, `severity`, the model, version and sample labels, the rule's labels.
    public var labels: [String: String]
    /// Its text (`summary`, `description`…), filled in at the last evaluation.
    public var annotations: [String: String]
    /// Pending, firing, or resolved (and still resent).
    public var state: State
    /// When the condition first held in this activation (Prometheus' `ActiveAt`), milliseconds since 1970.
    public var activeAt: Int64
    /// When the alert began firing (Alertmanager's `startsAt`).
    public var firedAt: Int64?
    /// When it stopped firing.
    public var resolvedAt: Int64?
    /// When the condition last held.
    public var lastTrueAt: Int64
    /// The first evaluation at which a firing alert's condition no longer held, which `keep_firing_for` counts
    /// from (Prometheus' `KeepFiringSince`); nil while it holds.
    public var keepFiringSince: Int64?
    /// The metric's value at the last evaluation that had one.
    public var value: Double?
    /// When the alert was last delivered to Alertmanager (or the receivers); nil if never.
    public var lastSentAt: Int64?

    /// An alert with every field given.
    public init(
        fingerprint: String, rule: String, labels: [String: String], annotations: [String: String], state: State, activeAt: Int64,
        firedAt: Int64? = nil, resolvedAt: Int64? = nil, lastTrueAt: Int64, value: Double?, lastSentAt: Int64? = nil
    ) {
        self.fingerprint = fingerprint
        self.rule = rule
        self.labels = labels
        self.annotations = annotations
        self.state = state
        self.activeAt = activeAt
        self.firedAt = firedAt
        self.resolvedAt = resolvedAt
        self.lastTrueAt = lastTrueAt
        self.value = value
        self.lastSentAt = lastSentAt
    }

    /// A label set's identity: FNV-1a (64 bits) over the sorted names and values, in hexadecimal. Any order of
    /// the same labels gives the same fingerprint, and it is the same after a restart.
    public static func fingerprint(_ labels: [String: String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (name, value) in labels.sorted(by: { $0.key < $1.key }) {
            for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            hash = (hash ^ 0xff) &* 0x100_0000_01b3
            for byte in value.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            hash = (hash ^ 0xfe) &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
