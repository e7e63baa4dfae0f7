import Foundation
import Testing
import VigilCore
import VigilStats

@testable import VigilStore

/// The same tests for every `PredictionLog`: the SQLite store and the in-memory twin keep positions, refuse
/// repeated ids, join labels and forget old predictions alike.
struct PredictionLogConformanceTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, memory
        var testDescription: String { rawValue }
    }

    /// A log with its label side, since a prediction is read back with its label.
    static func make(_ kind: Kind) throws -> any PredictionLog & QualityStore {
        switch kind {
        case .sqlite: try SQLiteStore(directory: SQLiteStoreTests.temporaryDirectory())
        case .memory: InMemoryQualityStore()
        }
    }

    static func prediction(_ id: String, at milliseconds: Int64 = 1_700_000_000_000, version: String = "v1") -> PredictionEvent {
        SQLiteStoreTests.prediction(id, at: milliseconds, version: version)
    }

    static let shadowStart: Int64 = 1_800_000_000_000

    /// A prediction of shadow traffic: `offset` milliseconds after ``shadowStart``, naming its request (or none).
    static func shadowPrediction(_ id: String, _ version: String, _ request: String?, at offset: Int64) -> PredictionEvent {
        var event = prediction(id, at: shadowStart + offset, version: version)
        event.requestId = request
        return event
    }

    @Test(arguments: Kind.allCases)
    func appendsAndReadsBackInLogOrder(_ kind: Kind) async throws {
        let store = try Self.make(kind)
        let events = (0..<250).map { Self.prediction("p\($0)", at: 1_700_000_000_000 + Int64($0), version: $0 % 3 == 0 ? "v2" : "v1") }
        let result = try await store.append(predictions: events, model: "churn")
        #expect(result.stored == 250 && result.alreadyPresent.isEmpty)
        #expect(result.positions.compactMap { $0 }.count == 250)
        let stored = try await store.predictions(model: "churn", after: 0, limit: 1000)
        #expect(stored.map(\.event) == events)
        #expect(zip(stored, stored.dropFirst()).allSatisfy { $0.position < $1.position })
        let tail = try await store.predictions(model: "churn", after: stored[199].position, limit: 1000)
        #expect(tail.map(\.event.id) == (200..<250).map { "p\($0)" })
        #expect(try await store.predictions(model: "churn", after: 0, limit: 7).count == 7)
        _ = try await store.append(predictions: [Self.prediction("x")], model: "a-model")
        #expect(try await store.models() == ["a-model", "churn"])
        #expect(
            try await store.modelVersions() == [
                ModelVersion(model: "a-model", version: "v1"), ModelVersion(model: "churn", version: "v1"),
                ModelVersion(model: "churn", version: "v2"),
            ]
        )
        #expect(try await store.predictions(after: 0, limit: 1000, model: nil).count == 251)
    }

    @Test(arguments: Kind.allCases)
    func resendingIdsNeverCountsTwice(_ kind: Kind) async throws {
        let store = try Self.make(kind)
        _ = try await store.append(predictions: [Self.prediction("a"), Self.prediction("b")], model: "m")
        let again = try await store.append(predictions: [Self.prediction("b"), Self.prediction("c"), Self.prediction("c")], model: "m")
        #expect(again.stored == 1 && again.alreadyPresent == ["b", "c"])
        #expect(again.positions.map { $0 != nil } == [false, true, false])
        #expect(try await store.predictions(model: "m", after: 0, limit: 100).map(\.event.id) == ["a", "b", "c"])
        // The same id under another model is a different prediction.
        #expect(try await store.append(predictions: [Self.prediction("a")], model: "other").stored == 1)
    }

    @Test(arguments: Kind.allCases)
    func labelsJoinWhetherTheyArriveBeforeOrAfter(_ kind: Kind) async throws {
        let store = try Self.make(kind)
        let early = LabelEvent(predictionId: "later", timestampMilliseconds: 1, value: .label("yes"))
        #expect(try await store.append(labels: [early], model: "m").stored == 1)
        _ = try await store.append(predictions: [Self.prediction("first"), Self.prediction("later")], model: "m")
        let late = LabelEvent(predictionId: "first", timestampMilliseconds: 2, value: .number(1))
        _ = try await store.append(labels: [late], model: "m")
        var stored = try await store.predictions(model: "m", after: 0, limit: 10)
        #expect(stored.first { $0.event.id == "first" }?.label == late)
        #expect(stored.first { $0.event.id == "later" }?.label == early)
        // A corrected label replaces the old one and says so.
        let correction = LabelEvent(predictionId: "later", timestampMilliseconds: 3, value: .label("no"))
        #expect(try await store.append(labels: [correction], model: "m") == AppendResult(stored: 1, alreadyPresent: ["later"]))
        #expect(try await store.labelCounts(model: "m") == LabelCounts(labels: 2, matched: 2))
        #expect(try await store.prediction(model: "m", id: "later")?.label == correction)
        #expect(try await store.prediction(model: "m", id: "none") == nil)
        stored = try await store.predictions(model: "m", after: 0, limit: 10)
        #expect(stored.first { $0.event.id == "later" }?.label == correction)
    }

    /// What an unreadable bucket is rebuilt from: its model version's predictions in its span, between two positions.
    @Test(arguments: Kind.allCases)
    func aBucketsPredictionsAreReadByTimeVersionAndPosition(_ kind: Kind) async throws {
        let store = try Self.make(kind)
        let start: Int64 = 1_800_000_000_000
        let events = (0..<20).map { Self.prediction("p\($0)", at: start + Int64($0) * 10_000, version: $0 % 2 == 0 ? "v1" : "v2") }
        let positions = try await store.append(predictions: events, model: "m").positions.compactMap { $0 }
        let key = BucketKey(model: "m", version: "v1", start: start)
        // The first minute holds p0…p5; of v1, p0, p2, p4; after p0's position and up to p4's.
        let read = try await store.predictions(in: key, width: 60_000, after: positions[0], through: positions[4], limit: 100)
        #expect(read.map(\.event.id) == ["p2", "p4"])
        #expect(try await store.predictions(in: key, width: 60_000, after: 0, through: .max, limit: 2).map(\.event.id) == ["p0", "p2"])
    }

    @Test(arguments: Kind.allCases)
    func retentionForgetsOldPredictionsWithTheirLabels(_ kind: Kind) async throws {
        let store = try Self.make(kind)
        _ = try await store.append(predictions: [Self.prediction("old", at: 1_000), Self.prediction("new", at: 9_000)], model: "m")
        _ = try await store.append(labels: [LabelEvent(predictionId: "old", timestampMilliseconds: 1, value: .number(1))], model: "m", lateness: nil)
        #expect(try await store.deletePredictions(before: 5_000) == 1)
        #expect(try await store.predictions(model: "m", after: 0, limit: 10).map(\.event.id) == ["new"])
        #expect(try await store.prediction(model: "m", id: "old") == nil)
        #expect(try await store.labelCounts(model: "m").labels == 0)
        #expect(try await store.labelFolds(after: 0, limit: 10).folds.isEmpty)
    }

    /// Shadow traffic: two versions' predictions of the same request are paired by request id, each version's
    /// first one, with the label that folds for each (a correction's, never a late one's).
    @Test(arguments: Kind.allCases)
    func predictionsSharingARequestIdArePairedAcrossVersions(_ kind: Kind) async throws {
        let store = try Self.make(kind)
        let start = Self.shadowStart
        func event(_ id: String, _ version: String, _ request: String?, at offset: Int64) -> PredictionEvent {
            Self.shadowPrediction(id, version, request, at: offset)
        }
        var events = (0..<10).map { event("a-q\($0)", "v1", "q\($0)", at: Int64($0)) }
        events += (0..<8).map { event("b-q\($0)", "v2", "q\($0)", at: Int64($0)) }
        events += [
            event("b-q0-retry", "v2", "q0", at: 50), event("a-q3-again", "v1", "q3", at: 51), event("a-none", "v1", nil, at: 2),
            event("c-q1", "v3", "q1", at: 1),
        ]
        _ = try await store.append(predictions: events, model: "m")
        _ = try await store.append(predictions: [event("a-q1", "v1", "q1", at: 1), event("b-q1", "v2", "q1", at: 1)], model: "other")
        func label(_ id: String, _ value: String, at offset: Int64 = 100) -> LabelEvent {
            LabelEvent(predictionId: id, timestampMilliseconds: start + offset, value: .label(value))
        }
        _ = try await store.append(labels: [label("a-q1", "yes"), label("b-q2", "no"), label("a-q5", "yes"), label("a-q5", "no")], model: "m", lateness: nil)
        _ = try await store.append(labels: [label("a-q4", "yes", at: 10_000_000)], model: "m", lateness: 60_000)

        let pairs = try await store.requestPairs(model: "m", baseline: "v1", candidate: "v2", range: start..<(start + 8), after: nil, limit: 100)
        #expect(pairs.map(\.requestId) == (0..<8).map { "q\($0)" })
        #expect(pairs.map(\.baseline.event.id) == (0..<8).map { "a-q\($0)" })
        #expect(pairs.map(\.candidate.event.id) == (0..<8).map { "b-q\($0)" })
        #expect(pairs.allSatisfy { $0.baseline.model == "m" && $0.candidate.event.version == "v2" && $0.candidate.event.features.isEmpty })
        #expect(pairs[0].candidate.event.requestId == "q0" && pairs[0].candidate.event.latencyMilliseconds == 12.5)
        #expect(pairs[1].baseline.label?.value == .label("yes") && pairs[1].candidate.label == nil)
        #expect(pairs[2].baseline.label == nil && pairs[2].candidate.label?.value == .label("no"))
        #expect(pairs[4].baseline.label == nil, "a late label does not fold")
        #expect(pairs[5].baseline.label?.value == .label("no"), "the correction folds")
        let page = try await store.requestPairs(model: "m", baseline: "v1", candidate: "v2", range: start..<(start + 8), after: pairs[3], limit: 2)
        #expect(page.map(\.requestId) == ["q4", "q5"])
        // The window holds the baseline's prediction; the candidate's may fall anywhere.
        let late = try await store.requestPairs(model: "m", baseline: "v2", candidate: "v1", range: (start + 5)..<(start + 100), after: nil, limit: 100)
        #expect(late.map(\.requestId) == ["q5", "q6", "q7"])

        // Summed a page of 3 at a time: every pair's latencies; outcomes of the labelled pairs made before
        // start + 6 (q1, q2 and q5: q4's label is late), each judged by the label either side carries.
        let shadow = try await store.shadowPairs(model: "m", baseline: "v1", candidate: "v2", range: start..<(start + 8), maturedBefore: start + 6, pageSize: 3)
        #expect(shadow.paired == 8 && shadow.sums["latency_mean"]?.count == 8)
        #expect(shadow.sums["accuracy"]?.count == 3 && shadow.sums["accuracy"]?.baselineSum == 1 && shadow.sums["accuracy"]?.candidateSum == 1)
        #expect(shadow.baselineRows == 8 && shadow.candidateRows == 8)

        let counts = try await store.requestCounts(model: "m", versions: ["v1", "v2", "v9"], range: start..<(start + 100))
        #expect(counts == ["v1": 10, "v2": 8, "v9": 0])
        #expect(try await store.requestCounts(model: "m", versions: ["v1"], range: start..<(start + 3)) == ["v1": 3])
        // A retry counts where its request was first scored: q0's retry at +50 is not a request of the later window.
        #expect(try await store.requestCounts(model: "m", versions: ["v2"], range: (start + 10)..<(start + 100)) == ["v2": 0])
    }

    /// What changed since a pair of log positions names the times of both versions' first predictions of each
    /// request touched, by a prediction of either version or a label-log entry for one; nothing else.
    @Test(arguments: Kind.allCases)
    func requestChangesNameTheFirstPredictionsOfTheRequestsTouched(_ kind: Kind) async throws {
        let store = try Self.make(kind)
        let start = Self.shadowStart
        func event(_ id: String, _ version: String, _ request: String?, at offset: Int64) -> PredictionEvent {
            Self.shadowPrediction(id, version, request, at: offset)
        }
        _ = try await store.append(predictions: [event("a1", "v1", "q1", at: 10), event("b1", "v2", "q1", at: 20), event("a2", "v1", "q2", at: 30)], model: "m")
        let first = try await store.requestChanges(model: "m", baseline: "v1", candidate: "v2", since: nil)
        #expect(first.times.isEmpty && first.through.prediction > 0 && first.through.label == 0)
        #expect(try await store.requestChanges(model: "m", baseline: "v1", candidate: "v2", since: first.through).times.isEmpty)

        // A candidate's retry of q1, a third version's prediction of q2, another model's, one without a request id.
        _ = try await store.append(predictions: [event("b1-retry", "v2", "q1", at: 500), event("c2", "v3", "q2", at: 40), event("a3", "v1", nil, at: 50)], model: "m")
        _ = try await store.append(predictions: [event("a2", "v1", "q2", at: 60)], model: "other")
        let second = try await store.requestChanges(model: "m", baseline: "v1", candidate: "v2", since: first.through)
        #expect(second.times == [start + 10, start + 20], "q1's first predictions, not the retry's time")

        // A label for a2 (q2, scored by the baseline alone), and one for the third version's prediction.
        _ = try await store.append(
            labels: [
                LabelEvent(predictionId: "a2", timestampMilliseconds: start + 100, value: .label("yes")),
                LabelEvent(predictionId: "c2", timestampMilliseconds: start + 100, value: .label("no")),
            ],
            model: "m",
            lateness: nil
        )
        let third = try await store.requestChanges(model: "m", baseline: "v1", candidate: "v2", since: second.through)
        #expect(third.times == [start + 30] && third.through.label > second.through.label)
        #expect(third.through.prediction == second.through.prediction)
    }
}
