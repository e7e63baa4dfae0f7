public import Foundation
import VigilCore

/// Where notifications go when Vigil routes them itself (no Alertmanager): a webhook that takes Alertmanager's
/// webhook payload (so existing receivers work), a Slack incoming webhook, or a Telegram bot.
///
/// Secrets (Slack's URL, the bot token) are named by environment variable and read when a message is sent;
/// they are never stored or logged.
public struct Receiver: Sendable, Equatable {
    /// How messages are sent.
    public enum Kind: Sendable, Equatable {
        case webhook(url: String)
        /// The incoming-webhook URL is read from this environment variable.
        case slack(urlVariable: String)
        /// The bot token is read from `tokenVariable`; `apiURL` is Telegram's (`https://api.telegram.org`) unless changed.
        case telegram(tokenVariable: String, chatID: String, apiURL: String)
        case email(Email)
    }

    /// Email over SMTP, as Alertmanager's `email_configs` (the password from the environment).
    public struct Email: Sendable, Equatable {
        /// Recipients.
        public var to: [String]
        /// The sender address.
        public var from: String
        /// The SMTP server (`smarthost`'s host).
        public var host: String
        /// Its port (587 for submission with STARTTLS).
        public var port: Int
        /// The AUTH PLAIN user; no authentication when nil.
        public var username: String?
        /// The environment variable holding the password.
        public var passwordVariable: String?
        /// Refuse to send without STARTTLS (default true, Alertmanager's `smtp_require_tls`).
        public var requireTLS: Bool
        /// Certificates to trust instead of the system's.
        public var caFile: String?
        /// The EHLO name (default `localhost`, Alertmanager's `smtp_hello`).
        public var hello: String

        /// Email settings; STARTTLS required, EHLO `localhost`, as Alertmanager's defaults.
        public init(
            to: [String], from: String, host: String, port: Int, username: String? = nil, passwordVariable: String? = nil, requireTLS: Bool = true,
            caFile: String? = nil, hello: String = "localhost"
        ) {
            self.to = to
            self.from = from
            self.host = host
            self.port = port
            self.username = username
            self.passwordVariable = passwordVariable
            self.requireTLS = requireTLS
            self.caFile = caFile
            self.hello = hello
        }
    }

    /// The name routes refer to.
    public var name: String
    /// How messages are sent.
    public var kind: Kind
    /// Whether resolutions are sent: by default yes for webhooks and Telegram, no for Slack, as Alertmanager.
    public var sendResolved: Bool

    /// A receiver; `sendResolved` nil takes Alertmanager's default for its kind.
    public init(name: String, kind: Kind, sendResolved: Bool? = nil) {
        self.name = name
        self.kind = kind
        if let sendResolved {
            self.sendResolved = sendResolved
        } else if case .slack = kind {
            self.sendResolved = false
        } else if case .email = kind {
            self.sendResolved = false
        } else {
            self.sendResolved = true
        }
    }

    /// The environment variable this receiver reads a secret from, if any.
    public var secretVariable: String? {
        switch kind {
        case .webhook: nil
        case .slack(let variable): variable
        case .telegram(let variable, _, _): variable
        case .email(let email): email.passwordVariable
        }
    }
}

extension NotificationDispatcher.Notification {
    /// `firing` when any alert of the message fires, else `resolved`.
    public var status: String { firing.isEmpty ? "resolved" : "firing" }

    /// The message's body for `receiver`: Alertmanager's webhook payload (version 4), Slack's `{"text": …}` or
    /// Telegram's `sendMessage` arguments.
    public func body(for receiver: Receiver, externalURL: String, now: Int64) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch receiver.kind {
        case .webhook: return try encoder.encode(webhookPayload(receiver: receiver.name, externalURL: externalURL, now: now))
        case .slack: return try encoder.encode(["text": text(externalURL: externalURL)])
        case .telegram(_, let chatID, _):
            return try encoder.encode(["chat_id": chatID, "text": text(externalURL: externalURL), "disable_web_page_preview": "true"])
        case .email:
            // The subject is the text's first line; the message itself is written when it is sent.
            return Data(text(externalURL: externalURL).utf8)
        }
    }

    /// Alertmanager's webhook payload, version 4.
    struct WebhookPayload: Encodable {
        struct Alert: Encodable {
            var status: String
            var labels: [String: String]
            var annotations: [String: String]
            var startsAt: String
            var endsAt: String
            var generatorURL: String
            var fingerprint: String
        }

        var version = "4"
        var groupKey: String
        var truncatedAlerts = 0
        var status: String
        var receiver: String
        var groupLabels: [String: String]
        var commonLabels: [String: String]
        var commonAnnotations: [String: String]
        var externalURL: String
        var alerts: [Alert]
    }

    func webhookPayload(receiver: String, externalURL: String, now: Int64) -> WebhookPayload {
        let all = firing + resolved
        func common(_ maps: [[String: String]]) -> [String: String] {
            guard let first = maps.first else { return [:] }
            return first.filter { entry in maps.allSatisfy { $0[entry.key] == entry.value } }
        }
        let alerts = all.map { alert in
            WebhookPayload.Alert(
                status: alert.state == .resolved ? "resolved" : "firing", labels: alert.labels, annotations: alert.annotations,
                startsAt: Timestamp.formatRFC3339(milliseconds: alert.firedAt ?? alert.activeAt), endsAt: alert.resolvedAt.map { Timestamp.formatRFC3339(milliseconds: $0) } ?? "0001-01-01T00:00:00Z",
                generatorURL: "\(externalURL)/alerts?fingerprint=\(alert.fingerprint)#alert-\(alert.fingerprint)", fingerprint: alert.fingerprint
            )
        }
        return WebhookPayload(
            groupKey: groupKey, status: status, receiver: receiver, groupLabels: groupLabels, commonLabels: common(all.map(\.labels)),
            commonAnnotations: common(all.map(\.annotations)), externalURL: externalURL, alerts: alerts
        )
    }

    /// Plain text for chat: `[FIRING:2] MLModelHighLatency fraud`, then one line per alert with its summary.
    public func text(externalURL: String) -> String {
        var lines = ["[\(status.uppercased())\(firing.isEmpty ? "" : ":\(firing.count)")] \(groupLabels.sorted { $0.key < $1.key }.map(\.value).joined(separator: " "))"]
        for alert in firing { lines.append("🔥 \(alert.annotations["summary"] ?? alert.labels["alertname"] ?? alert.rule)") }
        for alert in resolved { lines.append("✅ resolved: \(alert.annotations["summary"] ?? alert.labels["alertname"] ?? alert.rule)") }
        lines.append("\(externalURL)/v1/alerts")
        return lines.joined(separator: "\n")
    }
}
