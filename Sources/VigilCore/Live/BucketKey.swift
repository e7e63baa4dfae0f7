/// Names one time bucket of one model version: the unit in which live profiles are kept and stored.
public struct BucketKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var model: String
    public var version: String
    /// The bucket's first millisecond since 1970 (UTC); buckets are aligned to multiples of their width.
    public var start: Int64

    public init(model: String, version: String, start: Int64) {
        self.model = model
        self.version = version
        self.start = start
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.model, lhs.version, lhs.start) < (rhs.model, rhs.version, rhs.start) }

    /// The start of the bucket of width `width` milliseconds that holds `milliseconds`.
    public static func start(of milliseconds: Int64, width: Int64) -> Int64 {
        let (quotient, remainder) = milliseconds.quotientAndRemainder(dividingBy: width)
        return (remainder < 0 ? quotient - 1 : quotient) * width
    }

    public var description: String { "\(model)/\(version)@\(Timestamp.formatRFC3339(milliseconds: start))" }
}
