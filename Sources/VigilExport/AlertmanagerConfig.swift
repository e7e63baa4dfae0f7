import VigilAlerting

/// The Alertmanager configuration for Vigil's alerts: the receivers and routing tree of the `alerting:` section
/// (or, without one, routes by severity and SLO tier), and its inhibition rules; `amtool check-config` accepts it.
///
/// Secrets stay out of the file: Slack URLs and SMTP passwords are read from files named after their variables
/// in ``ExportSettings/alertmanagerSecretsDirectory`` (`api_url_file`, `auth_password_file`); Alertmanager 0.25
/// reads a Telegram token only inline, so the file holds a placeholder naming the variable.
struct AlertmanagerConfig: Encodable {
    struct Route: Encodable {
        var receiver: String
        var matchers: [String]?
        var groupBy: [String]
        var groupWait: String
        var groupInterval: String
        var repeatInterval: String
        var `continue`: Bool?
        var routes: [Route]?

        enum CodingKeys: String, CodingKey {
            case receiver, matchers, groupBy = "group_by", groupWait = "group_wait", groupInterval = "group_interval",
                repeatInterval = "repeat_interval", `continue`, routes
        }

        init(_ route: NotificationRoute) {
            receiver = route.receiver
            matchers = route.matchers.isEmpty ? nil : route.matchers.map(\.description)
            groupBy = route.groupBy
            groupWait = PromQL.duration(route.groupWait)
            groupInterval = PromQL.duration(route.groupInterval)
            repeatInterval = PromQL.duration(route.repeatInterval)
            `continue` = route.continueMatching ? true : nil
            routes = route.routes.isEmpty ? nil : route.routes.map(Route.init)
        }
    }

    struct ReceiverEntry: Encodable {
        var name: String
        var webhookConfigs: [Webhook]?
        var slackConfigs: [Slack]?
        var telegramConfigs: [Telegram]?
        var emailConfigs: [Email]?

        enum CodingKeys: String, CodingKey {
            case name, webhookConfigs = "webhook_configs", slackConfigs = "slack_configs", telegramConfigs = "telegram_configs", emailConfigs = "email_configs"
        }
    }

    struct Webhook: Encodable {
        var url: String
        var sendResolved: Bool
        enum CodingKeys: String, CodingKey { case url, sendResolved = "send_resolved" }
    }

    struct Slack: Encodable {
        var apiURLFile: String
        var sendResolved: Bool
        enum CodingKeys: String, CodingKey { case apiURLFile = "api_url_file", sendResolved = "send_resolved" }
    }

    struct Telegram: Encodable {
        var botToken: String
        var chatID: Int64
        var apiURL: String
        var sendResolved: Bool
        enum CodingKeys: String, CodingKey { case botToken = "bot_token", chatID = "chat_id", apiURL = "api_url", sendResolved = "send_resolved" }
    }

    struct Email: Encodable {
        var to: String
        var from: String
        var smarthost: String
        var hello: String
        var authUsername: String?
        var authPasswordFile: String?
        var requireTLS: Bool
        var tlsConfig: TLS?
        var sendResolved: Bool
        struct TLS: Encodable {
            var caFile: String
            enum CodingKeys: String, CodingKey { case caFile = "ca_file" }
        }
        enum CodingKeys: String, CodingKey {
            case to, from, smarthost, hello, authUsername = "auth_username", authPasswordFile = "auth_password_file", requireTLS = "require_tls",
                tlsConfig = "tls_config", sendResolved = "send_resolved"
        }
    }

    struct Inhibit: Encodable {
        var sourceMatchers: [String]
        var targetMatchers: [String]
        var equal: [String]
        enum CodingKeys: String, CodingKey { case sourceMatchers = "source_matchers", targetMatchers = "target_matchers", equal }
    }

    var route: Route
    var receivers: [ReceiverEntry]
    var inhibitRules: [Inhibit]

    enum CodingKeys: String, CodingKey { case route, receivers, inhibitRules = "inhibit_rules" }

    /// Things a reader of the export must know (a placeholder to fill in, a receiver Alertmanager cannot take).
    var warnings: [String] = []

