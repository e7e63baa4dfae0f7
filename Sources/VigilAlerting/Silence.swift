/// A silence: while active, alerts whose labels match every matcher are not notified (they still fire and are
/// listed, marked silenced).
public struct Silence: Sendable, Equatable, Codable {
    /// Its identifier (a UUID).
    public var id: String
    /// Alertmanager matchers, every one of which a silenced alert matches.
    public var matchers: [String]
    /// Milliseconds since 1970.
    public var startsAt: Int64
    /// When it expires.
    public var endsAt: Int64
    /// Who made it.
    public var createdBy: String
    /// Why.
    public var comment: String

    /// A silence with every field given.
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
