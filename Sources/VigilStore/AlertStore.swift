public import VigilAlerting

/// The part of the store that alerting stands on: the state of every pending, firing or recently resolved
/// alert, and the append-only history of their transitions.
///
/// State and history are written in one transaction per evaluation, so after a crash the stored alerts are
/// exactly those of the last evaluation that completed: a restart neither forgets a firing alert (and pages
/// again from scratch) nor drops a resolution that was due.
public protocol AlertStore: Sendable {
    /// The stored alerts, in fingerprint order.
    func alerts() async throws(StoreError) -> [AlertInstance]

    /// In one transaction: replaces (or adds) `changed`, deletes the alerts whose fingerprints are in
    /// `removed`, and appends `history` in order.
    func saveAlerts(_ changed: [AlertInstance], removing removed: [String], history: [AlertTransition]) async throws(StoreError)

    /// The newest `limit` transitions, newest first.
    func alertHistory(limit: Int) async throws(StoreError) -> [AlertTransition]
}
