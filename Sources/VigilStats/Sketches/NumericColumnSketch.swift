/// Everything Vigil keeps about one numeric column: missing and invalid counts, moments, a quantile sketch,
/// and the distinct values (exact counts while there are few, HyperLogLog after).
///
/// `add` takes the column's values as they come: `nil` is a missing value, NaN and ±∞ are invalid;
/// both are counted and never reach a statistic.
public struct NumericColumnSketch: Sendable, Equatable {
    public private(set) var missingCount = 0
    public private(set) var invalidCount = 0
    public private(set) var moments = Moments()
    public private(set) var quantiles: QuantileSketch
    private var smallValues: SmallValueCounts?
    private var distinctSketch: DistinctCountSketch?
    private let distinctPrecision: Int
    /// Every finite value while there are at most `exactCapacity` of them, so small columns are tested
    /// exactly; nil once the column outgrows it (or when the capacity is 0, the default).
    private var exactValues: [Double]?
    /// How many finite values are kept exactly before relying on the quantile sketch alone.
    public private(set) var exactCapacity: Int

    /// Distinct values counted exactly before switching to HyperLogLog.
    public static let defaultExactValueCapacity = 1024

    public init(
        quantileK: Int = QuantileSketch.defaultK,
        distinctPrecision: Int = DistinctCountSketch.defaultPrecision,
        exactValueCapacity: Int = NumericColumnSketch.defaultExactValueCapacity,
        exactCapacity: Int = 0
    ) {
        quantiles = QuantileSketch(k: quantileK)
        smallValues = SmallValueCounts(capacity: exactValueCapacity)
        self.distinctPrecision = distinctPrecision
        self.exactCapacity = exactCapacity
        exactValues = exactCapacity > 0 ? [] : nil
    }

    /// Whether every value is still held, so statistics are exact.
    public var isExact: Bool { exactValues != nil }

    private mutating func keepExact(_ values: UnsafeBufferPointer<Double>) {
        guard exactValues != nil else { return }
        if exactValues!.count + values.count > exactCapacity {
            exactValues = nil
        } else {
            exactValues!.append(contentsOf: values)
        }
    }

    /// Finite observations.
    public var count: Int { moments.count }
    /// All rows seen: finite, missing and invalid.
    public var rowCount: Int { moments.count + missingCount + invalidCount }

    /// Values beyond ±1e100 are counted invalid, like NaN and ±∞: their squares, summed over a stream,
    /// would overflow the variance (and a stored profile would no longer read back).
    public static let maximumMagnitude = 1e100

    public mutating func add(_ value: Double?) {
        guard let value else {
            missingCount += 1
            return
        }
        guard abs(value) <= Self.maximumMagnitude else {
            invalidCount += 1
            return
        }
        moments.add(value)
        quantiles.add(value)
        recordDistinct(value)
        withUnsafePointer(to: value) { keepExact(UnsafeBufferPointer(start: $0, count: 1)) }
    }

    public mutating func addMissing(count: Int = 1) { missingCount += count }

    /// Counts values that are present but not numbers (text in a numeric column, NaN, ±infinity).
    public mutating func addInvalid(count: Int = 1) { invalidCount += count }

    /// Readies the sketch for repeated queries (sorts the quantile sketch's buffer); changes no statistic.
    public mutating func prepareForQueries() {
        quantiles.sortBuffer()
        if exactValues != nil { SortKernels.sortIfNeeded(&exactValues!) }
    }

    /// Adds a batch; NaN, ±∞ and magnitudes beyond ``maximumMagnitude`` in it are counted as invalid.
    public mutating func add(contentsOf values: UnsafeBufferPointer<Double>) {
        let chunkSize = 4096
        withUnsafeTemporaryAllocation(of: Double.self, capacity: chunkSize) { finite in
            var start = 0
            while start < values.count {
                let end = Swift.min(start + chunkSize, values.count)
                let chunk = UnsafeBufferPointer(rebasing: values[start..<end])
                var kept = 0
                for value in chunk where abs(value) <= Self.maximumMagnitude {
                    finite[kept] = value
                    kept += 1
                }
                invalidCount += chunk.count - kept
                addFinite(kept == chunk.count ? chunk : UnsafeBufferPointer(rebasing: finite[0..<kept]))
                start = end
            }
        }
    }

    private mutating func addFinite(_ batch: UnsafeBufferPointer<Double>) {
        var batchMoments = Moments()
        batchMoments.add(contentsOf: batch)
        moments.merge(batchMoments)
        quantiles.addFinite(batch, minimum: batchMoments.minimum, maximum: batchMoments.maximum)
        keepExact(batch)
        var index = 0
        if smallValues != nil {
            while index < batch.count, smallValues!.add(batch[index]) { index += 1 }
            guard index < batch.count else { return }
            overflowToDistinctSketch()
        }
        // Own the sketch while updating so the registers are written in place.
        var sketch = distinctSketch.take()!
        sketch.add(contentsOf: UnsafeBufferPointer(rebasing: batch[index...]))
        distinctSketch = sketch
    }

    @inline(__always)
    private mutating func recordDistinct(_ value: Double) {
        if smallValues != nil {
            if smallValues!.add(value) { return }
            overflowToDistinctSketch()
        }
        distinctSketch!.add(value)
    }

    private mutating func overflowToDistinctSketch() {
        var sketch = DistinctCountSketch(precision: distinctPrecision)
        for entry in smallValues?.sortedEntries ?? [] { sketch.add(entry.value) }
        smallValues = nil
        distinctSketch = sketch
    }

    /// Exact counts per distinct value, ascending by value, while the column has at most the exact capacity
    /// of distinct values; nil after that.
    public var exactValueCounts: [(value: Double, count: Int)]? { smallValues?.sortedEntries }

