public import Hummingbird
import Foundation
import HTTPTypes
import VigilDashboard

/// Checks `Authorization: Bearer <token>` against the configured tokens and records the granted scopes.
///
/// With no tokens configured (loopback only, enforced at start) every request gets every scope. Health
/// probes pass without a token so orchestrators can call them; everything else needs one.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = VigilRequestContext
    let tokens: [APIToken]
    static let openPaths: Set<String> = ["/healthz", "/readyz", "/runbooks", "/signin", "/assets/dashboard.css", "/assets/dashboard.js", "/assets/favicon.svg"]

    /// The dashboard's pages: a browser without a token is sent to the sign-in page rather than answered 401.
    static func isPage(_ path: String) -> Bool { path == "/" || path == "/alerts" || path == "/slos" || path.hasPrefix("/models/") }

    /// A cookie's value from the Cookie headers.
    static func cookie(_ name: String, in headers: HTTPFields) -> String? {
        for header in headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
            }
        }
        return nil
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if tokens.isEmpty {
            context.scopes = Set(APIToken.Scope.allCases)
            return try await next(request, context)
        }
        if Self.openPaths.contains(request.uri.path) { return try await next(request, context) }
        // A signed-in browser's cookie counts for reading (GET, HEAD) and for the dashboard's own actions, which
        // also need the form token; every other change needs the Authorization header, which another site cannot
        // make a browser send.
        let readOnly = request.method == .get || request.method == .head
        let presented: [UInt8]
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            presented = Array(header.utf8.dropFirst("Bearer ".utf8.count))
        } else if readOnly || request.uri.path.hasPrefix("/actions/"), let cookie = Self.cookie(DashboardRoutes.cookieName, in: request.headers) {
            // Page actions (POST /actions/…) also check the form token that only Vigil's own pages carry.
            presented = Array(cookie.utf8)
        } else if readOnly, Self.isPage(request.uri.path) {
            return DashboardRoutes.redirect("/signin?next=" + DashboardQuery.percentEncoded(request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")))
        } else {
            throw Problem(
                .unauthorized, "unauthorized", title: "Unauthorized", detail: "send an API token as 'Authorization: Bearer <token>'",
                headers: [.wwwAuthenticate: "Bearer"]
            )
        }
        guard let matched = APIToken.matching(presented, in: tokens) else {
            if readOnly, Self.isPage(request.uri.path) { return DashboardRoutes.redirect("/signin?next=" + DashboardQuery.percentEncoded(request.uri.path)) }
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
