import Foundation
import Hummingbird
import VigilCore
import VigilStore
import HTTPTypes

/// `POST /v1/models/{model}/predictions` and `POST /v1/models/{model}/labels`.
///
/// A batch is all or nothing unless the client sends `?partial=true`; then the valid rows are stored and
/// the answer lists, row by row, what was stored and what was refused and why. A 200 answer means the
/// stored rows are committed.
struct IngestRoutes {
    let configuration: ServerConfiguration
    let store: any Store
    let writer: GroupCommitWriter
    let cardinality: CardinalityGuard
    let metrics: VigilMetrics
    /// The time given to events sent without one.
    let clock: WallClock

    /// What a prediction request stored: `stored` (rows newly stored), `duplicates` (ids already stored
    /// before: resent, not counted again), `ids` (each row's id in request order, assigned by Vigil when
    /// the row had none; null for a refused row) and `rejected` (refused rows, with `?partial=true`).
    /// Written by hand: it is the answer to every ingestion request, and JSONEncoder costs more than the
    /// rest of a one-event request.
    static func answer(stored: Int, duplicates: [String], ids: [String?], rejected: [EventRowError]) -> [UInt8] {
        var writer = JSONWriter(capacity: 64 + ids.count * 36)
        writer.raw("{")
        writer.key("stored", first: true)
        writer.number(Int64(stored))
        writer.key("duplicates")
        writer.array(duplicates) { $0.string($1) }
        writer.key("ids")
        writer.array(ids) { writer, id in if let id { writer.string(id) } else { writer.null() } }
        writer.key("rejected")
        writer.array(rejected) { $1.write(to: &$0) }
        writer.raw("}")
        return writer.bytes
    }

    /// What a label request stored: `stored`, `replaced` (prediction ids whose earlier label was replaced),
    /// `late` (prediction ids whose label came more than the lateness after the prediction: stored, not
    /// counted in model quality) and `rejected` (refused rows, with `?partial=true`).
    static func answer(stored: Int, replaced: [String], late: [String], rejected: [EventRowError]) -> [UInt8] {
        var writer = JSONWriter(capacity: 64)
        writer.raw("{")
        writer.key("stored", first: true)
        writer.number(Int64(stored))
        writer.key("replaced")
        writer.array(replaced) { $0.string($1) }
        writer.key("late")
        writer.array(late) { $0.string($1) }
        writer.key("rejected")
        writer.array(rejected) { $1.write(to: &$0) }
        writer.raw("}")
        return writer.bytes
    }

    func register(on router: Router<VigilRequestContext>) {
        router.post("/v1/models/:model/predictions") { request, context in try await predictions(request, context) }
        router.post("/v1/models/:model/labels") { request, context in try await labels(request, context) }
    }

    /// Reads and validates a request's rows: the caller's scope, the model name, the media type, the body
    /// size, each row, and the all-or-nothing rule.
    private func decode<Event>(
        _ request: Request, _ context: VigilRequestContext,
        _ rows: (EventWireFormat, [UInt8], EventBodyLayout) throws(EventRowError) -> EventBatch<Event>
    ) async throws -> (model: String, batch: EventBatch<Event>, body: [UInt8]) {
        try context.require(.ingest)
        var request = request
        let model = try request.modelName(context, limits: configuration.limits)
        guard let layout = EventBodyLayout(contentType: request.headers[.contentType]) else {
            throw Problem(
                .unsupportedMediaType, "unsupported-media-type", title: "Unsupported media type",
                detail: "send application/json (an object or an array) or application/x-ndjson"
            )
        }
        let partial: Bool
        switch request.query("partial") {
        case nil, "false"?: partial = false
        case "true"?: partial = true
        case let other?: throw Problem.badParameter("partial", "must be true or false, not \(other)")
        }
        let body = try await request.collectBytes(limit: configuration.limits.maxBodyBytes)
        let batch: EventBatch<Event>
        do { batch = try rows(EventWireFormat(limits: configuration.limits, now: clock.milliseconds()), body, layout) } catch {
            metrics.recordRejected(1, reason: "invalid_body")
            throw Problem.invalidBody(error)
        }
        try check(batch.errors, rowCount: batch.rowCount, partial: partial, valid: batch.events.count)
        return (model, batch, body)
    }

    private func predictions(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let (model, batch, body) = try await decode(request, context) { (format, body, layout) throws(EventRowError) in
            try format.predictions(in: body, layout: layout)
        }
        try cardinality.admit(model: model, versions: Self.versions(of: batch.events))
        let result: AppendResult
        do {
            result = try await writer.submit(PredictionBatch(model: model, events: batch.events, payloadBytes: body, payloadRanges: batch.sources))
        } catch is GroupCommitWriter.Overloaded {
            metrics.recordRejected(batch.rowCount, reason: "overloaded")
            throw Problem(
                .serviceUnavailable, "overloaded", title: "Overloaded",
                detail: "the commit queue is full (max_queued_rows \(configuration.maxQueuedRows)); retry after a second",
                headers: [.retryAfter: "1"]
            )
        }
        // Counted here, in the request's own task, so the single writer spends its time committing.
        metrics.recordCommitted(model: model, events: batch.events, positions: result.positions)
        metrics.recordDuplicates(result.alreadyPresent.count)
        var ids = [String?](repeating: nil, count: batch.rowCount)
        for (row, event) in zip(batch.rows, batch.events) { ids[row] = event.id }
        return JSONResponse.make(data: Data(Self.answer(stored: result.stored, duplicates: result.alreadyPresent, ids: ids, rejected: batch.errors)))
    }

    /// The distinct versions of a batch, which nearly always has one: hashed only where it changes.
    private static func versions(of events: [PredictionEvent]) -> Set<String> {
        var versions = Set<String>()
        var last: String?
        for event in events where event.version != last {
            versions.insert(event.version)
            last = event.version
        }
        return versions
    }

    private func labels(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let (model, batch, _) = try await decode(request, context) { (format, body, layout) throws(EventRowError) in
            try format.labels(in: body, layout: layout)
        }
        let result = try await store.append(labels: batch.events, model: model, lateness: configuration.labelLatenessSeconds.map { Int64($0) * 1000 })
        metrics.recordLabels(result.stored)
        return JSONResponse.make(data: Data(Self.answer(stored: result.stored, replaced: result.alreadyPresent, late: result.late, rejected: batch.errors)))
    }

    /// All-or-nothing unless partial acceptance was asked for; a batch with no valid row is refused either way.
    private func check(_ errors: [EventRowError], rowCount: Int, partial: Bool, valid: Int) throws(Problem) {
        guard !errors.isEmpty else { return }
        if !partial || valid == 0 {
            metrics.recordRejected(partial ? errors.count : rowCount, reason: "invalid_rows")
            throw Problem.invalidRows(errors, rowCount: rowCount)
        }
        metrics.recordRejected(errors.count, reason: "invalid_rows")
    }
}
