/// How embedding drift is decided, named after Evidently's embedding drift methods.
public enum EmbeddingDriftMethod: String, Sendable, CaseIterable, Codable {
    /// Share of the random projections whose normed Wasserstein distance reaches 0.1 (Evidently's `ratio`
    /// with its default component test, applied to ``EmbeddingSketch``'s projections); drift when the share
    /// exceeds the threshold (default 0.2).
    case ratio
    /// Euclidean distance between the centroids (Evidently's `distance`); drift when above the threshold
    /// (default 0.2).
    case distance
    /// Cosine distance (1 − cosine similarity) between the centroids (Evidently's `distance(dist="cosine")`);
    /// drift when above the threshold (default 0.2).
    case cosine

    /// Evidently's defaults.
    public var defaultThreshold: Double { 0.2 }
}

/// Embedding drift of a current stream of vectors against a reference, with the figures practitioners read
/// beside the verdict: how far the centroids moved, and how similar current vectors are to the reference
/// centroid compared with the reference's own vectors.
public struct EmbeddingDriftResult: Sendable, Equatable {
    public var method: EmbeddingDriftMethod
    /// The number compared with `threshold`: a share for `ratio`, a distance otherwise.
    public var score: Double
    public var threshold: Double
    /// True when `score` exceeds `threshold`.
    public var drifted: Bool
    /// Normed Wasserstein distance of each random projection (the `ratio` components).
    public var componentScores: [Double]
    /// Component threshold of `ratio`.
    public var componentThreshold: Double
    /// Bound on each component score's error from the quantile sketches; 0 when exact.
    public var componentErrorBound: Double
    /// Euclidean distance between the centroids.
    public var centroidDistance: Double
    /// Cosine distance between the centroids; nil when a centroid is the zero vector.
    public var centroidCosineDistance: Double?
    /// Mean cosine similarity of the current vectors to the reference centroid.
    public var currentSimilarityToReference: Double?
    /// Mean cosine similarity of the reference vectors to their own centroid: the baseline to read the
    /// current similarity against.
    public var referenceSimilarityToReference: Double?
    /// Drift of the vectors' Euclidean norms (normed Wasserstein distance).
    public var norms: DriftResult
}

public enum EmbeddingDrift {
    /// The component test of `ratio`, as Evidently's default.
    public static let componentThreshold = DriftMethod.wasserstein.defaultThreshold

    /// Compares two embedding sketches of the same dimension.
    /// - Throws: ``DriftTestError`` when either is empty or the dimensions differ.
    public static func compare(
        reference: EmbeddingSketch, current: EmbeddingSketch, method: EmbeddingDriftMethod = .ratio, threshold: Double? = nil
    ) throws(DriftTestError) -> EmbeddingDriftResult {
        guard reference.dimension == current.dimension else {
            throw DriftTestError("the reference vectors have dimension \(reference.dimension), the current ones \(current.dimension)")
        }
        guard let referenceCentroid = reference.centroid, let currentCentroid = current.centroid else {
            throw DriftTestError("embedding drift needs at least one vector on each side")
        }
        var componentScores: [Double] = []
        var componentErrorBound = 0.0
        for component in 0..<EmbeddingSketch.componentCount {
            let result = try Wasserstein.test(reference.projections[component], current.projections[component], threshold: componentThreshold)
            componentScores.append(result.score)
            componentErrorBound = max(componentErrorBound, result.statisticErrorBound)
        }
        var squaredDistance = 0.0
        var dot = 0.0
        var referenceSquares = 0.0
        var currentSquares = 0.0
        for index in 0..<reference.dimension {
            let difference = referenceCentroid[index] - currentCentroid[index]
            squaredDistance += difference * difference
            dot += referenceCentroid[index] * currentCentroid[index]
            referenceSquares += referenceCentroid[index] * referenceCentroid[index]
            currentSquares += currentCentroid[index] * currentCentroid[index]
        }
        let centroidDistance = squaredDistance.squareRoot()
        let cosineDistance = referenceSquares > 0 && currentSquares > 0 ? 1 - dot / (referenceSquares * currentSquares).squareRoot() : nil
        let ratio = Double(componentScores.filter { $0 >= componentThreshold }.count) / Double(componentScores.count)
        let threshold = threshold ?? method.defaultThreshold
        let score: Double
        switch method {
        case .ratio: score = ratio
        case .distance: score = centroidDistance
        case .cosine:
            guard let cosineDistance else { throw DriftTestError("the cosine distance is undefined for a zero centroid") }
            score = cosineDistance
        }
        return EmbeddingDriftResult(
            method: method, score: score, threshold: threshold, drifted: score > threshold,
            componentScores: componentScores, componentThreshold: componentThreshold, componentErrorBound: componentErrorBound,
            centroidDistance: centroidDistance, centroidCosineDistance: cosineDistance,
            currentSimilarityToReference: current.meanCosineSimilarity(to: referenceCentroid),
            referenceSimilarityToReference: reference.meanCosineSimilarity(to: referenceCentroid),
            norms: try Wasserstein.test(reference.norms, current.norms)
        )
    }
}
