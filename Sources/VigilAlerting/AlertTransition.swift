/// A change of an alert's state, as the history keeps it.
public struct AlertTransition: Sendable, Equatable, Codable {
    /// When, in milliseconds since 1970.
    public var time: Int64
    /// The alert's fingerprint.
    public var fingerprint: String
    /// The rule that made the alert.
    public var rule: String
    /// The alert's labels.
    public var labels: [String: String]
    /// `inactive`, `pending`, `firing` or `resolved`.
    public var from: String
    /// The state it went to.
    public var to: String
    /// The metric's value at the transition, when there was one.
    public var value: Double?
    /// Why, when it is not the value: `no data`, `too few events`, `rule removed`.
    public var reason: String?

    /// A transition with every field given.
    public init(time: Int64, fingerprint: String, rule: String, labels: [String: String], from: String, to: String, value: Double?, reason: String? = nil) {
        self.time = time
        self.fingerprint = fingerprint
        self.rule = rule
        self.labels = labels
        self.from = from
        self.to = to
        self.value = value
        self.reason = reason
    }
}
