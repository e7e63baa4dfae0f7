import Foundation
import Hummingbird
import VigilCore
import VigilRender
import VigilStats

/// `GET /v1/models/{model}/compare?baseline=…&candidate=…`: a candidate version against a baseline over a
/// window (``ComparisonDocument``), with `metrics`, `guardrails`, `mode`, `tuning`, `alpha`, `correction` and
/// `split` as ``ComparisonPlan`` reads them.
struct CompareRoutes {
    let configuration: ServerConfiguration
    let cardinality: CardinalityGuard
    let windows: ModelWindows
    let clock: WallClock

    func register(on router: Router<VigilRequestContext>) {
        router.get("/v1/models/:model/compare") { request, context in try await compare(request, context) }
    }

    private func compare(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.read)
        let model = try request.modelName(context, limits: configuration.limits)
        guard let baseline = request.query("baseline") else { throw Problem.badParameter("baseline", "is required: the version to compare against") }
        guard let candidate = request.query("candidate") else { throw Problem.badParameter("candidate", "is required: the version being judged") }
        guard baseline != candidate else { throw Problem.badParameter("candidate", "is the baseline itself") }
        _ = try cardinality.versions(of: model, asked: baseline)
        _ = try cardinality.versions(of: model, asked: candidate)
        let plan: ComparisonPlan
        do {
            plan = try ComparisonPlan(
                metrics: request.query("metrics"),
                guardrails: request.query("guardrails"),
                mode: request.query("mode"),
                tuning: request.query("tuning"),
                alpha: request.query("alpha"),
                correction: request.query("correction"),
                split: request.query("split")
            )
        } catch {
            throw Problem(.badRequest, error.code.replacingOccurrences(of: "_", with: "-"), title: "Invalid parameter", detail: error.description)
        }
        let now = clock.milliseconds()
        let range = try WindowParameter.range(
            window: request.query("window") ?? (request.query("from") == nil ? "24h" : nil),
            from: request.query("from"),
            to: request.query("to"),
            now: now
        )
        let arms = try await windows.comparisonArms(model: model, baseline: baseline, candidate: candidate, range: range, now: now)
        let comparison = plan.run(baseline: arms.baseline, candidate: arms.candidate)
        let document = ComparisonDocument(
            comparison,
            model: model,
            baseline: baseline,
            candidate: candidate,
            window: ComparisonDocument.Window(
                from: Timestamp.formatRFC3339(milliseconds: range.lowerBound),
                to: Timestamp.formatRFC3339(milliseconds: range.upperBound),
                labelsMaturedBefore: arms.maturedBefore.map { Timestamp.formatRFC3339(milliseconds: $0) }
            )
        )
        return JSONResponse.make(data: try document.encoded())
    }
}
