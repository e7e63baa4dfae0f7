import Hummingbird
import HTTPTypes

/// Answers requests that no route takes with a problem document instead of an empty 404: 405 with an
/// `Allow` header when the path exists under other methods, 404 naming the API description otherwise.
///
/// Added to the router after every route, so it wraps only the router's not-found responder.
struct UnmatchedRouteMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    /// Each route's path segments (a capture, `{name}`, matches any one segment) and method.
    private let routes: [(segments: [Substring], method: HTTPRequest.Method)]

    init(routes: [Router<VigilRequestContext>.RouteDescription]) {
        self.routes = routes.map { (Self.segments($0.path.description), $0.method) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = Self.segments(request.uri.path)
            let allowed = Set(routes.filter { Self.matches($0.segments, path) }.map(\.method.rawValue)).sorted()
            guard allowed.isEmpty else {
                throw Problem(
                    .methodNotAllowed, "method-not-allowed", title: "Method not allowed",
                    detail: "\(request.uri.path) takes \(allowed.joined(separator: ", ")), not \(request.method.rawValue)",
                    headers: [.allow: allowed.joined(separator: ", ")]
                )
            }
            throw Problem(
                .notFound, "no-endpoint", title: "No such endpoint",
                detail: "no endpoint \(request.method.rawValue) \(request.uri.path); the API is described at /openapi.yaml"
            )
        }
    }

    private static func segments(_ path: String) -> [Substring] { path.split(separator: "/", omittingEmptySubsequences: true) }

    private static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        pattern.count == path.count && zip(pattern, path).allSatisfy { $0.first == "{" || $0 == $1 }
    }
}
