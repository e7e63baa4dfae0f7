import Synchronization

/// A mergeable summary of a stream of vectors (embeddings) of one dimension, enough for the embedding drift
/// checks in ``EmbeddingDrift``:
///
/// - the sum of the vectors, so the centroid (mean vector) is exact;
/// - the sum of the vectors scaled to unit length, so the mean cosine similarity of the vectors to *any*
///   direction, such as a reference centroid chosen later, is exact;
/// - the distribution of their Euclidean norms;
/// - the distribution of their projections on ``componentCount`` fixed random directions.
///
/// The directions are Rademacher vectors (each coordinate ±1/√d, signs from ``SplitMix64`` seeded with
/// the dimension; Achlioptas 2003), the same for every sketch of one dimension, so sketches from different
/// buckets, processes and releases stay comparable and mergeable. Drift tests on a few random projections
/// detect shifts in high-dimensional data about as well as on principal components (Rabanser, Günnemann &
/// Lipton 2019, "Failing Loudly") without a fitting step, which a sketch built one event at a time cannot
/// have. Size: 2·d doubles plus 17 quantile sketches (at most ~3 KB each at k = 128).
public struct EmbeddingSketch: Sendable, Equatable {
    /// Random directions the vectors are projected on.
    public static let componentCount = 16
    /// KLL parameter of the norm and projection sketches: rank error ≤ 2.56/128 = 2 %.
    public static let quantileK = 128
    /// Largest dimension accepted (the ingestion limit's ceiling).
    public static let maximumDimension = 1 << 16

    public let dimension: Int
    /// Vectors summarized.
    public private(set) var count = 0
    /// Σ v, coordinate by coordinate.
    public private(set) var sum: [Double]
    /// Σ v/‖v‖ over the vectors with a non-zero norm.
    public private(set) var unitSum: [Double]
    /// Vectors whose norm is 0; they have no direction and are left out of `unitSum`.
    public private(set) var zeroVectorCount = 0
    /// Euclidean norms.
    public private(set) var norms: QuantileSketch
    /// Projections on the random directions, one sketch per direction.
    public private(set) var projections: [QuantileSketch]
    /// The directions, shared by every sketch of this dimension (held here so an update takes no lock).
    private let directions: ProjectionDirections

    public init(dimension: Int) {
        precondition(dimension > 0 && dimension <= Self.maximumDimension, "dimension \(dimension) out of range")
        self.dimension = dimension
        sum = Array(repeating: 0, count: dimension)
        unitSum = Array(repeating: 0, count: dimension)
        norms = QuantileSketch(k: Self.quantileK)
        projections = Array(repeating: QuantileSketch(k: Self.quantileK), count: Self.componentCount)
        directions = ProjectionDirections.shared(dimension: dimension)
    }

    /// Adds one vector of `dimension` elements.
    /// - Returns: false, leaving the sketch unchanged, when an element is not finite or the norm overflows.
    @discardableResult
    public mutating func add(_ vector: [Double]) -> Bool {
        precondition(vector.count == dimension, "a vector of \(vector.count) elements added to a sketch of dimension \(dimension)")
        var squares = 0.0
        for element in vector { squares += element * element }
        let norm = squares.squareRoot()
        guard norm.isFinite else { return false }
        var projected = SIMD16<Double>()
        vector.withUnsafeBufferPointer { elements in
            directions.weights.withUnsafeBufferPointer { weights in
                for index in 0..<dimension {
                    let offset = index &* Self.componentCount
                    let row = SIMD16<Double>(weights[offset..<(offset + Self.componentCount)])
                    projected += row * elements[index]
                }
            }
        }
        let inverseNorm = norm > 0 ? 1 / norm : 0
        for index in 0..<dimension {
            sum[index] += vector[index]
            unitSum[index] += vector[index] * inverseNorm
        }
        if norm == 0 { zeroVectorCount += 1 }
        count += 1
        norms.add(norm)
        for component in 0..<Self.componentCount { projections[component].add(projected[component]) }
        return true
    }

    /// Folds in another sketch of the same dimension.
    public mutating func merge(_ other: EmbeddingSketch) throws(MergeError) {
        guard other.dimension == dimension else {
            throw MergeError("embedding sketches of dimension \(dimension) and \(other.dimension) cannot be merged")
        }
        for index in 0..<dimension {
            sum[index] += other.sum[index]
            unitSum[index] += other.unitSum[index]
        }
        count += other.count
        zeroVectorCount += other.zeroVectorCount
        try norms.merge(other.norms)
        for component in 0..<Self.componentCount { try projections[component].merge(other.projections[component]) }
    }

