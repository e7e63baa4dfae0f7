/// Count, sum and sum of squares of a metric, in ``ExactSum``s: the mean and its interval of a business
/// outcome, mergeable and exactly subtractable (a corrected label takes its outcome away again).
public struct ExactMoments: Sendable, Equatable {
    public private(set) var count = 0
    private var sum = ExactSum()
    private var squares = ExactSum()

    /// No value yet.
    public init() {}

    /// True when nothing is held.
    public var isEmpty: Bool { count == 0 && sum.isZero && squares.isZero }

    /// Adds a value (weight 1) or takes it away (weight -1); non-finite values are ignored.
    public mutating func add(_ value: Double, weight: Int = 1) {
        guard value.isFinite, weight != 0 else { return }
        sum.add(value, negated: weight < 0)
        squares.add(value * value, negated: weight < 0)
        count += weight
    }

    public mutating func merge(_ other: ExactMoments) {
        count += other.count
        sum.merge(other.sum)
        squares.merge(other.squares)
    }

    /// The sum of the values.
    public var total: Double { sum.value }
    /// The mean; NaN when empty.
    public var mean: Double { count > 0 ? sum.value / Double(count) : .nan }

    /// The sample standard deviation, from the exact sums in double-double.
    public var standardDeviation: Double {
        guard count > 1 else { return .nan }
        let s = sum.doubleDouble
        let centered = DoubleDouble.add(squares.doubleDouble, { let q = DoubleDouble.divide(DoubleDouble.multiply(s, s), Double(count)); return (-q.0, -q.1) }())
        return Swift.max(0, (centered.0 + centered.1) / Double(count - 1)).squareRoot()
    }

    /// mean ± 1.96·s/√n.
    public var interval: ConfidenceInterval? { ConfidenceInterval.normal(mean: mean, standardDeviation: standardDeviation, count: count) }

    /// Writes the count and the two sums.
    public func encode(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(count)
        sum.encode(into: &encoder)
        squares.encode(into: &encoder)
    }

    /// Reads moments written by ``encode(into:)``.
    public init(decoding decoder: inout BinaryDecoder) throws(DecodingError) {
        count = try decoder.readCount("metric count", limit: Int.max)
        sum = try ExactSum(decoding: &decoder)
        squares = try ExactSum(decoding: &decoder)
    }
}
