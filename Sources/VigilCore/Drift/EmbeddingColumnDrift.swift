public import VigilStats

/// Embedding drift of one vector column: the reference's vectors against the current ones.
public struct EmbeddingColumnDrift: Sendable, Equatable {
    public var column: String
    public var referenceVectors: Int
    public var currentVectors: Int
    /// The comparison; nil when it could not run, and then `problem` says why.
    public var result: EmbeddingDriftResult?
    public var problem: String?

    /// Every embedding of the reference that is not ignored, in name order, against the current profile.
    static func analyze(reference: DatasetProfile, current: DatasetProfile, options: DriftOptions) -> [EmbeddingColumnDrift] {
        reference.embeddings.keys.sorted().filter { !options.ignoredColumns.contains($0) }.map { name in
            let referenceSketch = reference.embeddings[name]!
            var entry = EmbeddingColumnDrift(column: name, referenceVectors: referenceSketch.count, currentVectors: 0)
            guard let currentSketch = current.embeddings[name], currentSketch.count > 0 else {
                entry.problem = "no current vectors"
                return entry
            }
            entry.currentVectors = currentSketch.count
            do throws(DriftTestError) {
                entry.result = try EmbeddingDrift.compare(
                    reference: referenceSketch, current: currentSketch, method: options.embeddingMethod, threshold: options.embeddingThreshold
                )
            } catch {
                entry.problem = error.description
            }
            return entry
        }
    }
}