    /// The mean vector; nil when empty.
    public var centroid: [Double]? {
        guard count > 0 else { return nil }
        let scale = 1 / Double(count)
        return sum.map { $0 * scale }
    }

    /// The mean cosine similarity of the summarized vectors to `direction` (zero vectors left out); nil
    /// when there are none or `direction` is zero.
    public func meanCosineSimilarity(to direction: [Double]) -> Double? {
        precondition(direction.count == dimension, "a direction of \(direction.count) elements for dimension \(dimension)")
        let directed = count - zeroVectorCount
        var dot = 0.0
        var squares = 0.0
        for index in 0..<dimension {
            dot += unitSum[index] * direction[index]
            squares += direction[index] * direction[index]
        }
        guard directed > 0, squares > 0 else { return nil }
        return dot / (Double(directed) * squares.squareRoot())
    }
}

extension EmbeddingSketch {
    /// Equal when they summarize the same vectors the same way; the directions follow from the dimension.
    public static func == (lhs: EmbeddingSketch, rhs: EmbeddingSketch) -> Bool {
        lhs.dimension == rhs.dimension && lhs.count == rhs.count && lhs.zeroVectorCount == rhs.zeroVectorCount
            && lhs.sum == rhs.sum && lhs.unitSum == rhs.unitSum && lhs.norms == rhs.norms && lhs.projections == rhs.projections
    }
}

/// The random directions of ``EmbeddingSketch`` for one dimension, computed once per process.
///
/// Coordinate i of direction j is +1/√d or −1/√d as bit j of the i-th output of
/// `SplitMix64(seed: seed ^ d)` is 0 or 1: simple enough to rebuild in a few lines of any language, which the
/// committed fixture generator does.
public final class ProjectionDirections: Sendable {
    public static let seed: UInt64 = 0x5649_4749_4C45_4D42  // "VIGILEMB"
    /// `weights[i * componentCount + j]`: coordinate i of direction j.
    public let weights: [Double]

    private init(dimension: Int) {
        var generator = SplitMix64(seed: Self.seed ^ UInt64(dimension))
        let magnitude = 1 / Double(dimension).squareRoot()
        var weights = [Double]()
        weights.reserveCapacity(dimension * EmbeddingSketch.componentCount)
        for _ in 0..<dimension {
            let signs = generator.next()
            for component in 0..<EmbeddingSketch.componentCount {
                weights.append((signs >> UInt64(component)) & 1 == 0 ? magnitude : -magnitude)
            }
        }
        self.weights = weights
    }

    private static let cache = Mutex<[Int: ProjectionDirections]>([:])

    public static func shared(dimension: Int) -> ProjectionDirections {
        cache.withLock { cache in
            if let directions = cache[dimension] { return directions }
            let directions = ProjectionDirections(dimension: dimension)
            cache[dimension] = directions
            return directions
        }
    }
}

extension EmbeddingSketch {
    public func encodePayload(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(dimension)
        encoder.writeVarint(count)
        encoder.writeVarint(zeroVectorCount)
        encoder.write(sum)
        encoder.write(unitSum)
        norms.encodePayload(into: &encoder)
        encoder.writeVarint(projections.count)
        for projection in projections { projection.encodePayload(into: &encoder) }
    }

    public init(decodingPayload decoder: inout BinaryDecoder) throws(DecodingError) {
        let start = decoder.offset
        let dimension = try decoder.readCount("embedding dimension", limit: Self.maximumDimension)
        guard dimension > 0 else { throw DecodingError("an embedding sketch has dimension 0", at: start) }
        self.init(dimension: dimension)
        count = try decoder.readCount("embedding count", limit: Int.max)
        zeroVectorCount = try decoder.readCount("zero vector count", limit: count)
        sum = try decoder.readDoubles("embedding sum")
        unitSum = try decoder.readDoubles("embedding unit sum")
        guard sum.count == dimension, unitSum.count == dimension else {
            throw DecodingError("embedding sums do not have \(dimension) elements", at: decoder.offset)
        }
        guard sum.allSatisfy(\.isFinite), unitSum.allSatisfy(\.isFinite) else {
            throw DecodingError("embedding sums hold a non-finite number", at: decoder.offset)
        }
        norms = try QuantileSketch(decodingPayload: &decoder)
        let components = try decoder.readCount("projection count", limit: 1 << 10)
        guard components == Self.componentCount else {
            throw DecodingError("an embedding sketch has \(components) projections, not \(Self.componentCount)", at: decoder.offset)
        }
        for component in 0..<components { projections[component] = try QuantileSketch(decodingPayload: &decoder) }
        guard norms.count == count, projections.allSatisfy({ $0.count == count }) else {
            throw DecodingError("an embedding sketch's parts disagree on the number of vectors", at: decoder.offset)
        }
    }
}
