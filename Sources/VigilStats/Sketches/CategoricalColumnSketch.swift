/// Everything Vigil keeps about one categorical column: missing count, value frequencies (exact up to the
/// capacity, bounded error after, see ``FrequentItems``), and a HyperLogLog distinct count.
public struct CategoricalColumnSketch: Sendable, Equatable {
    public private(set) var missingCount = 0
    public private(set) var items: FrequentItems
    public private(set) var distinctSketch: DistinctCountSketch

    public init(
        capacity: Int = FrequentItems.defaultCapacity,
        distinctPrecision: Int = DistinctCountSketch.defaultPrecision
    ) {
        items = FrequentItems(capacity: capacity)
        distinctSketch = DistinctCountSketch(precision: distinctPrecision)
    }

    /// Non-missing observations.
    public var count: Int { items.total }
    public var rowCount: Int { items.total + missingCount }

    public mutating func add(_ value: String?) {
        guard let value else {
            missingCount += 1
            return
        }
        items.add(value)
        distinctSketch.add(value)
    }

    /// Adds `count` observations of one value at once (what a batch that counted its cells hands over).
    public mutating func add(_ value: String, count: Int) {
        guard count > 0 else { return }
        items.add(value, weight: count)
        distinctSketch.add(value)
    }

    public mutating func addMissing(count: Int = 1) { missingCount += count }

    /// The number of distinct values: exact while ``FrequentItems/isExact``, estimated after.
    public var distinctCount: Double { items.isExact ? Double(items.counts.count) : distinctSketch.estimate }

    public mutating func merge(_ other: CategoricalColumnSketch) throws(MergeError) {
        try items.merge(other.items)
        try distinctSketch.merge(other.distinctSketch)
        missingCount += other.missingCount
    }
}

extension CategoricalColumnSketch: BinarySerializable {
    public static var kind: SketchKind { .categoricalColumn }

    public func encodePayload(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(missingCount)
        items.encodePayload(into: &encoder)
        distinctSketch.encodePayload(into: &encoder)
    }

    public init(decodingPayload decoder: inout BinaryDecoder) throws(DecodingError) {
        missingCount = try decoder.readCount("missing count", limit: Int.max)
        items = try FrequentItems(decodingPayload: &decoder)
        distinctSketch = try DistinctCountSketch(decodingPayload: &decoder)
    }
}
