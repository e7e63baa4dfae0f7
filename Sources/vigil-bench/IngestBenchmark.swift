import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// `vigil-bench ingest`: the cost per event of each stage of the ingestion path, without HTTP, so that the
/// server's throughput can be explained stage by stage.
struct IngestBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "Per-event cost of parsing, encoding, committing and aggregating predictions.")

    @Option(help: "Events per batch.")
    var batch = 1000

    @Option(help: "Batches per stage.")
    var batches = 50

    func run() async throws {
        let body = Array((0..<batch).map { index in
            #"{"version":"v1","features":{"amount":\#(20 + Double(index % 500) / 3),"age":\#(18 + index % 60),"tenure":\#(index % 120),"#
                + #""score_a":\#(Double(index % 97) / 97),"score_b":\#(Double(index % 89) / 89),"clicks":\#(index % 30),"country":"\#(["DE", "FR", "US", "GB"][index % 4])","#
                + #""device":"\#(["mobile", "desktop"][index % 2])","plan":"\#(["free", "pro", "team"][index % 3])","returning":\#(index % 5 == 0)},"#
                + #""latency_ms":\#(5 + index % 40),"prediction":{"fraud":\#(Double(index % 100) / 100),"legit":\#(1 - Double(index % 100) / 100)}}"#
        }.joined(separator: "\n").utf8)
        let format = EventWireFormat(now: 1_800_000_000_000)
        let total = Double(batch * batches)
        func report(_ stage: String, _ seconds: Double) {
            print(String(format: "%-28@ %8.2f µs/event  %10.0f events/s", stage as NSString, seconds / total * 1e6, total / seconds))
        }

        var events: [PredictionEvent] = []
        var start = Date()
        for _ in 0..<batches { events = try format.predictions(in: body, layout: .ndjson).events }
        report("parse + validate", Date().timeIntervalSince(start))

        start = Date()
        var bytes = 0
        for _ in 0..<batches { bytes += events.reduce(0) { $0 + $1.wireJSON.count } }
        report("encode for the log", Date().timeIntervalSince(start))

        start = Date()
        var profile = LiveProfile()
        for _ in 0..<batches { for event in events { profile.add(event) } }
        report("live profile add", Date().timeIntervalSince(start))

        let directory = NSTemporaryDirectory() + "vigil-bench-ingest-\(UUID().uuidString)"
        let store = try SQLiteStore(directory: directory)
        start = Date()
        for number in 0..<batches {
            let unique = events.enumerated().map { offset, event in
                var copy = event
                // Time-ordered ids, as the server assigns them (random ids cost the unique index far more).
                let sequence = String(number * batch + offset)
                copy.id = String(repeating: "0", count: 32 - sequence.count) + sequence
                return copy
            }
            _ = try await store.append([PredictionBatch(model: "bench", events: unique)])
        }
        report("commit (incl. encode)", Date().timeIntervalSince(start))
        try? FileManager.default.removeItem(atPath: directory)
        print("(\(bytes / batches / batch) bytes per stored event; `swift run -c release vigil-bench ingest --batch \(batch) --batches \(batches)`)")
    }
}