    /// The number of distinct finite values: exact while ``exactValueCounts`` is available.
    public var distinctCount: Double {
        if let smallValues { return Double(smallValues.distinctCount) }
        return distinctSketch?.estimate ?? 0
    }

    public var isDistinctCountExact: Bool { smallValues != nil }

    /// The relative standard error of an estimated ``distinctCount``; nil while it is exact.
    public var distinctCountRelativeStandardError: Double? { isDistinctCountExact ? nil : distinctSketch?.relativeStandardError }

    public mutating func merge(_ other: NumericColumnSketch) throws(MergeError) {
        guard other.distinctPrecision == distinctPrecision else {
            throw MergeError("numeric columns with distinct-count precision \(distinctPrecision) and \(other.distinctPrecision)")
        }
        try quantiles.merge(other.quantiles)
        moments.merge(other.moments)
        if let otherExact = other.exactValues {
            otherExact.withUnsafeBufferPointer { keepExact($0) }
        } else {
            exactValues = nil
        }
        missingCount += other.missingCount
        invalidCount += other.invalidCount
        if let otherSmall = other.smallValues {
            for entry in otherSmall.entries {
                if smallValues != nil, smallValues!.add(entry.value, weight: entry.count) { continue }
                if smallValues != nil { overflowToDistinctSketch() }
                distinctSketch!.add(entry.value)
            }
        } else if let otherSketch = other.distinctSketch {
            if smallValues != nil { overflowToDistinctSketch() }
            try distinctSketch!.merge(otherSketch)
        }
    }
}

/// A numeric column is a distribution: its quantile sketch for shape, its exact moments for spread.
extension NumericColumnSketch: UnivariateDistribution {
    public var weightedSample: WeightedSample {
        if let exactValues { return ExactDistribution(exactValues).weightedSample }
        return quantiles.weightedSample
    }
    public var rankErrorBound: Double { exactValues != nil ? 0 : quantiles.rankErrorBound }
    public var populationStandardDeviation: Double { moments.populationStandardDeviation }
}

extension NumericColumnSketch: BinarySerializable {
    public static var kind: SketchKind { .numericColumn }

    public func encodePayload(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(missingCount)
        encoder.writeVarint(invalidCount)
        moments.encodePayload(into: &encoder)
        quantiles.encodePayload(into: &encoder)
        encoder.write(UInt8(distinctPrecision))
        if let smallValues {
            encoder.write(UInt8(0))
            encoder.writeVarint(smallValues.capacity)
            let entries = smallValues.sortedEntries
            encoder.writeVarint(entries.count)
            for entry in entries {
                encoder.write(entry.value)
                encoder.writeVarint(entry.count)
            }
        } else {
            encoder.write(UInt8(1))
            distinctSketch!.encodePayload(into: &encoder)
        }
        encoder.writeVarint(exactCapacity)
        encoder.write(exactValues != nil)
        if var exactValues {
            SortKernels.sortIfNeeded(&exactValues)
            encoder.write(exactValues)
        }
    }

    public init(decodingPayload decoder: inout BinaryDecoder) throws(DecodingError) {
        let missing = try decoder.readCount("missing count", limit: Int.max)
        let invalid = try decoder.readCount("invalid count", limit: Int.max)
        let moments = try Moments(decodingPayload: &decoder)
        let quantiles = try QuantileSketch(decodingPayload: &decoder)
        let precisionOffset = decoder.offset
        let precision = Int(try decoder.readUInt8("distinct precision"))
        guard (4...18).contains(precision) else {
            throw DecodingError("distinct precision \(precision) outside 4...18", at: precisionOffset)
        }
        guard moments.count == quantiles.count else {
            throw DecodingError("moments count \(moments.count) differs from quantile count \(quantiles.count)", at: precisionOffset)
        }
        self.init(quantileK: quantiles.k, distinctPrecision: precision)
        missingCount = missing
        invalidCount = invalid
        self.moments = moments
        self.quantiles = quantiles
        let modeOffset = decoder.offset
        switch try decoder.readUInt8("distinct mode") {
        case 0:
            let capacity = try decoder.readCount("exact value capacity", limit: 1 << 20)
            var table = SmallValueCounts(capacity: capacity)
            let entries = try decoder.readCount("exact value entries", limit: capacity)
            var total = 0
            for _ in 0..<entries {
                let value = try decoder.readDouble("exact value")
                let count = try decoder.readCount("exact value count", limit: Int.max)
                guard value.isFinite, count > 0, table.add(value, weight: count) else {
                    throw DecodingError("invalid exact value entry", at: decoder.offset)
                }
                total += count
            }
            guard total == moments.count, table.distinctCount == entries else {
                throw DecodingError("exact value counts do not add up to the column count", at: decoder.offset)
            }
            smallValues = table
        case 1:
            let sketch = try DistinctCountSketch(decodingPayload: &decoder)
            guard sketch.precision == precision else {
                throw DecodingError("distinct sketch precision mismatch", at: modeOffset)
            }
            smallValues = nil
            distinctSketch = sketch
        case let other:
            throw DecodingError("unknown distinct mode \(other)", at: modeOffset)
        }
        let capacityOffset = decoder.offset
        let capacity = try decoder.readCount("exact capacity", limit: Int(Int32.max))
        exactCapacity = capacity
        if try decoder.readBool("exact values present") {
            let values = try decoder.readDoubles("exact values")
            guard values.count == moments.count, values.count <= capacity, values.allSatisfy(\.isFinite) else {
                throw DecodingError("exact values do not match the column count", at: capacityOffset)
            }
            exactValues = values
        } else {
            exactValues = nil
        }
    }
}
