import Foundation

/// Small pieces of PromQL, written one way everywhere.
enum PromQL {
    /// `{a="1",b="2"}` with the labels in order; empty for no matchers. Values are escaped as PromQL strings.
    static func selector(_ matchers: [String: String]) -> String {
        guard !matchers.isEmpty else { return "" }
        return "{" + matchers.keys.sorted().map { "\($0)=\(quoted(matchers[$0]!))" }.joined(separator: ",") + "}"
    }

    /// A PromQL double-quoted string.
    static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// `sum by (a, b)`.
    static func by(_ labels: [String]) -> String { "by (\(labels.joined(separator: ", ")))" }

    /// A window as Prometheus writes durations and Vigil labels its gauges (`5m`, `1h`, `7d`).
    static func duration(_ milliseconds: Int64) -> String {
        for (suffix, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where milliseconds % size == 0 {
            return "\(milliseconds / size)\(suffix)"
        }
        return "\(milliseconds)ms"
    }

    /// The `le` label of a histogram bucket as Vigil's exposition writes it (`0.5`, `1.0`).
    static func bucketLabel(_ bound: Double) -> String { "\(bound)" }
}
