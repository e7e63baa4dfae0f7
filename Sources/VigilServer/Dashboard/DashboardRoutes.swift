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
        router.get("/") { request, context in
            try await page(request, context) { query, now in
                ("Models", .models, "/", ModelsPage.body(try await data.models(query: query, now: now), query: query, now: now))
            }
        }
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
        router.get("/slos") { request, context in
            try await page(request, context) { query, now in
                ("SLOs", .slos, "/slos", SLOsPage.body(
                    data.alerts.slos(), burndown: try await data.sloBurndown(now: now), alerts: try await data.alerts.alerts(), query: query, now: now))
            }
        }
        router.get("/assets/dashboard.css") { _, _ in Self.asset(DashboardAssets.css, type: "text/css; charset=utf-8") }
        router.get("/assets/dashboard.js") { _, _ in Self.asset(DashboardAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("/assets/favicon.svg") { _, _ in Self.asset(DashboardAssets.icon, type: "image/svg+xml") }
        registerSignIn(on: router)
        registerActions(on: router)
    }

    /// A page: the view's state from the query, the content from `content`, in the frame; a bad parameter or a
    /// missing model is a page that says so, with its status.
    func page(
        _ request: Request,
        _ context: VigilRequestContext,
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
                DashboardPage.render(
                    title: page.title,
                    section: page.section,
                    path: page.path,
                    query: query,
                    now: now,
                    generator: Self.generator,
                    body: page.body
                ),
                status: .ok
            )
        } catch let invalid as DashboardQuery.InvalidParameter {
            return Self.html(
                DashboardPage.problem(title: "Bad parameter: \(invalid.name)", detail: invalid.reason, now: now, generator: Self.generator),
                status: .badRequest
            )
        } catch let problem as Problem where problem.status == .notFound {
            return Self.html(
                DashboardPage.problem(title: "Not found", detail: problem.detail, now: now, generator: Self.generator),
                status: .notFound
            )
        }
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
