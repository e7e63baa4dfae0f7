import ArgumentParser
import VigilCore
import VigilStats

extension ReportConfiguration.Drift {
    /// Sets what this `drift:` section of a configuration file names on `options`; `report`, `check` and
    /// `serve` read the section alike.
    /// - Throws: `ValidationError` naming an unknown method.
    func apply(to options: inout DriftOptions) throws {
        if let share = datasetDriftShare { options.datasetDriftShare = share }
        if let name = numericMethod { options.numericMethod = try parseMethod(name) }
        if let name = categoricalMethod { options.categoricalMethod = try parseMethod(name) }
        if let threshold { options.threshold = threshold }
        if let name = embeddingMethod { options.embeddingMethod = try parseEmbeddingMethod(name) }
        if let threshold = embeddingThreshold {
            guard threshold >= 0 && threshold.isFinite else { throw ValidationError("embedding_threshold must be a number ≥ 0 (got \(threshold))") }
            options.embeddingThreshold = threshold
        }
        for (column, entry) in columns ?? [:] {
            options.columns[column] = DriftOptions.ColumnOverride(method: try entry.method.map(parseMethod), threshold: entry.threshold)
        }
    }
}

/// A drift method by its name, or a usage error listing the names.
func parseMethod(_ name: String) throws -> DriftMethod {
    guard let method = DriftMethod(rawValue: name) else {
        throw ValidationError("unknown drift method \"\(name)\"; methods: \(DriftMethod.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return method
}

/// An embedding drift method by its name, or a usage error listing the names.
func parseEmbeddingMethod(_ name: String) throws -> EmbeddingDriftMethod {
    guard let method = EmbeddingDriftMethod(rawValue: name) else {
        throw ValidationError("unknown embedding drift method \"\(name)\"; methods: \(EmbeddingDriftMethod.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return method
}
