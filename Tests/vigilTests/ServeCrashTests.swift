import ChildProcess
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VigilCore
import VigilStore

/// `vigil serve` as a child process, killed with SIGKILL while clients stream batches: after a restart every
/// acknowledged prediction is stored exactly once and the live profiles equal a recount of the log.
struct ServeCrashTests {
    actor AcknowledgedCount {
        private(set) var count = 0
        func add(_ more: Int) { count += more }
    }

    static func batch(stream: Int, number: Int) -> (ids: [String], body: String) {
        let ids = (0..<200).map { "s\(stream)-b\(number)-\($0)" }
        let body = ids.enumerated().map { offset, id in
            #"{"id":"\#(id)","version":"v\#(stream % 2)","features":{"x":\#(Double(offset) / 7),"c":"k\#(offset % 5)"},"latency_ms":\#(offset % 50),"prediction":\#(Double(offset % 10) / 10)}"#
        }.joined(separator: "\n")
        return (ids, body)
    }

    @Test func sigkillLosesNothingAcknowledgedAndCountsNothingTwice() async throws {
        let directory = VigilProcess.temporaryPath("-data")
        let config = VigilProcess.temporaryPath(".yaml")
        // Flushing every 0.3 s means the kill lands between flushes: recovery needs both the stored buckets
        // and a replay of the log past the watermark.
        try "live: {flush_interval_seconds: 0.3}\n".write(toFile: config, atomically: true, encoding: .utf8)
        let server = try await ServerProcess.start(dataDirectory: directory, config: config)

        let port = server.port
        let progress = AcknowledgedCount()
        let acknowledged = try await withThrowingTaskGroup(of: [String].self) { group in
            for stream in 0..<4 {
                group.addTask {
                    var mine: [String] = []
                    for number in 0..<10_000 {
                        let (ids, body) = Self.batch(stream: stream, number: number)
                        guard let (status, _) = try? await ServerProcess.post(port: port, "/v1/models/crash/predictions", body), status == 200 else { break }
                        mine += ids
                        await progress.add(ids.count)
                    }
                    return mine
                }
            }
            // Kill once the clients are in full flow (a fixed delay is too short when the machine is busy).
            for _ in 0..<300 where await progress.count < 4000 { try await Task.sleep(for: .milliseconds(100)) }
            try await Task.sleep(for: .milliseconds(200))
            await server.kill()
            var all: [String] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(acknowledged.count >= 1000, "the clients should have been acknowledged before the kill")

        let restarted = try await ServerProcess.start(dataDirectory: directory, config: config)
        let summary = try await restarted.summary("crash")
        let requests = (summary["requests"] as? [String: Any])?["count"] as? Int
        await restarted.terminate()

        // The log itself, read directly: every acknowledged id is there, once.
        let store = try SQLiteStore(directory: directory)
        let stored = try await store.predictions(model: "crash", after: 0, limit: 10_000_000)
        let storedIds = stored.map(\.event.id)
        #expect(Set(storedIds).count == storedIds.count, "an id is stored twice")
        let missing = Set(acknowledged).subtracting(storedIds)
        #expect(missing.isEmpty, "\(missing.count) acknowledged predictions are missing, e.g. \(missing.prefix(3))")
        // The live profiles equal a recount of the log: nothing lost, nothing counted twice.
        #expect(requests == stored.count, "profiles count \(requests ?? -1), the log holds \(stored.count)")
        let latencyMean = ((summary["latencyMs"] as? [String: Any])?["mean"] as? NSNumber)?.doubleValue ?? .nan
        let recount = stored.compactMap(\.event.latencyMilliseconds).reduce(0, +) / Double(stored.count)
        #expect(abs(latencyMean - recount) < 1e-9, "latency mean \(latencyMean) vs recount \(recount)")
    }
}

/// `vigil demo` starts, feeds itself over HTTP, and stops when asked.
struct DemoCommandTests {
    @Test func demoFeedsItselfAndStops() async throws {
        let run = try await VigilProcess.run(["demo", "--port", "0", "--duration", "3", "--drift-after", "1", "--rate", "100"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("/v1/models/fraud-detector/summary"))
        #expect(!run.standardError.contains("answered"), "the demo's own requests failed: \(run.standardError)")
    }
}
