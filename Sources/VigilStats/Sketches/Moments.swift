/// Count, mean, variance, minimum and maximum of finite values: exact, mergeable, numerically stable.
///
/// Batches are folded in with the pairwise update of Chan, Golub & LeVeque (1979): the batch's own mean
/// and centered sum of squares are computed in two passes, then combined with the running totals. This
/// avoids the cancellation of Σx² − n·x̄² and keeps relative error near machine precision even for data
/// with a large offset (tested with values around 10⁹ against numpy).
public struct Moments: Sendable, Equatable {
    public private(set) var count: Int = 0
    public private(set) var mean: Double = 0
    /// Σ(x − mean)²: the centered sum of squares.
    public private(set) var centeredSumOfSquares: Double = 0
    public private(set) var minimum: Double = .infinity
    public private(set) var maximum: Double = -.infinity

    public init() {}

    /// Adds one finite value (callers filter NaN and ±∞).
    public mutating func add(_ value: Double) {
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        centeredSumOfSquares += delta * (value - mean)
        if value < minimum { minimum = value }
        if value > maximum { maximum = value }
    }

    /// Adds a batch of finite values with two passes over the batch and one Chan merge.
    public mutating func add(contentsOf values: UnsafeBufferPointer<Double>) {
        guard !values.isEmpty else { return }
        // Four interleaved accumulators in each pass: one running sum would wait out every addition's
        // latency, value after value. (The order of additions is fixed, so results stay deterministic.)
        var sums = SIMD4<Double>()
        var lows = SIMD4<Double>(repeating: .infinity)
        var highs = SIMD4<Double>(repeating: -.infinity)
        let quads = values.count / 4
        for quad in 0..<quads {
            let four = SIMD4(values[4 * quad], values[4 * quad + 1], values[4 * quad + 2], values[4 * quad + 3])
            sums += four
            lows = pointwiseMin(lows, four)
            highs = pointwiseMax(highs, four)
        }
        var sum = sums.sum()
        var low = lows.min()
        var high = highs.max()
        for value in values[(4 * quads)...] {
            sum += value
            low = value < low ? value : low
            high = value > high ? value : high
        }
        let batchMean = sum / Double(values.count)
        var squareSums = SIMD4<Double>()
        var deviationSums = SIMD4<Double>()
        let mean4 = SIMD4<Double>(repeating: batchMean)
        for quad in 0..<quads {
            let deviation = SIMD4(values[4 * quad], values[4 * quad + 1], values[4 * quad + 2], values[4 * quad + 3]) - mean4
            squareSums += deviation * deviation
            deviationSums += deviation
        }
        var squares = squareSums.sum()
        var compensation = deviationSums.sum()
        for value in values[(4 * quads)...] {
            let deviation = value - batchMean
            squares += deviation * deviation
            compensation += deviation
        }
        // The compensation term corrects the rounding in batchMean (the "corrected two-pass" algorithm).
        squares -= compensation * compensation / Double(values.count)
        var batch = Moments()
        batch.count = values.count
        batch.mean = batchMean
        batch.centeredSumOfSquares = max(0, squares)
        batch.minimum = low
        batch.maximum = high
        merge(batch)
    }

    /// Folds another summary into this one.
    public mutating func merge(_ other: Moments) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        let total = count + other.count
        let delta = other.mean - mean
        let otherShare = Double(other.count) / Double(total)
        centeredSumOfSquares += other.centeredSumOfSquares + delta * delta * Double(count) * otherShare
        mean += delta * otherShare
        count = total
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
    }

    /// Population variance (divides by n, numpy's default); NaN when empty.
    public var populationVariance: Double { count > 0 ? centeredSumOfSquares / Double(count) : .nan }
    /// Sample variance (divides by n − 1, pandas' default); NaN when n < 2.
    public var sampleVariance: Double { count > 1 ? centeredSumOfSquares / Double(count - 1) : .nan }
    public var populationStandardDeviation: Double { populationVariance.squareRoot() }
    public var sampleStandardDeviation: Double { sampleVariance.squareRoot() }
    public var sum: Double { mean * Double(count) }
}

extension Moments: BinarySerializable {
    public static var kind: SketchKind { .moments }

    public func encodePayload(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(count)
        encoder.write(mean)
        encoder.write(centeredSumOfSquares)
        encoder.write(minimum)
        encoder.write(maximum)
    }

    public init(decodingPayload decoder: inout BinaryDecoder) throws(DecodingError) {
        let start = decoder.offset
        count = try decoder.readCount("moments count", limit: Int.max)
        mean = try decoder.readDouble("mean")
        centeredSumOfSquares = try decoder.readDouble("centered sum of squares")
        minimum = try decoder.readDouble("minimum")
        maximum = try decoder.readDouble("maximum")
        if count == 0 {
            guard mean == 0, centeredSumOfSquares == 0, minimum == .infinity, maximum == -.infinity else {
                throw DecodingError("empty moments carry non-empty statistics", at: start)
            }
        } else {
            guard mean.isFinite, centeredSumOfSquares.isFinite, centeredSumOfSquares >= 0,
                  minimum.isFinite, maximum.isFinite, minimum <= maximum
            else { throw DecodingError("moments are inconsistent (non-finite or min > max)", at: start) }
        }
    }
}
