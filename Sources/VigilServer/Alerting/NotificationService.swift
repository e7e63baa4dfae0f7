import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import VigilAlerting
import VigilCore
import VigilStore

/// Routes alerts to Vigil's own receivers when there is no Alertmanager, as Alertmanager would: groups on the
/// route's timers, silences and inhibition, and a durable outbox.
///
/// ``dispatch(_:now:externalURL:)`` runs after each evaluation: it steps the dispatcher and stores the messages
/// it makes with the dispatcher's new state in one transaction. ``deliver(now:)`` then sends what the outbox
/// holds, recording every attempt; a failed one is retried with a growing delay (5 s, 10 s, … up to 5
/// minutes) for a day, then abandoned. A restart finds undelivered messages in the outbox and groups that
/// remember what they sent, so nothing is lost and nothing is sent again (except a message whose delivery
/// was cut short by the crash itself, which goes out once more).
final class NotificationService: Sendable {
    private let configuration: AlertingConfiguration
    private let store: any Store
    private let metrics: VigilMetrics
    private let logger: Logger
    private let environment: [String: String]
    private let client: HTTPClient
    private let dispatcher = Mutex<NotificationDispatcher?>(nil)
    private let receivers: [String: Receiver]

    /// Retries stop after a day.
    static let retryHorizon: Int64 = 86_400_000

    init(configuration: AlertingConfiguration, store: any Store, metrics: VigilMetrics, logger: Logger, environment: [String: String], client: HTTPClient = .shared) {
        self.configuration = configuration
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.environment = environment
        self.client = client
        receivers = Dictionary(configuration.receivers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Whether there is anything to route to.
    var isEnabled: Bool { configuration.route != nil }

    /// The silences in force at `now`, and why each alert is muted.
    func muting(_ alerts: [AlertInstance], now: Int64) async throws -> [String: NotificationDispatcher.Muting] {
        let silences = try await store.silences()
        return NotificationDispatcher.muted(alerts, silences: silences, inhibitRules: configuration.inhibitRules, now: now)
    }

    /// Steps the dispatcher over `alerts` and stores the messages it makes.
    func dispatch(_ alerts: [AlertInstance], now: Int64, externalURL: String) async throws {
        guard let route = configuration.route else { return }
        var state: NotificationDispatcher
        if let loaded = dispatcher.withLock({ $0 }) {
            state = loaded
        } else {
            state = try await store.dispatcherState() ?? NotificationDispatcher()
        }
        let muted = try await muting(alerts, now: now)
        let before = state
        let messages = state.step(alerts: alerts, route: route, muted: muted, sendResolved: { self.receivers[$0]?.sendResolved ?? true }, now: now)
        guard state != before || !messages.isEmpty else { return }
        var entries: [OutboxEntry] = []
        for message in messages {
            guard let receiver = receivers[message.receiver] else { continue }
            entries.append(
                OutboxEntry(
                    receiver: receiver.name, groupKey: message.groupKey, status: message.status,
                    body: try message.body(for: receiver, externalURL: externalURL, now: now), createdAt: now, nextAttemptAt: now
                )
            )
        }
        try await store.enqueue(entries, state: state)
        dispatcher.withLock { $0 = state }
    }

    /// Sends every due message of the outbox once.
    func deliver(now: Int64) async {
        let due: [OutboxEntry]
        do { due = try await store.dueNotifications(now: now, limit: 100) } catch {
            logger.error("the outbox could not be read", metadata: ["error": "\(error)"])
            return
        }
        for entry in due {
            let error = await send(entry)
            let next: Int64? = error == nil || now - entry.createdAt >= Self.retryHorizon ? nil : now + min(300_000, 5_000 << min(entry.attempts, 6))
            do {
                try await store.recordAttempt(id: entry.id, at: now, deliveredAt: error == nil ? now : nil, error: error, nextAttemptAt: next)
            } catch {
                logger.error("a delivery could not be recorded", metadata: ["error": "\(error)", "receiver": "\(entry.receiver)"])
            }
            metrics.recordNotification(receiver: entry.receiver, result: error == nil ? "sent" : "failed", count: 1)
            if let error {
                logger.warning(
                    "notification delivery failed", metadata: ["receiver": "\(entry.receiver)", "error": "\(error)", "retry": "\(next.map { "in \(($0 - now) / 1000) s" } ?? "abandoned")"]
                )
            }
        }
    }

    /// One attempt; nil when the receiver took it, else why not (never with the secret in it).
    private func send(_ entry: OutboxEntry) async -> String? {
        guard let receiver = receivers[entry.receiver] else { return "receiver \(entry.receiver) is no longer configured" }
        let url: String
        switch receiver.kind {
        case .webhook(let address): url = address
        case .slack(let variable):
            guard let address = environment[variable], !address.isEmpty else { return "environment variable \(variable) is not set" }
            url = address
        case .telegram(let variable, _, let api):
            guard let token = environment[variable], !token.isEmpty else { return "environment variable \(variable) is not set" }
            url = "\(api)/bot\(token)/sendMessage"
        case .email(let email):
            var password: String?
            if let variable = email.passwordVariable {
                guard let value = environment[variable], !value.isEmpty else { return "environment variable \(variable) is not set" }
                password = value
            }
            let text = String(decoding: entry.body, as: UTF8.self)
            let subject = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? "Vigil alert"
            let message = SMTPClient.message(from: email.from, to: email.to, subject: subject, body: text)
            let settings = SMTPClient.Settings(
                host: email.host, port: email.port, hello: email.hello, username: email.username, password: password, requireTLS: email.requireTLS,
                caFile: email.caFile, timeout: configuration.timeout
            )
            do {
                try await SMTPClient.send(message, from: email.from, to: email.to, settings: settings)
                return nil
            } catch {
                return "\(receiver.name): \(error)"
            }
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "vigil/\(VigilServer.version)")
        request.body = .bytes(ByteBuffer(bytes: entry.body))
        do {
            let response = try await client.execute(request, timeout: .milliseconds(configuration.timeout))
            _ = try? await response.body.collect(upTo: 64 << 10)
            return (200..<300).contains(Int(response.status.code)) ? nil : "\(receiver.name) answered \(response.status.code)"
        } catch {
            // An error about a Telegram or Slack URL would carry its secret: say what failed, not where.
            return receiver.secretVariable == nil ? "\(receiver.name) could not be reached: \(error)" : "\(receiver.name) could not be reached (\(type(of: error)))"
        }
    }
}
