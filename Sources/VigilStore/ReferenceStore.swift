/// Each model's reference: the profile its live traffic is compared with, and where it came from. Setting one
/// replaces the model's previous reference.
///
/// Implementations: ``SQLiteStore`` and ``InMemoryReferenceStore``, held to one conformance suite
/// (`ReferenceStoreConformanceTests`).
public protocol ReferenceStore: Sendable {
    /// Sets (or replaces) a model's reference.
    func setReference(_ reference: StoredReference, model: String) async throws(StoreError)
    /// A model's reference; nil when none was set.
    func reference(model: String) async throws(StoreError) -> StoredReference?
}
