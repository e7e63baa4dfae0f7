import Foundation
import Hummingbird
import VigilAlerting
import VigilCore
import VigilStore

/// The remediation hooks' audit log (`GET /v1/hooks/runs`, read scope) and approvals
/// (`POST /v1/hooks/runs/{id}/approve`, admin scope; the approver is the token's name).
struct HookRoutes {
    let service: AlertService
    let store: any Store

    struct Run: Encodable {
        var id: Int64
        var hook: String
        var key: String
        var trigger: String
        var fingerprint: String
        var labels: [String: String]
        var state: String
        var action: [String]
        var createdAt: String
        var startedAt: String?
        var finishedAt: String?
        var exitStatus: Int32?
        var output: String?
        var outputBytes: Int?
        var approvedBy: String?
        var reason: String?
    }

    struct Runs: Encodable {
        var schema = "vigil.hook-runs.v1"
        var runs: [Run]
    }

    func register(on router: Router<VigilRequestContext>) {
        router.get("/v1/hooks/runs") { request, context in try await list(request, context) }
        router.post("/v1/hooks/runs/:id/approve") { request, context in try await approve(request, context) }
    }

    static func entry(_ run: HookRun) -> Run {
        let time = Timestamp.formatRFC3339(milliseconds:)
        return Run(
            id: run.id, hook: run.hook, key: run.key, trigger: run.trigger.rawValue, fingerprint: run.fingerprint, labels: run.labels, state: run.state.rawValue,
            action: run.action, createdAt: time(run.createdAt), startedAt: run.startedAt.map(time), finishedAt: run.finishedAt.map(time), exitStatus: run.exitStatus,
            output: run.output, outputBytes: run.outputBytes, approvedBy: run.approvedBy, reason: run.reason
        )
    }

    private func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.read)
        let limit = try request.count("limit", in: 1...1000, default: 100)
        let runs = try await store.hookRuns(hook: request.query("hook"), fingerprint: request.query("fingerprint"), limit: limit)
        return try JSONResponse.make(Runs(runs: runs.map(Self.entry)))
    }

    private func approve(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.admin)
        guard let id = request.pathParameter("id", context).flatMap({ Int64($0) }) else { throw Problem.badParameter("id", "must be a hook run's number") }
        switch try await service.hooks.approve(id: id, by: context.tokenName ?? "anonymous (loopback, no tokens)") {
        case .notFound: throw Problem.notFound("no hook run has the id \(id)")
        case .notAwaiting(let run):
            throw Problem(.conflict, "not-awaiting-approval", title: "Not awaiting approval", detail: "hook run \(id) is \(run.state.rawValue), not awaiting approval")
        case .approved(let run): return try JSONResponse.make(Self.entry(run))
        }
    }
}
