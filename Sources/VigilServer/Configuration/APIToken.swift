/// A bearer token and what it may do.
public struct APIToken: Sendable {
    /// What a token is for: named in logs instead of the secret.
    public var name: String
    public var secret: String
    public var scopes: Set<Scope>

    public init(name: String, secret: String, scopes: Set<Scope>) {
        self.name = name
        self.secret = secret
        self.scopes = scopes
    }

    /// What a request may do.
    public enum Scope: String, Sendable, CaseIterable {
        /// Send predictions and labels.
        case ingest
        /// Read summaries, models and metrics.
        case read
        /// Set references; implies every other scope.
        case admin
    }

    /// Whether the token grants `scope`.
    public func grants(_ scope: Scope) -> Bool { scopes.contains(scope) || scopes.contains(.admin) }

    /// The token whose secret `presented` is; every token is compared, so the time taken does not depend on
    /// which one matched.
    static func matching(_ presented: some Collection<UInt8>, in tokens: [APIToken]) -> APIToken? {
        var matched: APIToken?
        for token in tokens where constantTimeEquals(presented, token.secret.utf8) { matched = token }
        return matched
    }

    /// ``matching(_:in:)`` for text.
    static func matching(_ presented: String, in tokens: [APIToken]) -> APIToken? { matching(Array(presented.utf8), in: tokens) }

    /// Compares in time independent of where the strings differ, so response times do not leak the secret.
    static func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        var left = lhs.makeIterator()
        for byte in rhs {
            difference |= (left.next() ?? 0) ^ byte
        }
        return difference == 0
    }
}
