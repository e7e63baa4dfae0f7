/// The `alerting:` section of the server's configuration, decoded: what the evaluator runs, and (later) what
/// `vigil export` writes and the dashboard shows.
public struct AlertingConfiguration: Sendable, Equatable {
    /// Milliseconds between evaluations (`evaluation_interval`, 15 s by default).
    public var evaluationInterval: Int64 = 15_000
    /// Alertmanager's base URL (`alertmanager.url`); nil sends to no Alertmanager.
    public var alertmanagerURL: String?
    /// Milliseconds between resends of an unchanged alert (`alertmanager.resend_delay`, 1 minute).
    public var resendDelay: Int64 = 60_000
    /// Milliseconds before a delivery attempt is abandoned (`alertmanager.timeout`, 10 s).
    public var timeout: Int64 = 10_000
    /// The URL people reach Vigil at (`external_url`), for the links in alerts; the listening address when nil.
    public var externalURL: String?
    /// The rules evaluated: the built-in ones (unless turned off) with their overrides, then the configured ones.
    public var rules: [AlertRule] = BuiltInRules.all
    /// The service-level objectives (`slos`), each with its burn-rate alerts.
    public var slos: [ServiceLevelObjective] = []
    /// Receivers Vigil sends to itself (`receivers`), for when there is no Alertmanager.
    public var receivers: [Receiver] = []
    /// The routing tree over ``receivers`` (`route`); nil routes nothing.
    public var route: NotificationRoute?
    /// Inhibition rules (`inhibit_rules`); by default a critical alert mutes the warnings of the same model.
    public var inhibitRules: [InhibitRule] = [.criticalMutesWarningOfTheSameModel]
    /// Remediation hooks (`hooks`).
    public var hooks: [RemediationHook] = []

    /// The defaults: a 15 s interval, no Alertmanager, the built-in rules.
    public init() {}

    /// Alertmanager's delivery timing for this configuration.
    public var alertmanagerPolicy: AlertmanagerPolicy {
        AlertmanagerPolicy(evaluationInterval: evaluationInterval, resendDelay: resendDelay)
    }
}
