import Foundation
import Testing
import VigilStats
@testable import VigilCore

/// Dataset profiles: built from batches, merged from shards, written and read back, and compared.
struct DatasetProfileTests {
    static func normal(_ count: Int, mean: Double, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        func unit() -> Double { (Double(generator.next() >> 11) + 0.5) * 0x1p-53 }
        return (0..<count).map { _ in mean + (-2 * log(unit())).squareRoot() * cos(2 * .pi * unit()) }
    }

    static func categories(_ count: Int, skew: Bool, seed: UInt64) -> [String?] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { index in
            if index % 50 == 0 { return nil }
            let draw = generator.next() % 100
            return skew ? (draw < 60 ? "red" : draw < 80 ? "green" : "blue") : (draw < 34 ? "red" : draw < 67 ? "green" : "blue")
        }
    }

    /// Three columns: `stable` unchanged, `shifted` moves by `shift`, `color` changes mix when `skew`.
    static func profile(rows: Int, shift: Double, skew: Bool, seed: UInt64) throws -> DatasetProfile {
        var builder = try ProfileBuilder(schema: [("stable", .numeric), ("shifted", .numeric), ("color", .categorical)])
        try normal(rows, mean: 0, seed: seed).withUnsafeBufferPointer { try builder.append($0, to: "stable") }
        try normal(rows, mean: shift, seed: seed + 1).withUnsafeBufferPointer { try builder.append($0, to: "shifted") }
        try builder.append(categories(rows, skew: skew, seed: seed + 2), to: "color")
        return try builder.finish()
    }

    @Test func profileRoundTripsThroughBytes() throws {
        let profile = try Self.profile(rows: 5000, shift: 0, skew: false, seed: 1)
        let bytes = profile.serialized()
        let decoded = try DatasetProfile(serialized: bytes)
        #expect(decoded == profile)
        #expect(decoded.columnNames == ["stable", "shifted", "color"])
        #expect(decoded.rowCount == 5000)
        var damaged = bytes
        damaged[bytes.count / 2] ^= 1
        #expect(throws: DecodingError.self) { try DatasetProfile(serialized: damaged) }
    }

    @Test func shardsMergeIntoOneProfile() throws {
        var merged = DatasetProfile()
        for seed in [10, 20, 30] as [UInt64] { try merged.merge(try Self.profile(rows: 1000, shift: 0, skew: false, seed: seed)) }
        #expect(merged.rowCount == 3000)
        guard case .categorical(let color) = merged[column: "color"] else { Issue.record("color is not categorical"); return }
        #expect(color.missingCount == 60)
        #expect(color.count == 2940)
        var other = try ProfileBuilder(schema: [("stable", .numeric)]).finish()
        #expect(throws: ProfileError.self) { try other.merge(merged) }
    }

    @Test func unevenColumnsAreRejected() throws {
        var builder = try ProfileBuilder(schema: [("a", .numeric), ("b", .numeric)])
        try [1.0, 2].withUnsafeBufferPointer { try builder.append($0, to: "a") }
        try [1.0].withUnsafeBufferPointer { try builder.append($0, to: "b") }
        #expect(throws: ProfileError.self) { try builder.finish() }
        #expect(throws: ProfileError.self) { try builder.append(["x"], to: "a") }
    }

    @Test func driftAnalysisFindsTheShiftedColumns() throws {
        let reference = try Self.profile(rows: 20_000, shift: 0, skew: false, seed: 100)
        let current = try Self.profile(rows: 15_000, shift: 0.5, skew: true, seed: 200)
        let drift = DatasetDrift.analyze(reference: reference, current: current)
        let verdicts = Dictionary(uniqueKeysWithValues: drift.columns.map { ($0.column, $0.result) })
        #expect(verdicts["stable"]?.method == .wasserstein)
        #expect(verdicts["stable"]?.drifted == false)
        #expect(verdicts["shifted"]?.drifted == true)
        #expect(verdicts["color"]?.method == .jensenShannon)
        #expect(verdicts["color"]?.drifted == true)
        #expect(drift.driftShare == 2.0 / 3.0)
        #expect(drift.datasetDrifted)
        #expect(drift.schemaIssues.isEmpty)
    }

    @Test func overridesAndSchemaChangesAreReported() throws {
        let reference = try Self.profile(rows: 5000, shift: 0, skew: false, seed: 1)
        var builder = try ProfileBuilder(schema: [("stable", .categorical), ("color", .categorical), ("extra", .numeric)])
        try builder.append(Array(repeating: "x", count: 10), to: "stable")
        try builder.append(Array(repeating: "red", count: 10), to: "color")
        try Array(repeating: 1.0, count: 10).withUnsafeBufferPointer { try builder.append($0, to: "extra") }
        let current = try builder.finish()
        let options = DriftOptions(columns: ["color": .init(method: .populationStabilityIndex, threshold: 0.2)])
        let drift = DatasetDrift.analyze(reference: reference, current: current, options: options)
        #expect(drift.schemaIssues.contains(.kindChanged(column: "stable", reference: .numeric, current: .categorical)))
        #expect(drift.schemaIssues.contains(.missingInCurrent(column: "shifted")))
        #expect(drift.schemaIssues.contains(.addedInCurrent(column: "extra")))
        #expect(drift.columns.map(\.column) == ["color"])
        #expect(drift.columns.first?.result.method == .populationStabilityIndex)
        #expect(drift.columns.first?.result.threshold == 0.2)
    }
}
