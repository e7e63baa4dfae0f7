import Foundation
import Testing
import VigilCore
import VigilStats
import VigilStore

@testable import VigilServer

/// Pairs kept span by span give what pairing the whole window from the log gives, whatever was logged between
/// two reads: new requests, retries, candidates scoring old requests, labels and their corrections.
struct ShadowPairCacheTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, memory
        var testDescription: String { rawValue }
    }

    static func make(_ kind: Kind) throws -> any PredictionLog & QualityStore {
        switch kind {
        case .sqlite: try SQLiteStore(directory: TestServer.temporaryDirectory())
        case .memory: InMemoryQualityStore()
        }
    }

    @Test(arguments: Kind.allCases)
    func keptSpansGiveTheSamePairsAsTheLogAfterEveryChange(_ kind: Kind) async throws {
        let store = try Self.make(kind)
        let hour: Int64 = 3_600_000
        let start: Int64 = 1_800_000_000_000 / hour * hour
        let now = start + 12 * hour
        let cache = ShadowPairCache(retentionMilliseconds: nil)
        var generator = SplitMix64(seed: 17)
        var predictions = 0
        var labelled: [String] = []
        // Latencies and labels are whole numbers, so that sums taken hour by hour equal sums taken pair by pair.
        func prediction(version: String, request: Int, at time: Int64) -> PredictionEvent {
            predictions += 1
            var event = PredictionEvent(
                id: "p\(predictions)",
                timestampMilliseconds: time,
                version: version,
                features: [:],
                prediction: .label(generator.next() % 2 == 0 ? "yes" : "no"),
                latencyMilliseconds: Double(generator.next() % 50)
            )
            event.requestId = "q\(request)"
            return event
        }
        for step in 0..<12 {
            // New requests in the step's hour, a few scored by the candidate an hour or more later (a replay), a few
            // retried, a few scored by one version alone; labels for some, corrections of earlier ones.
            var batch: [PredictionEvent] = []
            for index in 0..<30 {
                let request = step * 100 + index
                let time = start + Int64(step) * hour + Int64(generator.next() % UInt64(hour))
                batch.append(prediction(version: "v1", request: request, at: time))
                if index % 7 != 0 { batch.append(prediction(version: "v2", request: request, at: time + Int64(generator.next() % 1000))) }
                if index % 11 == 0 { batch.append(prediction(version: "v1", request: request, at: time + 5)) }
            }
            if step > 2 {
                for index in stride(from: 0, to: 30, by: 7) {
                    batch.append(prediction(version: "v2", request: (step - 2) * 100 + index, at: start + Int64(step) * hour + 10))
                }
            }
            _ = try await store.append(predictions: batch, model: "m")
            var labels = batch.filter { _ in generator.next() % 3 == 0 }.map {
                LabelEvent(
                    predictionId: $0.id,
                    timestampMilliseconds: $0.timestampMilliseconds + 60_000,
                    value: .label(generator.next() % 2 == 0 ? "yes" : "no")
                )
            }
            labels += labelled.suffix(3).map { LabelEvent(predictionId: $0, timestampMilliseconds: start + Int64(step) * hour, value: .label("yes")) }
            labelled += labels.map(\.predictionId)
            _ = try await store.append(labels: labels, model: "m", lateness: nil)

            for (range, matured) in [
                (start..<now, start + Int64(step) * hour + hour / 2), (start..<now, nil), ((start + hour / 3)..<(now - hour / 5), start + 4 * hour),
                ((start + 2 * hour)..<(start + 5 * hour), start + 5 * hour), ((start + 2 * hour + hour / 2)..<(start + 3 * hour + hour / 4), now),
                ((start + 3 * hour + 10)..<(start + 3 * hour + 5000), now), ((start + 3 * hour + 500_000)..<(start + 3 * hour + 700_000), nil),
            ] as [(Range<Int64>, Int64?)] {
                let kept = try await cache.pairs(
                    store: store,
                    model: "m",
                    baseline: "v1",
                    candidate: "v2",
                    range: range,
                    maturedBefore: matured,
                    now: now
                )
                let read = try await store.shadowPairs(model: "m", baseline: "v1", candidate: "v2", range: range, maturedBefore: matured)
                #expect(
                    kept.paired == read.paired && kept.baselineRows == read.baselineRows && kept.candidateRows == read.candidateRows,
                    "step \(step), \(range)"
                )
                #expect(kept.sums == read.sums, "step \(step), \(range), matured before \(String(describing: matured))")
            }
        }
    }
}
