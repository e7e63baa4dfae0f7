import Foundation
import Hummingbird
import VigilCore
import VigilRender
import VigilStore
import VigilStats
import HTTPTypes

/// `GET /v1/models`, `GET /v1/models/{model}/summary`, `GET /v1/models/{model}/predictions/{id}` and
/// `PUT /v1/models/{model}/reference` (an uploaded dataset or profile, or a pinned production time range).
struct ModelRoutes {
    let configuration: ServerConfiguration
    let store: any Store
    let live: LiveStatistics
    /// The summary's numbers: the same window values the monitor, the alerts and the dashboard read.
    let windows: ModelWindows
    let cardinality: CardinalityGuard
    let clock: WallClock

    struct ModelEntry: Encodable {
        var name: String
        var versions: [String]
        var reference: SummaryDocument.Reference?
    }

    struct ModelList: Encodable { var models: [ModelEntry] }

    struct ReferenceAnswer: Encodable {
        var model: String
        var reference: SummaryDocument.Reference
        var columns: [String]
    }

    func register(on router: Router<VigilRequestContext>) {
        router.get("/v1/models") { _, context in try await models(context) }
        router.get("/v1/models/:model/summary") { request, context in try await summary(request, context) }
        router.get("/v1/models/:model/predictions/:id") { request, context in try await prediction(request, context) }
        router.put("/v1/models/:model/reference") { request, context in try await setReference(request, context) }
    }

    private func reference(_ stored: StoredReference) -> SummaryDocument.Reference {
        SummaryDocument.Reference(
            source: stored.source, rows: stored.profile.rowCount, setAt: Timestamp.formatRFC3339(milliseconds: stored.createdMilliseconds)
        )
    }

    private func models(_ context: VigilRequestContext) async throws -> Response {
        try context.require(.read)
        var entries: [ModelEntry] = []
        for (model, versions) in cardinality.models {
            entries.append(ModelEntry(name: model, versions: versions, reference: try await store.reference(model: model).map(reference)))
        }
        return try JSONResponse.make(ModelList(models: entries))
    }

    private func summary(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.read)
        let model = try request.modelName(context, limits: configuration.limits)
        let (versions, version) = try versions(of: model, request)
        let range = try WindowParameter.range(
            window: request.query("window"), from: request.query("from"), to: request.query("to"), now: clock.milliseconds()
        )
        let window = try await windows.window(model: model, version: version, range: range, needs: [.observations, .features, .report, .quality])
        let labels = try await store.labelCounts(model: model)
        let stored = try await store.reference(model: model)
        var document = SummaryDocument(
            model: model, version: version, versions: versions, window: range, profile: window.traffic,
            labels: (labels.labels, labels.matched),
            reference: stored.map { ($0.source, $0.profile.rowCount, $0.createdMilliseconds) }, report: window.report
        )
        if let summary = window.quality { document.quality = PerformanceDocument.quality(version, summary) }
        return JSONResponse.make(data: try document.encoded())
    }

    /// The versions of a model with predictions, and the one `?version=` names (nil: all of them).
    /// - Throws: 404 when the model has no predictions or no such version.
    private func versions(of model: String, _ request: Request) throws(Problem) -> (all: [String], chosen: String?) {
        try cardinality.versions(of: model, asked: request.query("version"))
    }

    private func prediction(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.read)
        let model = try request.modelName(context, limits: configuration.limits)
        let id = request.pathParameter("id", context) ?? ""
        guard let stored = try await store.prediction(model: model, id: id) else {
            throw Problem.notFound("model \"\(model)\" has no prediction \"\(id)\"")
        }
        // Written by hand: the events already know their JSON form.
        var answer = Array(#"{"position":\#(stored.position),"prediction":"#.utf8) + stored.event.wireJSON
        answer += Array(#","label":"#.utf8) + (stored.label?.wireJSON ?? Array("null".utf8)) + [UInt8(ascii: "}")]
        return JSONResponse.make(data: Data(answer))
    }

    private func setReference(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.admin)
        let model = try request.modelName(context, limits: configuration.limits)
        var request = request
        let body = try await request.collectBytes(limit: configuration.maxReferenceBytes)
        if request.query("from") != nil || request.query("to") != nil {
            guard body.isEmpty else { throw Problem.badParameter("from", "a reference is either a body or a time range (from/to), not both") }
            return try await pinReference(request, model: model)
        }
        let fileExtension = try UploadedDataset.fileExtension(of: body, contentType: request.headers[.contentType])
        let name = request.query("source") ?? "upload.\(fileExtension)"
        let profile = try UploadedDataset.profile(of: body, fileExtension: fileExtension, displayName: name, problem: "invalid-reference")
        let stored = StoredReference(profile: profile, source: name, createdMilliseconds: clock.milliseconds())
        try await store.setReference(stored, model: model)
        return try JSONResponse.make(ReferenceAnswer(model: model, reference: reference(stored), columns: profile.columnNames))
    }

    /// A reference pinned to production traffic: the model's features from `from` to `to` (default now),
    /// of one version with `version`, merged from the same live profiles as the summary. "Compare this week
    /// with the month after launch" needs no export of the data.
    private func pinReference(_ request: Request, model: String) async throws -> Response {
        guard let from = request.query("from") else { throw Problem.badParameter("from", "a time-range reference needs from (to defaults to now)") }
        let (_, version) = try versions(of: model, request)
        let range = try WindowParameter.range(window: nil, from: from, to: request.query("to"), now: clock.milliseconds())
        let traffic = try await live.window(model: model, version: version, range: range)
        let span = "\(Timestamp.formatRFC3339(milliseconds: range.lowerBound)) to \(Timestamp.formatRFC3339(milliseconds: range.upperBound))"
        guard traffic.requestCount > 0 else {
            throw Problem(.unprocessableContent, "invalid-reference", title: "Invalid reference", detail: "model \"\(model)\" has no predictions from \(span)")
        }
        let profile = traffic.features.datasetProfile()
        let source = "production " + (version.map { "version \($0), " } ?? "") + span
        let stored = StoredReference(profile: profile, source: source, createdMilliseconds: clock.milliseconds())
        try await store.setReference(stored, model: model)
        return try JSONResponse.make(ReferenceAnswer(model: model, reference: reference(stored), columns: profile.columnNames))
    }
}

