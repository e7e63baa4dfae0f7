import Foundation
import Hummingbird
import VigilAlerting
import VigilCore

/// `POST /v1/alertmanager/webhook` (ingest scope): takes Alertmanager's webhook payload (version 4), so alerts
/// that an Alertmanager routes — Prometheus' own rules, or Vigil's delivered through it — get Vigil's audited
/// remediation hooks too. Each alert is offered to the hooks as Vigil's own are: once per firing (its
/// fingerprint and `startsAt` make the idempotency key), however often Alertmanager repeats the message.
struct AlertmanagerWebhookRoutes {
    let service: AlertService
    let clock: WallClock

    struct Payload: Decodable {
        struct Alert: Decodable {
            var status: String
            var labels: [String: String]
            var annotations: [String: String]?
            var startsAt: String
            var endsAt: String?
            var fingerprint: String?
        }

        var version: String?
        var alerts: [Alert]
    }

    struct Answer: Encodable {
        var received: Int
    }

    func register(on router: Router<VigilRequestContext>) {
        router.post("/v1/alertmanager/webhook") { request, context in try await receive(request, context) }
    }

    private func receive(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.ingest)
        var request = request
        let bytes = try await request.collectBytes(limit: 4 << 20)
        let payload: Payload
        do { payload = try JSONDecoder().decode(Payload.self, from: Data(bytes)) } catch {
            throw Problem(.badRequest, "invalid-body", title: "Invalid request body", detail: "not an Alertmanager webhook payload (version 4): \(error)")
        }
        var alerts: [AlertInstance] = []
        for (index, alert) in payload.alerts.enumerated() {
            guard alert.status == "firing" || alert.status == "resolved" else {
                throw Problem.badParameter("alerts[\(index)].status", "must be firing or resolved, not \(alert.status)")
            }
            guard let startsAt = Timestamp.parseRFC3339(alert.startsAt) else { throw Problem.badParameter("alerts[\(index)].startsAt", "must be an RFC 3339 time") }
            let endsAt = alert.endsAt.flatMap(Timestamp.parseRFC3339)
            alerts.append(
                AlertInstance(
                    fingerprint: alert.fingerprint ?? AlertInstance.fingerprint(alert.labels), rule: alert.labels["alertname"] ?? "alertmanager", labels: alert.labels,
                    annotations: alert.annotations ?? [:], state: alert.status == "firing" ? .firing : .resolved, activeAt: startsAt, firedAt: startsAt,
                    resolvedAt: alert.status == "resolved" ? endsAt : nil, lastTrueAt: startsAt, value: nil
                )
            )
        }
        try await service.hooks.offer(alerts, now: clock.milliseconds())
        return try JSONResponse.make(Answer(received: alerts.count))
    }
}
