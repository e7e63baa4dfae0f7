import Foundation
import Testing
import VigilCore

@testable import VigilStore

/// The same tests for every `ReferenceStore`: SQLite and the in-memory twin keep one reference per model.
struct ReferenceStoreConformanceTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, memory
        var testDescription: String { rawValue }
    }

    static func make(_ kind: Kind) throws -> any ReferenceStore {
        switch kind {
        case .sqlite: try SQLiteStore(directory: SQLiteStoreTests.temporaryDirectory())
        case .memory: InMemoryReferenceStore()
        }
    }

    @Test(arguments: Kind.allCases)
    func aModelsReferenceIsKeptWholeAndReplaced(_ kind: Kind) async throws {
        let store = try Self.make(kind)
        var profile = LiveProfile()
        profile.add(SQLiteStoreTests.prediction("r"))
        let reference = StoredReference(profile: profile.features.datasetProfile(), source: "train.csv", createdMilliseconds: 5)
        try await store.setReference(reference, model: "m")
        #expect(try await store.reference(model: "m") == reference)
        #expect(try await store.reference(model: "none") == nil)
        profile.add(SQLiteStoreTests.prediction("s"))
        let newer = StoredReference(profile: profile.features.datasetProfile(), source: "production 2026-11", createdMilliseconds: 9)
        try await store.setReference(newer, model: "m")
        #expect(try await store.reference(model: "m") == newer)
        try await store.setReference(reference, model: "other")
        #expect(try await store.reference(model: "m") == newer)
        #expect(try await store.reference(model: "other") == reference)
    }
}
