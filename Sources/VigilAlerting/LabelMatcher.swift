import Foundation

/// A label matcher as Alertmanager writes them: `severity="critical"`, `model_name=~"fraud|churn"`, `team!=risk`.
public struct LabelMatcher: Sendable, Equatable, CustomStringConvertible {
    /// Alertmanager's four operators: equal, not equal, matches and does not match a regular expression.
    public enum Operator: String, Sendable, Equatable, CaseIterable {
        case equal = "=", notEqual = "!=", matches = "=~", doesNotMatch = "!~"
    }

    /// The label.
    public var name: String
    /// How it is compared.
    public var op: Operator
    /// The value, or the regular expression (anchored at both ends).
    public var value: String

    /// A matcher of `name` against `value`.
    public init(_ name: String, _ op: Operator = .equal, _ value: String) {
        self.name = name
        self.op = op
        self.value = value
    }

    /// Reads `name OP value`, the value quoted or not; nil when it is not a matcher, or its regular expression
    /// does not compile.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // The longest operator that follows the name: `=~` before `=`.
        guard let nameEnd = trimmed.firstIndex(where: { "=!~".contains($0) }) else { return nil }
        let name = trimmed[..<nameEnd].trimmingCharacters(in: .whitespaces)
        let rest = trimmed[nameEnd...]
        guard let op = [Operator.matches, .doesNotMatch, .notEqual, .equal].first(where: { rest.hasPrefix($0.rawValue) }), !name.isEmpty else { return nil }
        var value = rest.dropFirst(op.rawValue.count).trimmingCharacters(in: .whitespaces)
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
        self.init(name, op, value)
        if op == .matches || op == .doesNotMatch, (try? Regex(Self.anchored(value))) == nil { return nil }
    }

    /// Alertmanager anchors regular expressions at both ends.
    private static func anchored(_ pattern: String) -> String { "^(?:\(pattern))$" }

    /// Whether `labels` satisfy the matcher; a missing label is the empty string, as in Alertmanager.
    public func matches(_ labels: [String: String]) -> Bool {
        let actual = labels[name] ?? ""
        switch op {
        case .equal: return actual == value
        case .notEqual: return actual != value
        case .matches, .doesNotMatch:
            let found = (try? Regex(Self.anchored(value)).wholeMatch(in: actual)) != nil
            return op == .matches ? found : !found
        }
    }

    /// As Alertmanager writes it: `name="value"`.
    public var description: String { "\(name)\(op.rawValue)\"\(value)\"" }
}

extension Array where Element == LabelMatcher {
    /// Whether every matcher matches.
    public func allMatch(_ labels: [String: String]) -> Bool { allSatisfy { $0.matches(labels) } }
}
