/// An inhibition rule: while an alert matching the source matchers fires, alerts matching the target matchers
/// with the same values of the `equal` labels are not notified. By default a critical alert inhibits the
/// warnings of the same model.
public struct InhibitRule: Sendable, Equatable {
    /// What an inhibiting alert matches.
    public var source: [LabelMatcher]
    /// What an inhibited alert matches.
    public var target: [LabelMatcher]
    /// Labels both must share.
    public var equal: [String]

    /// A rule with every field given.
    public init(source: [LabelMatcher], target: [LabelMatcher], equal: [String]) {
        self.source = source
        self.target = target
        self.equal = equal
    }

    /// The default: a critical alert mutes the warnings of its model.
    public static let criticalMutesWarningOfTheSameModel = InhibitRule(
        source: [LabelMatcher("severity", .equal, "critical")], target: [LabelMatcher("severity", .equal, "warning")], equal: ["model_name"]
    )

    /// Whether `labels` are inhibited by one of the `firing` alerts' label sets (never by themselves).
    public func inhibits(_ labels: [String: String], firing: [[String: String]]) -> Bool {
        guard target.allMatch(labels) else { return false }
        return firing.contains { source in
            source != labels && self.source.allMatch(source) && equal.allSatisfy { source[$0] == labels[$0] }
        }
    }
}
