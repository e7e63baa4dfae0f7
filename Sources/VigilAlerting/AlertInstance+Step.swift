/// What one evaluation saw for an alert.
public enum AlertObservation: Sendable, Equatable {
    /// The metric's value, and the events it stands on.
    case value(Double, events: Int)
    /// The window had nothing to measure, or the alert's series is gone.
    case noData
}

extension AlertRule {
    /// The next state of an alert (nil = inactive) after an observation at `now`, and the transition if the state
    /// changed. No I/O and no clock: the caller passes the time, so every path is tested by moving `now`.
    ///
    /// - Parameters:
    ///   - instance: the alert's current state; nil when inactive.
    ///   - fingerprint, labels: the alert's identity.
    ///   - annotations: its text, evaluated only for an alert that is (or becomes) active: most samples of an
    ///     evaluation breach nothing, and filling their templates was most of a cycle's time.
    public func step(
        _ instance: AlertInstance?, observation: AlertObservation, now: Int64, fingerprint: String, labels: [String: String],
        annotations: @autoclosure () -> [String: String]
    ) -> (instance: AlertInstance?, transition: AlertTransition?) {
        let live = instance.flatMap { $0.state == .resolved ? nil : $0 }
        let condition: Bool
        var value = instance?.value
        var reason: String?
        switch observation {
        case .value(let observed, let events):
            value = observed
            if events < minimumEvents {
                condition = false
                reason = "too few events (\(events) < \(minimumEvents))"
            } else {
                condition = breaches(observed, active: live != nil)
            }
        case .noData:
            reason = "no data"
            switch noData {
            case .ok: condition = false
            case .alerting: condition = true
            case .keep:
                // Nothing changes while there is nothing to measure; a resolved alert stays as it is.
                return (instance, nil)
            }
        }
        func transition(_ from: String, _ to: AlertInstance.State?, _ next: AlertInstance?) -> (AlertInstance?, AlertTransition?) {
            (next, AlertTransition(time: now, fingerprint: fingerprint, rule: name, labels: labels, from: from, to: to?.rawValue ?? "inactive", value: value, reason: reason))
        }
        guard var current = live else {
            guard condition else { return (instance, nil) }
            // Inactive (or resolved) → pending; with no `for`, straight to firing, as Prometheus does.
            let fires = holdFor <= 0
            let next = AlertInstance(
                fingerprint: fingerprint, rule: name, labels: labels, annotations: annotations(), state: fires ? .firing : .pending, activeAt: now,
                firedAt: fires ? now : nil, lastTrueAt: now, value: value, lastSentAt: instance?.lastSentAt
            )
            return transition(instance?.state.rawValue ?? "inactive", next.state, next)
        }
        current.value = value
        current.annotations = annotations()
        if condition {
            current.lastTrueAt = now
            current.keepFiringSince = nil
            if current.state == .pending, now - current.activeAt >= holdFor {
                current.state = .firing
                current.firedAt = now
                return transition("pending", .firing, current)
            }
            return (current, nil)
        }
        switch current.state {
        case .pending:
            // A pending alert whose condition stops goes back to inactive, unsent.
            return transition("pending", nil, nil)
        case .firing:
            // Counted from the first evaluation without the condition, as Prometheus counts it: with a 1-minute
            // interval and `keep_firing_for: 5m`, an alert last true at 10:00 still fires at 10:05.
            if keepFiringFor > 0 {
                let since = current.keepFiringSince ?? now
                if now - since < keepFiringFor {
                    current.keepFiringSince = since
                    return (current, nil)
                }
            }
            current.state = .resolved
            current.resolvedAt = now
            return transition("firing", .resolved, current)
        case .resolved:
            return (current, nil)
        }
    }
}
