import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import VigilAlerting
import VigilCore

/// One alert as Alertmanager's API v2 takes it (`POST /api/v2/alerts`).
struct AlertmanagerAlert: Encodable, Equatable {
    var labels: [String: String]
    var annotations: [String: String]
    var startsAt: String
    var endsAt: String
    var generatorURL: String
}

/// Delivers alerts to an Alertmanager over its API v2.
struct AlertmanagerClient: Sendable {
    /// What went wrong with a delivery, for the log and the delivery counter.
    struct DeliveryError: Error, CustomStringConvertible {
        var description: String
    }

    let baseURL: String
    let timeout: Int64
    let client: HTTPClient

    init(baseURL: String, timeout: Int64, client: HTTPClient = .shared) {
        self.baseURL = baseURL
        self.timeout = timeout
        self.client = client
    }

    /// Posts `alerts` in one request; Alertmanager answers 200 when it took them all.
    func post(_ alerts: [AlertmanagerAlert]) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var request = HTTPClientRequest(url: "\(baseURL)/api/v2/alerts")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "vigil/\(VigilServer.version)")
        request.body = .bytes(ByteBuffer(bytes: try encoder.encode(alerts)))
        let response: HTTPClientResponse
        do { response = try await client.execute(request, timeout: .milliseconds(timeout)) } catch {
            throw DeliveryError(description: "Alertmanager at \(baseURL) did not answer: \(error)")
        }
        let body = try? await response.body.collect(upTo: 64 << 10)
        guard (200..<300).contains(Int(response.status.code)) else {
            let text = body.map { String(buffer: $0) } ?? ""
            throw DeliveryError(description: "Alertmanager at \(baseURL) answered \(response.status.code): \(text.prefix(500))")
        }
    }

    /// The alert as Alertmanager receives it at `now`, with Prometheus' `startsAt` (when it fired) and `endsAt`.
    static func alert(_ instance: AlertInstance, policy: AlertmanagerPolicy, now: Int64, generatorURL: String) -> AlertmanagerAlert {
        AlertmanagerAlert(
            labels: instance.labels, annotations: instance.annotations,
            startsAt: Timestamp.formatRFC3339(milliseconds: instance.firedAt ?? instance.activeAt),
            endsAt: Timestamp.formatRFC3339(milliseconds: policy.endsAt(instance, now: now)), generatorURL: generatorURL
        )
    }
}
