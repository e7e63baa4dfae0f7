import Foundation
import HTTPTypes
import Hummingbird
import VigilAlerting
import VigilCore
import VigilDashboard
import VigilRender
import VigilStore

/// Signing in with an API token: `/signin` keeps it in an HttpOnly, SameSite=Strict cookie, `/signout` clears it.
extension DashboardRoutes {
    func registerSignIn(on router: Router<VigilRequestContext>) {
        router.get("/signin") { request, _ in Self.html(Self.signInPage(next: request.uri.queryParameters.get("next"), failed: false), status: .ok) }
        router.post("/signin") { request, context in try await signIn(request, context) }
        router.post("/signout") { _, _ in
            var response = Self.redirect("/signin")
            response.headers[values: .setCookie] = [cookie(Self.cookieName, "", maxAge: 0)]
            return response
        }
    }

    /// Checks the token from the form and keeps it in an HttpOnly, SameSite=Strict cookie. A form posted from
    /// another origin is refused.
    func signIn(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        guard Self.sameOrigin(request) else {
            throw Problem(.forbidden, "forbidden", title: "Forbidden", detail: "a sign-in from another origin is refused")
        }
        var request = request
        let body = try await request.collectBytes(limit: 16 << 10)
        let form = Self.formFields(String(decoding: body, as: UTF8.self))
        let next = Self.safeNext(form["next"])
        let token = form["token"] ?? ""
        guard let matched = APIToken.matching(token, in: tokens), matched.grants(.read) else {
            return Self.html(Self.signInPage(next: next, failed: !tokens.isEmpty), status: .unauthorized)
        }
        var response = Self.redirect(next)
        response.headers[values: .setCookie] = [cookie(Self.cookieName, token, maxAge: 43_200)]
        return response
    }

    /// A path on this server to go back to after signing in; anything else (another host, `//host`) goes home.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("\r"), !next.contains("\n") else {
            return "/"
        }
        return next
    }

    static func signInPage(next: String?, failed: Bool) -> String {
        let e = HTMLEscaping.escape
        return """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · Vigil</title>
            <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/assets/dashboard.css"></head><body><main id="main"><h1>Sign in to Vigil</h1>
            \(failed ? "<p class=\"problem\" role=\"alert\">That token is not valid, or lacks the read scope.</p>" : "")
            <form method="post" action="/signin"><input type="hidden" name="next" value="\(e(safeNext(next)))">
            <p><label>API token <input type="password" name="token" autocomplete="current-password" required autofocus></label></p>
            <p><button type="submit">Sign in</button></p></form>
            <p class="lead">A token with the <code>read</code> scope shows the pages; it is kept in an HttpOnly cookie for 12 hours.</p></main></body></html>
            """
    }
}
