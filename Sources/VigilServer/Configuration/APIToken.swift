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
