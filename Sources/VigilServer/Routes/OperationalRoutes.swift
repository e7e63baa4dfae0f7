import Foundation
import Hummingbird
import NIOCore
import VigilRender
import VigilStore
import HTTPTypes

/// `GET /healthz` (the process answers), `GET /readyz` (the store answers), `GET /metrics` (Prometheus text
/// format), `GET /openapi.yaml` (the API description) and `GET /runbooks` (what each shipped alert means and
/// what to do, where alerts' `runbook_url` points).
struct OperationalRoutes {
    let store: any Store
    let metrics: VigilMetrics

    func register(on router: Router<VigilRequestContext>) {
        router.get("/healthz") { _, _ in JSONResponse.make(data: Data(#"{"status":"ok"}"#.utf8)) }
        router.get("/readyz") { _, _ in
            do {
                _ = try await store.watermark(LiveStatistics.watermarkName)
                return JSONResponse.make(data: Data(#"{"status":"ready"}"#.utf8))
            } catch {
                throw Problem(.serviceUnavailable, "not-ready", title: "Not ready", detail: "the store does not answer: \(error)")
            }
        }
        router.get("/metrics") { _, context in
            try context.require(.read)
            metrics.refreshProcessMetrics()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
            )
        }
        router.get("/openapi.yaml") { _, _ in
            guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"), let data = try? Data(contentsOf: url) else {
                throw Problem.notFound("the OpenAPI document is missing from this build")
            }
            return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        // Open like /healthz: a responder following an alert's link may hold no token, and the page is documentation.
        router.get("/runbooks") { _, _ in
            guard let url = Bundle.module.url(forResource: "runbooks", withExtension: "md"), let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw Problem.notFound("the runbooks are missing from this build")
            }
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: MarkdownPage.render(text, title: "Vigil runbooks")))
            )
        }
    }
}
