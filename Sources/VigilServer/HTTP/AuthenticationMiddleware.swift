public import Hummingbird
import HTTPTypes

/// Checks `Authorization: Bearer <token>` against the configured tokens and records the granted scopes.
///
/// With no tokens configured (loopback only, enforced at start) every request gets every scope. Health
/// probes pass without a token so orchestrators can call them; everything else needs one.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = VigilRequestContext
    let tokens: [APIToken]
    static let openPaths: Set<String> = ["/healthz", "/readyz", "/runbooks"]

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if tokens.isEmpty {
            context.scopes = Set(APIToken.Scope.allCases)
            return try await next(request, context)
        }
        if Self.openPaths.contains(request.uri.path) { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw Problem(
                .unauthorized, "unauthorized", title: "Unauthorized", detail: "send an API token as 'Authorization: Bearer <token>'",
                headers: [.wwwAuthenticate: "Bearer"]
            )
        }
        let presented = header.utf8.dropFirst("Bearer ".utf8.count)
        // Every token is compared, so the time taken does not depend on which one matched.
        var matched: APIToken?
        for token in tokens where APIToken.constantTimeEquals(presented, token.secret.utf8) { matched = token }
        guard let matched else {
            throw Problem(
                .unauthorized, "unauthorized", title: "Unauthorized", detail: "the API token is not valid",
                headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""]
            )
        }
        context.scopes = Set(APIToken.Scope.allCases.filter(matched.grants))
        context.tokenName = matched.name
        return try await next(request, context)
    }
}
