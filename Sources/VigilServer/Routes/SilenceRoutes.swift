import Foundation
import Hummingbird
import VigilAlerting
import VigilCore
import VigilStore

/// Silences (`GET`, `POST /v1/silences`, `DELETE /v1/silences/{id}` to expire one) and the delivery log of
/// Vigil's own receivers (`GET /v1/notifications`).
struct SilenceRoutes {
    let store: any Store
    let clock: WallClock

    struct SilenceEntry: Encodable {
        var id: String
        var matchers: [String]
        var startsAt: String
        var endsAt: String
        var createdBy: String
        var comment: String
        /// `pending`, `active` or `expired`.
        var state: String
    }

    struct SilenceList: Encodable {
        var schema = "vigil.silences.v1"
        var silences: [SilenceEntry]
    }

    /// What `POST /v1/silences` takes, as Alertmanager's API v2 does (times RFC 3339), plus `duration` as an
    /// alternative to `endsAt`.
    struct NewSilence: Decodable {
        var matchers: [String]
        var startsAt: String?
        var endsAt: String?
        var duration: String?
        var createdBy: String
        var comment: String
    }

    struct Delivery: Encodable {
        var id: Int64
        var receiver: String
        var groupKey: String
        var status: String
        var createdAt: String
        var attempts: Int
        var deliveredAt: String?
        var nextAttemptAt: String?
        var lastError: String?
        var abandonedAt: String?
    }

    struct DeliveryLog: Encodable {
        var schema = "vigil.notifications.v1"
        var notifications: [Delivery]
    }

    func register(on router: Router<VigilRequestContext>) {
        router.get("/v1/silences") { _, context in try await list(context) }
        router.post("/v1/silences") { request, context in try await create(request, context) }
        router.delete("/v1/silences/:id") { request, context in try await expire(request, context) }
        router.get("/v1/notifications") { request, context in try await deliveries(request, context) }
    }

    static func entry(_ silence: Silence, now: Int64) -> SilenceEntry {
        SilenceEntry(
            id: silence.id, matchers: silence.matchers, startsAt: Timestamp.formatRFC3339(milliseconds: silence.startsAt),
            endsAt: Timestamp.formatRFC3339(milliseconds: silence.endsAt), createdBy: silence.createdBy, comment: silence.comment, state: silence.state(at: now)
        )
    }

    private func list(_ context: VigilRequestContext) async throws -> Response {
        try context.require(.read)
        let now = clock.milliseconds()
        return try JSONResponse.make(SilenceList(silences: try await store.silences().map { Self.entry($0, now: now) }))
    }

    private func create(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.admin)
        var request = request
        let bytes = try await request.collectBytes(limit: 64 << 10)
        let body: NewSilence
        do { body = try JSONDecoder().decode(NewSilence.self, from: Data(bytes)) } catch {
            throw Problem(.badRequest, "invalid-body", title: "Invalid request body", detail: "a silence is {matchers, createdBy, comment, endsAt or duration, startsAt?}: \(error)")
        }
        for (index, matcher) in body.matchers.enumerated() where LabelMatcher(parsing: matcher) == nil {
            throw Problem.badParameter("matchers[\(index)]", "\(matcher) is not a matcher such as model_name=\"fraud\" or severity=~\"warning|info\"")
        }
        guard !body.matchers.isEmpty else { throw Problem.badParameter("matchers", "a silence needs at least one matcher") }
        guard !body.createdBy.isEmpty, !body.comment.isEmpty else { throw Problem.badParameter("createdBy", "a silence says who made it and why (createdBy, comment)") }
        let now = clock.milliseconds()
        var startsAt = now
        if let text = body.startsAt {
            guard let value = Timestamp.parseRFC3339(text) else { throw Problem.badParameter("startsAt", "must be an RFC 3339 time") }
            startsAt = max(now, value)
        }
        let endsAt: Int64
        switch (body.endsAt, body.duration) {
        case (let text?, nil):
            guard let value = Timestamp.parseRFC3339(text) else { throw Problem.badParameter("endsAt", "must be an RFC 3339 time") }
            endsAt = value
        case (nil, let text?):
            guard let value = PrometheusDuration.milliseconds(text), value > 0 else { throw Problem.badParameter("duration", "must be a duration such as 2h") }
            endsAt = startsAt + value
        default: throw Problem.badParameter("endsAt", "give endsAt or duration, one of them")
        }
        guard endsAt > startsAt else { throw Problem.badParameter("endsAt", "must be after startsAt") }
        let silence = Silence(id: UUID().uuidString.lowercased(), matchers: body.matchers, startsAt: startsAt, endsAt: endsAt, createdBy: body.createdBy, comment: body.comment)
        try await store.saveSilence(silence)
        return try JSONResponse.make(Self.entry(silence, now: now), status: .created)
    }

    private func expire(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.admin)
        let id = request.pathParameter("id", context) ?? ""
        guard var silence = try await store.silences().first(where: { $0.id == id }) else { throw Problem.notFound("no silence has the id \(id)") }
        let now = clock.milliseconds()
        if silence.endsAt > now {
            silence.endsAt = max(now, silence.startsAt)
            try await store.saveSilence(silence)
        }
        return try JSONResponse.make(Self.entry(silence, now: now))
    }

    private func deliveries(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.read)
        let limit = try request.count("limit", in: 1...1000, default: 100)
        let time = Timestamp.formatRFC3339(milliseconds:)
        let entries = try await store.notifications(limit: limit).map { entry in
            Delivery(
                id: entry.id, receiver: entry.receiver, groupKey: entry.groupKey, status: entry.status, createdAt: time(entry.createdAt), attempts: entry.attempts,
                deliveredAt: entry.deliveredAt.map(time), nextAttemptAt: entry.deliveredAt == nil && entry.abandonedAt == nil ? time(entry.nextAttemptAt) : nil,
                lastError: entry.lastError, abandonedAt: entry.abandonedAt.map(time)
            )
        }
        return try JSONResponse.make(DeliveryLog(notifications: entries))
    }
}
