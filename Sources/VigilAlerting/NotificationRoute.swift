/// Alertmanager's routing tree, evaluated by Vigil itself when there is no Alertmanager: an alert goes to the
/// deepest matching route (the first matching child, and the ones after it while `continue` is set), and is
/// grouped there with the alerts that share the route's `group_by` labels.
public struct NotificationRoute: Sendable, Equatable {
    /// Where the route's groups are sent.
    public var receiver: String
    /// Labels an alert must match to take this route (the root takes every alert).
    public var matchers: [LabelMatcher]
    /// Labels that form a group; `["..."]` groups by every label (one alert per group); empty: one group.
    public var groupBy: [String]
    /// Milliseconds before a new group's first notification (30 s by default), so alerts that fire together
    /// arrive together.
    public var groupWait: Int64
    /// Milliseconds between notifications of a group whose alerts changed (5 minutes).
    public var groupInterval: Int64
    /// Milliseconds before an unchanged firing group is notified again (4 hours).
    public var repeatInterval: Int64
    /// Whether the alert also tries the routes after this one when it matches.
    public var continueMatching: Bool
    /// Child routes, tried in order.
    public var routes: [NotificationRoute]

    /// A route with Alertmanager's defaults: grouped by alert name and model, 30 s / 5 m / 4 h.
    public init(
        receiver: String, matchers: [LabelMatcher] = [], groupBy: [String] = ["alertname", "model_name"], groupWait: Int64 = 30_000,
        groupInterval: Int64 = 300_000, repeatInterval: Int64 = 14_400_000, continueMatching: Bool = false, routes: [NotificationRoute] = []
    ) {
        self.receiver = receiver
        self.matchers = matchers
        self.groupBy = groupBy
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
        self.continueMatching = continueMatching
        self.routes = routes
    }

    /// The routes `labels` end up at, each with an identifier (its path in the tree: `0`, `0.1`, …).
    public func destinations(for labels: [String: String]) -> [(id: String, route: NotificationRoute)] {
        destinations(for: labels, id: "0") ?? [("0", self)]
    }

    private func destinations(for labels: [String: String], id: String) -> [(id: String, route: NotificationRoute)]? {
        guard matchers.allMatch(labels) else { return nil }
        var found: [(id: String, route: NotificationRoute)] = []
        for (index, child) in routes.enumerated() {
            guard let below = child.destinations(for: labels, id: "\(id).\(index)") else { continue }
            found += below
            if !child.continueMatching { break }
        }
        return found.isEmpty ? [(id, self)] : found
    }

    /// The labels of `labels` that name its group on this route.
    public func groupLabels(_ labels: [String: String]) -> [String: String] {
        if groupBy == ["..."] { return labels }
        return labels.filter { groupBy.contains($0.key) }
    }

    /// Every receiver name the tree uses.
    public var receivers: Set<String> { routes.reduce(Set([receiver])) { $0.union($1.receivers) } }
}
