import Synchronization
import VigilCore
import HTTPTypes

/// Admits models and versions up to the configured limits, so that no client can flood Prometheus with
/// series (each model and version adds several) or the store with unbounded names.
final class CardinalityGuard: Sendable {
    private let maxModels: Int
    private let maxVersionsPerModel: Int
    private let known: Mutex<[String: Set<String>]>

    init(maxModels: Int, maxVersionsPerModel: Int, known: [String: Set<String>]) {
        self.maxModels = maxModels
        self.maxVersionsPerModel = maxVersionsPerModel
        self.known = Mutex(known)
    }

    /// Admits `versions` of `model`, or says which limit they would cross; nothing is admitted then.
    func admit(model: String, versions: Set<String>) throws(Problem) {
        try known.withLock { (known: inout [String: Set<String>]) throws(Problem) in
            if known[model] == nil && known.count >= maxModels {
                throw Problem(
                    .unprocessableContent, "cardinality-limit", title: "Too many models",
                    detail: "model \"\(model)\" would be model \(known.count + 1); the server accepts \(maxModels) (max_models)"
                )
            }
            let merged = known[model, default: []].union(versions)
            if merged.count > maxVersionsPerModel {
                let new = versions.subtracting(known[model, default: []]).sorted()
                throw Problem(
                    .unprocessableContent, "cardinality-limit", title: "Too many versions",
                    detail: "model \"\(model)\" would have \(merged.count) versions with \(new.joined(separator: ", ")); the server accepts \(maxVersionsPerModel) (max_versions_per_model)"
                )
            }
            known[model] = merged
        }
    }

    /// Known models and their versions, sorted.
    var models: [(model: String, versions: [String])] {
        known.withLock { $0.map { ($0.key, $0.value.sorted()) }.sorted { $0.model < $1.model } }
    }

    func versions(of model: String) -> [String]? { known.withLock { $0[model]?.sorted() } }
}

extension CardinalityGuard {
    /// The versions of a model with predictions, and the one a request asks for (nil: all of them).
    /// - Throws: 404 when the model has no predictions or no such version.
    func versions(of model: String, asked version: String?) throws(Problem) -> (all: [String], chosen: String?) {
        guard let versions = versions(of: model) else { throw Problem.notFound("model \"\(model)\" has no predictions") }
        if let version, !versions.contains(version) {
            throw Problem.notFound("model \"\(model)\" has no version \"\(version)\" (it has \(versions.joined(separator: ", ")))")
        }
        return (versions, version)
    }
}
