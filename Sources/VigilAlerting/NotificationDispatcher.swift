/// Groups alerts by route and sends each group on Alertmanager's timers, without I/O: it takes the alerts, the
/// silences and the time, and returns the notifications to send. Its state (``groups``) is Codable, so it is
/// stored with the notifications it produced and a restart neither repeats nor forgets one.
public struct NotificationDispatcher: Sendable, Equatable, Codable {
    /// One aggregation group: the alerts of one route with the same group labels.
    public struct Group: Sendable, Equatable, Codable {
        /// The route's identifier in the tree (`0.1`).
        public var route: String
        /// Where its messages go.
        public var receiver: String
        /// The group labels its alerts share.
        public var labels: [String: String]
        /// When its first alert came (its `group_wait` counts from here).
        public var createdAt: Int64
        /// The last time the group's timers were checked and it was due (a flush), notified or not.
        public var flushedAt: Int64?
        /// When its last message was made.
        public var notifiedAt: Int64?
        /// The firing alerts (fingerprints) of the last notification.
        public var notifiedFiring: Set<String>
    }

    /// One message for a receiver: the group's firing alerts and, when the receiver wants them, the ones that
    /// resolved since the last message.
    public struct Notification: Sendable, Equatable {
        /// The receiver's name.
        public var receiver: String
        /// Alertmanager's group key: the route and the group labels.
        public var groupKey: String
        /// The labels the group's alerts share.
        public var groupLabels: [String: String]
        /// The group's firing alerts.
        public var firing: [AlertInstance]
        /// Alerts told as firing before that have resolved since.
        public var resolved: [AlertInstance]
    }

    /// Groups by key.
    public var groups: [String: Group] = [:]

    /// A dispatcher with no groups.
    public init() {}

    /// Why an alert is not notified, if it is not.
    public enum Muting: String, Sendable {
        case silenced, inhibited
    }

    /// The silenced and inhibited alerts among `alerts` (firing ones only: a resolution is never held back).
    public static func muted(_ alerts: [AlertInstance], silences: [Silence], inhibitRules: [InhibitRule], now: Int64) -> [String: Muting] {
        let firing = alerts.filter { $0.state == .firing }.map(\.labels)
        var muted: [String: Muting] = [:]
        for alert in alerts where alert.state == .firing {
            if silences.contains(where: { $0.mutes(alert.labels, at: now) }) {
                muted[alert.fingerprint] = .silenced
            } else if inhibitRules.contains(where: { $0.inhibits(alert.labels, firing: firing) }) {
                muted[alert.fingerprint] = .inhibited
            }
        }
        return muted
    }

    /// The notifications due at `now`.
    ///
    /// - Parameter sendResolved: whether a receiver is told about resolved alerts.
    public mutating func step(
        alerts: [AlertInstance], route: NotificationRoute, muted: [String: Muting], sendResolved: (String) -> Bool, now: Int64
    ) -> [Notification] {
        // Pending alerts are never notified; muted firing ones are left out as if they did not fire.
        let candidates = alerts.filter { $0.state == .resolved || ($0.state == .firing && muted[$0.fingerprint] == nil) }
        var members: [String: [AlertInstance]] = [:]
        for alert in candidates {
            for (id, destination) in route.destinations(for: alert.labels) {
                let labels = destination.groupLabels(alert.labels)
                let key = "\(id):{\(labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ","))}"
                if groups[key] == nil {
                    // A group starts with a firing alert; a resolution alone does not open one.
                    guard alert.state == .firing else { continue }
                    groups[key] = Group(route: id, receiver: destination.receiver, labels: labels, createdAt: now, notifiedFiring: [])
                }
                members[key, default: []].append(alert)
            }
        }
        var notifications: [Notification] = []
        for key in groups.keys.sorted() {
            guard var group = groups[key], let destination = Self.route(group.route, in: route) else {
                groups[key] = nil
                continue
            }
            let alerts = members[key] ?? []
            let firing = alerts.filter { $0.state == .firing }.sorted { $0.fingerprint < $1.fingerprint }
            let firingSet = Set(firing.map(\.fingerprint))
            let due = group.flushedAt.map { now - $0 >= destination.groupInterval } ?? (now - group.createdAt >= destination.groupWait)
            guard due else { continue }
            group.flushedAt = now
            // Alerts notified as firing that are now resolved (or gone, or muted since) count as resolved.
            let resolved = alerts.filter { $0.state == .resolved && group.notifiedFiring.contains($0.fingerprint) }.sorted { $0.fingerprint < $1.fingerprint }
            let changed = firingSet != group.notifiedFiring
            let repeatDue = group.notifiedAt.map { now - $0 >= destination.repeatInterval } ?? true
            let tellsResolved = sendResolved(group.receiver) && !resolved.isEmpty
            if (changed && (!firing.isEmpty || tellsResolved)) || (!firing.isEmpty && repeatDue) {
                notifications.append(
                    Notification(
                        receiver: group.receiver, groupKey: key, groupLabels: group.labels, firing: firing, resolved: sendResolved(group.receiver) ? resolved : []
                    )
                )
                group.notifiedAt = now
            }
            group.notifiedFiring = firingSet
            groups[key] = firing.isEmpty ? nil : group
        }
        return notifications
    }

    /// The route with identifier `id` (`0.1.0`) in the tree.
    static func route(_ id: String, in root: NotificationRoute) -> NotificationRoute? {
        var route = root
        for part in id.split(separator: ".").dropFirst() {
            guard let index = Int(part), route.routes.indices.contains(index) else { return nil }
            route = route.routes[index]
        }
        return route
    }
}
