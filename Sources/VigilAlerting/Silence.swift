/// A silence: while active, alerts whose labels match every matcher are not notified (they still fire and are
/// listed, marked silenced).
public struct Silence: Sendable, Equatable, Codable {
    public var id: String
    public var matchers: [String]
    /// Milliseconds since 1970.
    public var startsAt: Int64
    public var endsAt: Int64
    public var createdBy: String
    public var comment: String

    public init(id: String, matchers: [String], startsAt: Int64, endsAt: Int64, createdBy: String, comment: String) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
    }

    /// `pending` before it starts, `active`, `expired` after it ends.
    public func state(at now: Int64) -> String { now < startsAt ? "pending" : now < endsAt ? "active" : "expired" }

    /// Whether it silences `labels` at `now`.
    public func mutes(_ labels: [String: String], at now: Int64) -> Bool {
        guard startsAt <= now, now < endsAt else { return false }
        let parsed = matchers.compactMap(LabelMatcher.init(parsing:))
        return parsed.count == matchers.count && parsed.allMatch(labels)
    }
}

/// An inhibition rule: while an alert matching the source matchers fires, alerts matching the target matchers
/// with the same values of the `equal` labels are not notified. By default a critical alert inhibits the
/// warnings of the same model.
public struct InhibitRule: Sendable, Equatable {
    public var source: [LabelMatcher]
    public var target: [LabelMatcher]
    public var equal: [String]

    public init(source: [LabelMatcher], target: [LabelMatcher], equal: [String]) {
        self.source = source
        self.target = target
        self.equal = equal
    }

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
