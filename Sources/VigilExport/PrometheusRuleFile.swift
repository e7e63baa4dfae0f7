/// A Prometheus rule file (`rule_files:`), as `promtool check rules` reads it.
public struct PrometheusRuleFile: Sendable, Equatable, Encodable {
    /// A rule group: its rules run one after the other at one evaluation time, so an alert reads the recording
    /// rules above it as they are at that time.
    public struct Group: Sendable, Equatable, Encodable {
        /// The group's name.
        public var name: String
        /// Its rules, recording rules first.
        public var rules: [Rule]
    }

    /// A recording or an alerting rule.
    public struct Rule: Sendable, Equatable, Encodable {
        /// The recorded series' name (`level:metric:operations`), for a recording rule.
        public var record: String?
        /// The alert's name, for an alerting rule.
        public var alert: String?
        /// The PromQL expression.
        public var expr: String
        /// `for`, as a Prometheus duration.
        public var holdFor: String?
        /// `keep_firing_for`, as a Prometheus duration.
        public var keepFiringFor: String?
        /// Labels added to the series or alert.
        public var labels: SortedMap?
        /// An alert's annotations (Go templates).
        public var annotations: SortedMap?

        enum CodingKeys: String, CodingKey {
            case record, alert, expr, holdFor = "for", keepFiringFor = "keep_firing_for", labels, annotations
        }

        /// A recording rule.
        public static func recording(_ name: String, _ expr: String, labels: [String: String] = [:]) -> Rule {
            Rule(record: name, expr: expr, labels: labels.isEmpty ? nil : SortedMap(labels))
        }
    }

    /// The groups.
    public var groups: [Group]
}

/// A string map written with its keys in order, so that an export is the same file every time.
public struct SortedMap: Sendable, Equatable, Encodable {
    /// The entries.
    public var entries: [String: String]

    /// A map.
    public init(_ entries: [String: String]) { self.entries = entries }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Encodes the entries sorted by key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for key in entries.keys.sorted() { try container.encode(entries[key]!, forKey: Key(stringValue: key)) }
    }
}
