import ArgumentParser
import Foundation
import VigilStats

/// `vigil-bench embeddings`: the cost of embedding drift — sketching vectors one at a time as ingestion does,
/// and comparing two sketches — against Evidently's embedding drift methods on the same vectors.
struct EmbeddingBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embeddings", abstract: "Embedding sketch update rate, size and drift time, against Evidently on the same vectors."
    )

    @Option(help: "Vectors on each side.")
    var vectors = 20_000

    @Option(help: "Vector dimension.")
    var dimension = 384

    @Option(help: "Repetitions; the median is reported.")
    var repetitions = 3

    @Option(help: "A Python with Evidently 0.7 to time the same comparison, via scripts/bench_embedding_peers.py.")
    var peerPython: String?

    func run() throws {
        #if DEBUG
        print("warning: this is a debug build; run `swift run -c release vigil-bench embeddings` for real figures\n")
        #endif
        print("command: swift run -c release vigil-bench embeddings --vectors \(vectors) --dimension \(dimension) --repetitions \(repetitions)\(peerPython.map { " --peer-python \($0)" } ?? "")")
        // The current side moves by 0.3 standard deviations on a fifth of the coordinates.
        let reference = BenchmarkData.normal(vectors * dimension, seed: 21)
        var current = BenchmarkData.normal(vectors * dimension, seed: 22)
        for index in current.indices where index % dimension < dimension / 5 { current[index] += 0.3 }
        let referenceRows = (0..<vectors).map { Array(reference[($0 * dimension)..<(($0 + 1) * dimension)]) }
        let currentRows = (0..<vectors).map { Array(current[($0 * dimension)..<(($0 + 1) * dimension)]) }

        func sketch(_ rows: [[Double]]) -> EmbeddingSketch {
            var sketch = EmbeddingSketch(dimension: dimension)
            for row in rows { sketch.add(row) }
            return sketch
        }
        let updateSeconds = median(repetitions) { sketch(referenceRows).count }
        let referenceSketch = sketch(referenceRows), currentSketch = sketch(currentRows)
        var result: EmbeddingDriftResult?
        let compareSeconds = try median(repetitions) {
            result = try EmbeddingDrift.compare(reference: referenceSketch, current: currentSketch)
            return 1
        }
        var encoder = BinaryEncoder()
        referenceSketch.encodePayload(into: &encoder)
        let vigilSeconds = 2 * updateSeconds + compareSeconds
        print(String(format: "sketch update: %@ vectors/s (%.1f µs per %d-dimension vector, one core)", format(Double(vectors) / updateSeconds), updateSeconds / Double(vectors) * 1e6, dimension))
        print(String(format: "compare two sketches: %.2f ms; serialized sketch: %d bytes", compareSeconds * 1e3, encoder.bytes.count))
        print(String(format: "Vigil end to end (sketch both sides, compare): %.3f s → ratio %.4f (drifted: %@), centroid distance %.4f",
                     vigilSeconds, result!.score, result!.drifted ? "yes" : "no", result!.centroidDistance))

        guard let peerPython else { return }
        let path = NSTemporaryDirectory() + "vigil-bench-embeddings-\(UUID().uuidString).f64"
        defer { try? FileManager.default.removeItem(atPath: path) }
        (reference + current).withUnsafeBytes { try? Data($0).write(to: URL(fileURLWithPath: path)) }
        let arguments = ["scripts/bench_embedding_peers.py", "--data", path, "--vectors", String(vectors), "--dimension", String(dimension)]
        guard let data = try PeerBenchmark.runScript(python: peerPython, arguments, needs: "Evidently 0.7") else { return }
        struct Peer: Decodable { var name: String; var seconds: Double; var score: Double; var drifted: Bool }
        struct Peers: Decodable { var versions: [String: String]; var methods: [Peer] }
        let peers = try JSONDecoder().decode(Peers.self, from: data)
        print("\npeers, same machine, same vectors (\(peers.versions.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", "))), from vectors already in memory:")
        for peer in peers.methods {
            print(peer.name.padding(toLength: 40, withPad: " ", startingAt: 0)
                + String(format: "%8.3f s  score %.4f  drifted: %@   Vigil is %.1f× faster", peer.seconds, peer.score, peer.drifted ? "yes" : "no ", peer.seconds / vigilSeconds))
        }
    }
}
