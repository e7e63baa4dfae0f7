import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VigilAlerting
import VigilCore
import VigilDashboard
import VigilStore

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

    /// The cookie that carries a signed-in browser's token: HttpOnly, SameSite=Strict, accepted on GET and HEAD,
    /// and on the page actions (`POST /actions/…`) together with the form token.
    static let cookieName = "vigil_token"
    /// The double-submit form token: a random value in an HttpOnly, SameSite=Strict cookie that every action form
    /// repeats; another site can neither read it nor set it, so it cannot forge an action.
    static let csrfCookieName = "vigil_csrf"
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
        router.get("/alerts") { request, context in
            let csrf = Self.formToken(request)
            var response = try await page(request, context) { query, now in
                var view = try await data.alertsView(now: now)
                view.csrf = context.scopes.contains(.admin) ? csrf.value : nil
                return ("Alerts", .alerts, "/alerts", AlertsPage.body(view, query: query, now: now))
            }
            if csrf.isNew { response.headers[values: .setCookie].append(cookie(Self.csrfCookieName, csrf.value, maxAge: 43_200)) }
            return response
        }
        router.post("/actions/silence") { request, context in try await action(request, context) { form, now in
            let matchers = form.filter { $0.0 == "matcher" }.map(\.1)
            guard !matchers.isEmpty, matchers.allSatisfy({ LabelMatcher(parsing: $0) != nil }) else { return "a silence needs the alert's matchers" }
            guard let comment = form.last(where: { $0.0 == "comment" })?.1.trimmingCharacters(in: .whitespacesAndNewlines), !comment.isEmpty else {
                return "say why the alert is silenced"
            }
            guard let duration = form.last(where: { $0.0 == "duration" }).flatMap({ PrometheusDuration.milliseconds($0.1) }), duration > 0, duration <= 30 * 86_400_000 else {
                return "a silence lasts from a minute to 30 days"
            }
            let silence = Silence(
                id: UUID().uuidString.lowercased(), matchers: matchers, startsAt: now, endsAt: now + duration, createdBy: context.tokenName ?? "dashboard",
                comment: String(comment.prefix(500))
            )
            try await data.store.saveSilence(silence)
            return nil
        } }
        router.post("/actions/hooks/:id/approve") { request, context in
            let id = context.parameters.get("id").flatMap { Int64($0) }
            return try await action(request, context) { _, _ in
                guard let id else { return "a hook run is named by its number" }
                switch try await data.alerts.hooks.approve(id: id, by: context.tokenName ?? "anonymous (loopback, no tokens)") {
                case .notFound: return "no hook run has the id \(id)"
                case .notAwaiting(let run): return "hook run \(id) is \(run.state.rawValue), not awaiting approval"
                case .approved: return nil
                }
            }
        }
        router.post("/actions/silences/:id/expire") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await action(request, context) { _, now in
                guard var silence = try await data.store.silences().first(where: { $0.id == id }) else { return "no silence has the id \(id)" }
                if silence.endsAt > now {
                    silence.endsAt = max(now, silence.startsAt)
                    try await data.store.saveSilence(silence)
                }
                return nil
            }
        }
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
            response.headers[values: .setCookie] = [cookie(Self.cookieName, "", maxAge: 0)]
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

    /// A page action: the viewer must hold `admin`, the form must repeat the form-token cookie and come from this
    /// origin; `perform` answers nil when done (the browser goes back to the alerts page), or why it was not.
    private func action(
        _ request: Request, _ context: VigilRequestContext, perform: ([(String, String)], Int64) async throws -> String?
    ) async throws -> Response {
        let now = clock.milliseconds()
        guard context.scopes.contains(.admin) else {
            return Self.html(DashboardPage.problem(title: "Forbidden", detail: "this needs a token with the admin scope", now: now, generator: Self.generator), status: .forbidden)
        }
        var request = request
        let body = try await request.collectBytes(limit: 64 << 10)
        let form = Self.formPairs(String(decoding: body, as: UTF8.self))
        let presented = form.last { $0.0 == "csrf" }?.1 ?? ""
        let expected = AuthenticationMiddleware.cookie(Self.csrfCookieName, in: request.headers) ?? ""
        guard !expected.isEmpty, APIToken.constantTimeEquals(presented.utf8, expected.utf8), Self.sameOrigin(request) else {
            return Self.html(
                DashboardPage.problem(title: "Refused", detail: "the form is stale or came from another site: reload the page and try again", now: now, generator: Self.generator),
                status: .forbidden
            )
        }
        if let problem = try await perform(form, now) {
            return Self.html(DashboardPage.problem(title: "Not done", detail: problem, now: now, generator: Self.generator), status: .unprocessableContent)
        }
        let back = form.last { $0.0 == "back" }?.1
        return Self.redirect("/alerts" + (back.map { "?fingerprint=\(DashboardQuery.percentEncoded($0))#alert-\(DashboardQuery.percentEncoded($0))" } ?? ""))
    }

    /// Whether a posted form comes from this origin: its `Origin` header, when there is one, names this host.
    static func sameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let authority = request.head.authority, let host = URL(string: origin)?.host else { return false }
        return authority == host || authority.hasPrefix(host + ":")
    }

    /// The form token of this browser: its cookie's, or a fresh random one to set.
    static func formToken(_ request: Request) -> (value: String, isNew: Bool) {
        if let value = AuthenticationMiddleware.cookie(csrfCookieName, in: request.headers), value.count == 43 { return (value, false) }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let value = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return (value, true)
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Strict, and Secure behind HTTPS.
    func cookie(_ name: String, _ value: String, maxAge: Int) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict\(secureCookie ? "; Secure" : "")"
    }

    /// Checks the token from the form and keeps it in an HttpOnly, SameSite=Strict cookie. A form posted from
    /// another origin is refused.
    private func signIn(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
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

    /// `a=1&b=x%20y&b=z` (a form body) as its pairs in order, `+` as a space.
    static func formPairs(_ body: String) -> [(String, String)] {
        body.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            guard let key = parts.first, !key.isEmpty else { return nil }
            return (key, parts.count > 1 ? parts[1] : "")
        }
    }

    /// A form's fields, the last value of each.
    static func formFields(_ body: String) -> [String: String] {
        Dictionary(formPairs(body), uniquingKeysWith: { _, last in last })
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
