import Foundation
import HTTPTypes
import Hummingbird
import VigilAlerting
import VigilCore
import VigilDashboard
import VigilStore

/// The dashboard's actions: silence an alert, expire a silence, approve a hook run. Each needs the `admin` scope and
/// the page's form token (double submit: a random HttpOnly, SameSite=Strict cookie that the form repeats), and comes
/// back to the alerts page.
extension DashboardRoutes {
    func registerActions(on router: Router<VigilRequestContext>) {
        router.post("/actions/silence") { request, context in
            try await action(request, context) { form, now in
                let matchers = form.filter { $0.0 == "matcher" }.map(\.1)
                guard !matchers.isEmpty, matchers.allSatisfy({ LabelMatcher(parsing: $0) != nil }) else {
                    return "a silence needs the alert's matchers"
                }
                guard let comment = form.last(where: { $0.0 == "comment" })?.1.trimmingCharacters(in: .whitespacesAndNewlines), !comment.isEmpty
                else {
                    return "say why the alert is silenced"
                }
                guard let duration = form.last(where: { $0.0 == "duration" }).flatMap({ PrometheusDuration.milliseconds($0.1) }), duration > 0,
                    duration <= 30 * 86_400_000
                else {
                    return "a silence lasts from a minute to 30 days"
                }
                let silence = Silence(
                    id: UUID().uuidString.lowercased(),
                    matchers: matchers,
                    startsAt: now,
                    endsAt: now + duration,
                    createdBy: context.tokenName ?? "dashboard",
                    comment: String(comment.prefix(500))
                )
                try await data.store.saveSilence(silence)
                return nil
            }
        }
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
    }

    /// A page action: the viewer must hold `admin`, the form must repeat the form-token cookie and come from this
    /// origin; `perform` answers nil when done (the browser goes back to the alerts page), or why it was not.
    func action(
        _ request: Request,
        _ context: VigilRequestContext,
        perform: ([(String, String)], Int64) async throws -> String?
    ) async throws -> Response {
        let now = clock.milliseconds()
        guard context.scopes.contains(.admin) else {
            return Self.html(
                DashboardPage.problem(title: "Forbidden", detail: "this needs a token with the admin scope", now: now, generator: Self.generator),
                status: .forbidden
            )
        }
        var request = request
        let body = try await request.collectBytes(limit: 64 << 10)
        let form = Self.formPairs(String(decoding: body, as: UTF8.self))
        let presented = form.last { $0.0 == "csrf" }?.1 ?? ""
        let expected = AuthenticationMiddleware.cookie(Self.csrfCookieName, in: request.headers) ?? ""
        guard !expected.isEmpty, APIToken.constantTimeEquals(presented.utf8, expected.utf8), Self.sameOrigin(request) else {
            return Self.html(
                DashboardPage.problem(
                    title: "Refused",
                    detail: "the form is stale or came from another site: reload the page and try again",
                    now: now,
                    generator: Self.generator
                ),
                status: .forbidden
            )
        }
        if let problem = try await perform(form, now) {
            return Self.html(
                DashboardPage.problem(title: "Not done", detail: problem, now: now, generator: Self.generator),
                status: .unprocessableContent
            )
        }
        let back = form.last { $0.0 == "back" }?.1
        return Self.redirect(
            "/alerts" + (back.map { "?fingerprint=\(DashboardQuery.percentEncoded($0))#alert-\(DashboardQuery.percentEncoded($0))" } ?? "")
        )
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
        let value = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return (value, true)
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Strict, and Secure behind HTTPS.
    func cookie(_ name: String, _ value: String, maxAge: Int) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict\(secureCookie ? "; Secure" : "")"
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
}
