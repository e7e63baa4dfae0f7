/// References in memory: the twin of ``SQLiteStore``'s ``ReferenceStore`` part, held to the same conformance tests.
public actor InMemoryReferenceStore: ReferenceStore {
    private var references: [String: StoredReference] = [:]

    public init() {}

    public func setReference(_ reference: StoredReference, model: String) throws(StoreError) { references[model] = reference }

    public func reference(model: String) throws(StoreError) -> StoredReference? { references[model] }
}