    private static let minute: Int64 = 60_000

    init(_ configuration: AlertingConfiguration, settings: ExportSettings) {
        var receivers: [ReceiverEntry] = []
        var warnings: [String] = []
        let directory = settings.alertmanagerSecretsDirectory.hasSuffix("/") ? String(settings.alertmanagerSecretsDirectory.dropLast()) : settings.alertmanagerSecretsDirectory
        for receiver in configuration.receivers {
            var entry = ReceiverEntry(name: receiver.name)
            switch receiver.kind {
            case .webhook(let url):
                entry.webhookConfigs = [Webhook(url: url, sendResolved: receiver.sendResolved)]
            case .slack(let variable):
                entry.slackConfigs = [Slack(apiURLFile: "\(directory)/\(variable)", sendResolved: receiver.sendResolved)]
            case .telegram(let variable, let chatID, let apiURL):
                guard let chat = Int64(chatID) else {
                    warnings.append("receiver \(receiver.name): Alertmanager takes a numeric Telegram chat_id, not \(chatID); the receiver is left without configs")
                    break
                }
                entry.telegramConfigs = [Telegram(botToken: "${\(variable)}", chatID: chat, apiURL: apiURL, sendResolved: receiver.sendResolved)]
                warnings.append(
                    "receiver \(receiver.name): replace the placeholder bot_token ${\(variable)} with the token (Alertmanager 0.25 reads it only inline; 0.26 and later take bot_token_file)"
                )
            case .email(let email):
                entry.emailConfigs = [
                    Email(
                        to: email.to.joined(separator: ", "), from: email.from, smarthost: "\(email.host):\(email.port)", hello: email.hello,
                        authUsername: email.username, authPasswordFile: email.passwordVariable.map { "\(directory)/\($0)" }, requireTLS: email.requireTLS,
                        tlsConfig: email.caFile.map { Email.TLS(caFile: $0) }, sendResolved: receiver.sendResolved
                    )
                ]
            }
            receivers.append(entry)
        }
        if let route = configuration.route {
            self.route = Route(route)
        } else {
            // Without a routing tree: everything to the first receiver (or nowhere), pages sooner and more often
            // than tickets, each SLO tier its own group so that a slower tier's notification names itself.
            let receiver = receivers.first?.name ?? "vigil-unrouted"
            if receivers.isEmpty {
                receivers.append(ReceiverEntry(name: receiver))
                warnings.append("no receivers in the alerting section: alerts are routed to vigil-unrouted, which notifies no one")
            }
            var root = NotificationRoute(receiver: receiver)
            root.routes = [
                NotificationRoute(
                    receiver: receiver, matchers: [LabelMatcher("alertname", .equal, "SLOErrorBudgetBurn")], groupBy: ["alertname", "slo", "tier"],
                    groupWait: 30_000, groupInterval: 5 * Self.minute, repeatInterval: 60 * Self.minute,
                    routes: [
                        NotificationRoute(receiver: receiver, matchers: [LabelMatcher("severity", .equal, "critical")], groupBy: ["alertname", "slo", "tier"], groupWait: 10_000, repeatInterval: 60 * Self.minute),
                        NotificationRoute(receiver: receiver, matchers: [LabelMatcher("severity", .equal, "warning")], groupBy: ["alertname", "slo", "tier"], repeatInterval: 12 * 60 * Self.minute),
                    ]
                ),
                NotificationRoute(receiver: receiver, matchers: [LabelMatcher("severity", .equal, "critical")], groupWait: 10_000, repeatInterval: 60 * Self.minute),
                NotificationRoute(receiver: receiver, matchers: [LabelMatcher("severity", .equal, "warning")], repeatInterval: 12 * 60 * Self.minute),
            ]
            self.route = Route(root)
        }
        self.receivers = receivers
        inhibitRules = configuration.inhibitRules.map {
            Inhibit(sourceMatchers: $0.source.map(\.description), targetMatchers: $0.target.map(\.description), equal: $0.equal)
        }
        self.warnings = warnings
    }
}
