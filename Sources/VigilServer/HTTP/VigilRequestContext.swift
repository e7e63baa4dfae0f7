public import Hummingbird
import HTTPTypes

/// The per-request context: Hummingbird's core storage plus the scopes the caller was granted.
public struct VigilRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthenticationMiddleware``; every scope when the server runs without tokens.
    public var scopes: Set<APIToken.Scope> = []
    /// The token's name, for logs (never the secret).
    public var tokenName: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies are collected by the routes up to the configured limit, which answers 413 with a problem.
    public var maxUploadSize: Int { 64 << 20 }

    /// Fails unless the caller holds `scope`.
    func require(_ scope: APIToken.Scope) throws(Problem) {
        guard scopes.contains(scope) || scopes.contains(.admin) else {
            throw Problem(.forbidden, "forbidden", title: "Forbidden", detail: "this token lacks the \(scope.rawValue) scope")
        }
    }
}
