import Foundation
import Testing
@testable import VigilStats

/// Embedding drift against Evidently's `ratio` and `distance` methods, scipy and numpy, on the vectors
/// written by `scripts/generate_embedding_fixtures.py`.
@Suite struct EmbeddingDriftTests {
    struct Case: Decodable, CustomTestStringConvertible {
        var name: String
        var reference: [[Double]]
        var current: [[Double]]
        var componentScores: [Double]
        var ratio: Double
        var ratioDrifted: Bool
        var euclidean: Double
        var cosine: Double
        var currentSimilarity: Double
        var referenceSimilarity: Double
        var normWasserstein: Double
        var testDescription: String { name }
    }

    struct Fixtures: Decodable { var cases: [Case] }

    static let cases: [Case] = {
        guard let url = Bundle.module.url(forResource: "embedding-drift", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url),
              let fixtures = try? JSONDecoder().decode(Fixtures.self, from: data)
        else { fatalError("Fixtures/embedding-drift.json is missing or unreadable; run scripts/generate_embedding_fixtures.py") }
        return fixtures.cases
    }()

    static func sketch(_ vectors: [[Double]]) -> EmbeddingSketch {
        var sketch = EmbeddingSketch(dimension: vectors[0].count)
        for vector in vectors {
            let added = sketch.add(vector)
            #expect(added)
        }
        return sketch
    }

    /// Centroid distances and similarities come from exact sums: equal to numpy's to rounding.
    /// Component scores are exact while the sketches hold every projection and otherwise within the
    /// error bound the result states.
    @Test(arguments: cases)
    func matchesEvidentlyAndNumpy(_ fixture: Case) throws {
        let reference = Self.sketch(fixture.reference)
        let current = Self.sketch(fixture.current)
        let ratio = try EmbeddingDrift.compare(reference: reference, current: current)
        let exact = reference.projections[0].rankErrorBound == 0 && current.projections[0].rankErrorBound == 0
        #expect(exact == (fixture.reference.count <= EmbeddingSketch.quantileK && fixture.current.count <= EmbeddingSketch.quantileK))
        let tolerance = exact ? 1e-9 : ratio.componentErrorBound
        #expect(ratio.componentErrorBound >= 0 && (!exact || ratio.componentErrorBound == 0))
        let largestError = zip(ratio.componentScores, fixture.componentScores).map { abs($0 - $1) }.max()!
        // The stated bound is the worst case (rank error × support ÷ σ, ~0.3 here); the sketches' actual error
        // is far smaller (0.003 and 0.0065 on the two large cases), and docs/EMBEDDINGS.md quotes 0.02.
        #expect(largestError <= (exact ? 1e-9 : 0.02), "largest component error \(largestError)")
        for (vigil, evidently) in zip(ratio.componentScores, fixture.componentScores) {
            #expect(abs(vigil - evidently) <= tolerance, "component score \(vigil) vs Evidently \(evidently), tolerance \(tolerance)")
        }
        if exact {
            #expect(ratio.score == fixture.ratio)
            #expect(ratio.drifted == fixture.ratioDrifted)
        }
        // Which components cross 0.1 can differ only for components within the bound of it.
        let undecided = fixture.componentScores.filter { abs($0 - EmbeddingDrift.componentThreshold) <= tolerance }.count
        #expect(abs(ratio.score - fixture.ratio) <= Double(undecided) / Double(EmbeddingSketch.componentCount) + 1e-12)
        #expect(abs(ratio.centroidDistance - fixture.euclidean) <= 1e-9 * max(1, fixture.euclidean))
        #expect(abs(try #require(ratio.centroidCosineDistance) - fixture.cosine) <= 1e-9)
        #expect(abs(try #require(ratio.currentSimilarityToReference) - fixture.currentSimilarity) <= 1e-9)
        #expect(abs(try #require(ratio.referenceSimilarityToReference) - fixture.referenceSimilarity) <= 1e-9)
        if exact { #expect(abs(ratio.norms.score - fixture.normWasserstein) <= 1e-9) }

        let distance = try EmbeddingDrift.compare(reference: reference, current: current, method: .distance)
        #expect(distance.score == ratio.centroidDistance)
        #expect(distance.drifted == (fixture.euclidean > 0.2))
        let cosine = try EmbeddingDrift.compare(reference: reference, current: current, method: .cosine, threshold: 0.03)
        #expect(cosine.drifted == (fixture.cosine > 0.03))
    }

    /// A window is a merge of buckets: merging sketches of parts gives the sketch of the whole, up to the
    /// floating-point order of the sums.
    @Test func mergingPartsSummarizesTheWhole() throws {
        let vectors = Self.cases[1].current
        let whole = Self.sketch(vectors)
        var merged = Self.sketch(Array(vectors[..<40]))
        try merged.merge(Self.sketch(Array(vectors[40...])))
        #expect(merged.count == whole.count)
        for (a, b) in zip(merged.sum, whole.sum) { #expect(abs(a - b) <= 1e-9) }
        for (a, b) in zip(merged.unitSum, whole.unitSum) { #expect(abs(a - b) <= 1e-9) }
        for (a, b) in zip(merged.projections, whole.projections) { #expect(a.weightedSample.values == b.weightedSample.values) }
        #expect(throws: MergeError.self) { try merged.merge(EmbeddingSketch(dimension: 3)) }
    }

    @Test func serializationRoundTripsAndRejectsInconsistentParts() throws {
        var sketch = Self.sketch(Self.cases[3].reference)
        let zeroVectors = sketch.zeroVectorCount
        sketch.add(Array(repeating: 0, count: sketch.dimension))
        var encoder = BinaryEncoder()
        sketch.encodePayload(into: &encoder)
        var decoder = BinaryDecoder(encoder.bytes)
        let decoded = try EmbeddingSketch(decodingPayload: &decoder)
        #expect(decoded == sketch)
        #expect(decoded.zeroVectorCount == zeroVectors + 1)

        // The same bytes with the vector count raised by one no longer agree with the norms' count.
        var tampered = BinaryEncoder()
        tampered.writeVarint(sketch.dimension)
        tampered.writeVarint(sketch.count + 1)
        tampered.write(rawBytes: Array(encoder.bytes.dropFirst(tampered.bytes.count)))
        var tamperedDecoder = BinaryDecoder(tampered.bytes)
        #expect(throws: DecodingError.self) { try EmbeddingSketch(decodingPayload: &tamperedDecoder) }
    }

    @Test func rejectsNonFiniteVectorsAndMismatchedDimensions() throws {
        var sketch = EmbeddingSketch(dimension: 2)
        let overflowing = sketch.add([1e200, 1e200])
        #expect(!overflowing && sketch.count == 0)
        let added = sketch.add([3, 4])
        #expect(added)
        #expect(sketch.norms.quantile(0.5) == 5)
        #expect(throws: DriftTestError.self) { try EmbeddingDrift.compare(reference: sketch, current: EmbeddingSketch(dimension: 2)) }
        #expect(throws: DriftTestError.self) { try EmbeddingDrift.compare(reference: sketch, current: EmbeddingSketch(dimension: 3)) }
    }
}
