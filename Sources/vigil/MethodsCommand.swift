import ArgumentParser
import Foundation
import VigilStats

/// `vigil methods`: the drift methods Vigil knows, their defaults, and how it picks one.
struct MethodsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "methods",
        abstract: "List the drift methods (columns and embeddings), their default thresholds, and the automatic selection rule."
    )

    func run() {
        print("method".padding(toLength: 18, withPad: " ", startingAt: 0) + "data".padding(toLength: 24, withPad: " ", startingAt: 0) + "drift when")
        for method in DriftMethod.allCases {
            let data = [method.acceptsNumeric ? "numeric" : nil, method.acceptsCategorical ? "categorical" : nil]
                .compactMap { $0 }.joined(separator: ", ")
            let comparison = method == .kolmogorovSmirnov ? "p ≤" : method.yieldsPValue ? "p <" : "score ≥"
            print(method.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0) + data.padding(toLength: 24, withPad: " ", startingAt: 0) + "\(comparison) \(method.defaultThreshold)")
        }
        print("""

        Automatic selection (Evidently's defaults):
          reference ≤ \(DriftTestSelection.smallReferenceLimit) rows: numeric → ks; categorical → chisquare, or z when binary
          reference > \(DriftTestSelection.smallReferenceLimit) rows: numeric → wasserstein (normed by reference std); categorical → jensenshannon
          numeric columns with ≤ \(DriftTestSelection.categoricalDistinctLimit) distinct values are tested as categorical
        Dataset drift: at least 50% of columns drifted (configurable).

        Vector (embedding) columns, --embedding-method (docs/EMBEDDINGS.md):
        """)
        for method in EmbeddingDriftMethod.allCases {
            let score = switch method {
            case .ratio: "share of \(EmbeddingSketch.componentCount) random projections with normed Wasserstein ≥ \(EmbeddingDrift.componentThreshold)"
            case .distance: "Euclidean distance between the centroids"
            case .cosine: "cosine distance between the centroids"
            }
            print("  " + method.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + "\(score); drift when > \(method.defaultThreshold)" + (method == .ratio ? " (default)" : ""))
        }
        print("Embedding drift does not count in the dataset drift share; a drifted embedding fails `vigil check`.")
    }
}
