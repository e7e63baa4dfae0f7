import ChildProcess
import Foundation
import Testing
import VigilCore
import VigilStore

/// `vigil serve` killed with SIGKILL while clients stream labels and corrections: after a restart every
/// acknowledged label is stored and the model quality equals a recount from the stored labels, so no label
/// was lost or folded twice.
struct LabelCrashTests {
    actor Progress {
        private(set) var count = 0
        func add(_ more: Int) { count += more }
    }

    static let predictionCount = 20_000

    /// Labels for a slice of the predictions; the second round corrects the first.
    static func labels(stream: Int, batch: Int, round: Int) -> String {
        (0..<200).map { offset in
            let index = (stream * 10_000 + batch * 200 + offset) % predictionCount
            return #"{"prediction_id":"q\#(index)","label":\#(Double(index % 100) + Double(round) * 0.5)}"#
        }.joined(separator: "\n")
    }

    @Test func sigkillWhileLabelsStreamLosesNoLabelAndFoldsNoneTwice() async throws {
        let directory = VigilProcess.temporaryPath("-data")
        let config = VigilProcess.temporaryPath(".yaml")
        try "live: {flush_interval_seconds: 0.3}\n".write(toFile: config, atomically: true, encoding: .utf8)
        let server = try await ServerProcess.start(dataDirectory: directory, config: config)
        let now = Date().timeIntervalSince1970
        for chunk in stride(from: 0, to: Self.predictionCount, by: 1000) {
            let body = (chunk..<(chunk + 1000)).map { #"{"id":"q\#($0)","timestamp":\#(now - Double($0 % 3600)),"prediction":\#(Double($0 % 90))}"# }
            let (status, _) = try await ServerProcess.post(port: server.port, "/v1/models/regressor/predictions", body.joined(separator: "\n"))
            #expect(status == 200)
        }
        let port = server.port
        let progress = Progress()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for stream in 0..<2 {
                group.addTask {
                    for round in 0..<1000 {
                        for batch in 0..<50 {
                            guard let (status, _) = try? await ServerProcess.post(port: port, "/v1/models/regressor/labels", Self.labels(stream: stream, batch: batch, round: round)),
                                status == 200
                            else { return }
                            await progress.add(200)
                        }
                    }
                }
            }
            for _ in 0..<300 where await progress.count < 30_000 { try await Task.sleep(for: .milliseconds(100)) }
            await server.kill()
            try await group.waitForAll()
        }
        #expect(await progress.count >= 30_000, "the clients should have been acknowledged before the kill")

        let restarted = try await ServerProcess.start(dataDirectory: directory, config: config)
        let performance = try await restarted.performance("regressor")
        await restarted.terminate()

        // The recount: every stored prediction with its stored (latest) label, read from the store directly.
        let store = try SQLiteStore(directory: directory)
        let stored = try await store.predictions(model: "regressor", after: 0, limit: 1_000_000)
        let pairs = stored.compactMap { prediction -> (Double, Double)? in
            guard case .number(let predicted)? = prediction.event.prediction, case .number(let actual)? = prediction.label?.value else { return nil }
            return (predicted, actual)
        }
        let overall = performance["overall"] as? [String: Any]
        #expect(overall?["labelled"] as? Int == pairs.count, "quality holds \(overall?["labelled"] ?? "nothing"), the store \(pairs.count) labelled predictions")
        let mae = ((overall?["metrics"] as? [[String: Any]])?.first { $0["name"] as? String == "mae" }?["value"] as? NSNumber)?.doubleValue ?? .nan
        let recount = pairs.reduce(0) { $0 + abs($1.0 - $1.1) } / Double(pairs.count)
        #expect(abs(mae - recount) < 1e-9, "MAE \(mae) vs a recount of \(recount)")
    }
}
