import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VigilCore
import VigilDashboard

/// The built-in dashboard: `/` (models), `/models/{model}` (tabs), `/alerts`, `/slos`, its two assets, and a
/// sign-in that turns an API token into a cookie when tokens are configured.
///
/// Every page is rendered on the server from ``DashboardData``; every response carries a strict
/// Content-Security-Policy (scripts and styles only from the binary's own assets, nothing inline, no framing).
struct DashboardRoutes {
    let data: DashboardData
    let tokens: [APIToken]
    let clock: WallClock
    /// Whether the dashboard is reached over HTTPS (an `https` external URL): the cookie is then `Secure`.
    let secureCookie: Bool

    /// The cookie that carries a signed-in browser's token: HttpOnly, SameSite=Strict, accepted on GET and HEAD only.
    static let cookieName = "vigil_token"
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    static let generator = "Vigil \(VigilServer.version)"

    func register(on router: Router<VigilRequestContext>) {
        router.get("/") { request, context in try await page(request, context) { query, now in
            ("Models", .models, "/", ModelsPage.body(try await data.models(query: query, now: now), query: query, now: now))
        } }
        router.get("/models/:model") { request, context in
            let name = context.parameters.get("model") ?? ""
            return try await page(request, context) { query, now in
                let view = try await data.model(name, query: query, now: now)
                return (name, .models, "/models/" + DashboardQuery.percentEncoded(name), ModelPage.body(view, query: query, now: now))
            }
        }
        router.get("/alerts") { request, context in try await page(request, context) { query, now in
            ("Alerts", .alerts, "/alerts", AlertsPage.body(try await data.alertsView(now: now), query: query, now: now))
        } }
        router.get("/slos") { request, context in try await page(request, context) { query, now in
            ("SLOs", .slos, "/slos", SLOsPage.body(data.alerts.slos(), alerts: try await data.alerts.alerts(), query: query, now: now))
        } }
        router.get("/assets/dashboard.css") { _, _ in Self.asset(DashboardAssets.css, type: "text/css; charset=utf-8") }
        router.get("/assets/dashboard.js") { _, _ in Self.asset(DashboardAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("/assets/favicon.svg") { _, _ in Self.asset(DashboardAssets.icon, type: "image/svg+xml") }
        router.get("/signin") { request, _ in Self.html(Self.signInPage(next: request.uri.queryParameters.get("next"), failed: false), status: .ok) }
        router.post("/signin") { request, context in try await signIn(request, context) }
        router.post("/signout") { _, _ in
            var response = Self.redirect("/signin")
            response.headers[values: .setCookie] = ["\(Self.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict\(secureCookie ? "; Secure" : "")"]
            return response
        }
    }

    /// A page: the view's state from the query, the content from `content`, in the frame; a bad parameter or a
    /// missing model is a page that says so, with its status.
    private func page(
        _ request: Request, _ context: VigilRequestContext,
        content: (DashboardQuery, Int64) async throws -> (title: String, section: DashboardPage.Section, path: String, body: String)
    ) async throws -> Response {
        try context.require(.read)
        let now = clock.milliseconds()
        var items: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { items[String(key)] = String(value) }
        do {
            let query = try DashboardQuery.parse(items)
            let page = try await content(query, now)
            return Self.html(
                DashboardPage.render(title: page.title, section: page.section, path: page.path, query: query, now: now, generator: Self.generator, body: page.body),
                status: .ok
            )
        } catch let invalid as DashboardQuery.InvalidParameter {
            return Self.html(DashboardPage.problem(title: "Bad parameter: \(invalid.name)", detail: invalid.reason, now: now, generator: Self.generator), status: .badRequest)
        } catch let problem as Problem where problem.status == .notFound {
            return Self.html(DashboardPage.problem(title: "Not found", detail: problem.detail, now: now, generator: Self.generator), status: .notFound)
        }
    }

    /// Checks the token from the form and keeps it in an HttpOnly, SameSite=Strict cookie. A form posted from
    /// another origin is refused.
    private func signIn(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        if let origin = request.headers[.origin], let authority = request.head.authority, URL(string: origin).map({ url in
            url.host.map { host in authority == host || authority.hasPrefix(host + ":") } ?? false
        }) != true {
            throw Problem(.forbidden, "forbidden", title: "Forbidden", detail: "sign-in from another origin (\(origin)) is refused")
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
        response.headers[values: .setCookie] = ["\(Self.cookieName)=\(token); Path=/; Max-Age=43200; HttpOnly; SameSite=Strict\(secureCookie ? "; Secure" : "")"]
        return response
    }

    /// `a=1&b=x%20y` (a form body), `+` as a space.
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            if let key = parts.first { fields[key] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }

    /// A path on this server to go back to after signing in; anything else (another host, `//host`) goes home.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("\r"), !next.contains("\n") else { return "/" }
        return next
    }

    static func signInPage(next: String?, failed: Bool) -> String {
        let e = { (text: String) in text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "\"", with: "&quot;") }
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

    /// An HTML response with the security headers.
    static func html(_ text: String, status: HTTPResponse.Status) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func asset(_ text: String, type: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    static var securityHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        // Not no-referrer: with it a browser sends `Origin: null` on form posts, which the sign-in then refuses.
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        return headers
    }
}
