import Foundation
import VigilCore
import Yams

/// Reads the YAML settings file shared by `profile`, `report` and `check`.
enum ReportConfigurationFile {
    /// The configuration at `path`, or nil when no path was given. Unknown keys are errors, so a misspelt
    /// setting is not silently ignored.
    static func load(_ path: String?) throws -> ReportConfiguration? {
        guard let path else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw DatasetError(file: path, "cannot be read") }
        let configuration: ReportConfiguration
        do { configuration = try YAMLDecoder().decode(ReportConfiguration.self, from: text) } catch {
            throw DatasetError(file: path, "is not a valid configuration: \(ConfigurationErrors.describe(error))")
        }
        if let unknown = ConfigurationErrors.unknownKeys(in: (try? Yams.load(yaml: text)) ?? nil).first {
            throw DatasetError(file: path, "unknown setting \"\(unknown)\"")
        }
        return configuration
    }
}

/// A configuration decoding error in one line: the key path and what was wrong.
enum ConfigurationErrors {
    /// The settings a configuration may have, by section.
    static let knownKeys: [String: Set<String>] = [
        "": ["delimiter", "columns", "drift", "quality"],
        "columns": ["categorical", "numeric", "ignore", "id", "timestamp", "target", "prediction", "positive_class", "scores"],
        "drift": ["numeric_method", "categorical_method", "threshold", "dataset_drift_share", "embedding_method", "embedding_threshold", "columns"],
        "quality": ["missing", "out_of_range", "duplicates"],
    ]

    /// Keys of the loaded YAML that no section knows, as dotted paths.
    static func unknownKeys(in document: Any?) -> [String] {
        guard let root = document as? [String: Any] else { return [] }
        var unknown = [String]()
        for (key, value) in root {
            guard knownKeys[""]!.contains(key) else {
                unknown.append(key)
                continue
            }
            if let section = knownKeys[key], let entries = value as? [String: Any] {
                unknown += entries.keys.filter { !section.contains($0) }.map { "\(key).\($0)" }
            }
        }
        return unknown.sorted()
    }

    static func describe(_ error: any Error) -> String {
        guard let decoding = error as? Swift.DecodingError else { return "\(error)" }
        func path(_ context: Swift.DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch decoding {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing \(key.stringValue)"
        @unknown default:
            return "\(error)"
        }
    }
}
