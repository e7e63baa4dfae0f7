import Foundation
import Hummingbird
import VigilCore
import VigilRender
import VigilStats
import VigilStore

/// `GET /v1/models/{model}/compare?baseline=…&candidate=…`: a candidate version against a baseline over a
/// window (``ComparisonDocument``), with `metrics`, `guardrails`, `mode`, `tuning`, `alpha`, `correction` and
/// `split` as ``ComparisonPlan`` reads them. With `paired=true` (shadow traffic), the requests both versions
/// scored are paired by the predictions' `request_id`, and accuracy, mae and mean latency are tested request by
/// request.
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
        let paired: Bool
        switch request.query("paired") {
        case nil, "false": paired = false
        case "true": paired = true
        case let other?: throw Problem.badParameter("paired", "must be true or false, not \"\(other)\"")
        }
        let now = clock.milliseconds()
        let range = try WindowParameter.range(
            window: request.query("window") ?? (request.query("from") == nil ? "24h" : nil),
            from: request.query("from"),
            to: request.query("to"),
            now: now
        )
        let arms = try await windows.comparisonArms(model: model, baseline: baseline, candidate: candidate, range: range, now: now)
        var pairs: ShadowPairs?
        if paired {
            pairs = try await windows.pairs(
                model: model,
                baseline: baseline,
                candidate: candidate,
                range: range,
                maturedBefore: arms.maturedBefore,
                now: now
            )
            if pairs!.paired == 0 {
                throw Problem(
                    .unprocessableContent,
                    "nothing-paired",
                    title: "No request to pair",
                    detail:
                        "no request of \(baseline) in the window has a prediction of \(candidate) with the same request_id (\(pairs!.baselineRows) and \(pairs!.candidateRows) request ids): send request_id with both versions' predictions"
                )
            }
        }
        let comparison = plan.run(baseline: arms.baseline, candidate: arms.candidate, pairs: pairs)
        let document = ComparisonDocument(
            comparison,
            model: model,
            baseline: baseline,
            candidate: candidate,
            window: ComparisonDocument.Window(
                from: Timestamp.formatRFC3339(milliseconds: range.lowerBound),
                to: Timestamp.formatRFC3339(milliseconds: range.upperBound),
                labelsMaturedBefore: arms.maturedBefore.map { Timestamp.formatRFC3339(milliseconds: $0) }
            ),
            pairedBy: paired ? "request_id" : nil
        )
        return JSONResponse.make(data: try document.encoded())
    }
}
