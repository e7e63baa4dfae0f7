import ChildProcess
import Foundation
import Testing

/// `vigil report` and `vigil check` on NDJSON files with a vector column: the embedding table, the JSON
/// section, the gate, the flags, and the HTML section rendered by a real Chromium.
struct EmbeddingReportTests {
    /// NDJSON rows with a scalar and a 12-dimension vector; `shift` moves the first four coordinates.
    static func write(rows: Int, shift: Double, seed: UInt64) throws -> String {
        var state = seed
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53
        }
        var text = ""
        for _ in 0..<rows {
            let vector = (0..<12).map { ($0 < 4 ? shift : 0) + (uniform() * 2 - 1) }
            text += #"{"amount": \#(uniform() * 100), "embedding": [\#(vector.map { "\($0)" }.joined(separator: ", "))]}"# + "\n"
        }
        let path = VigilProcess.temporaryPath(".ndjson")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func embeddingDriftIsReportedAndGates() async throws {
        let reference = try Self.write(rows: 1500, shift: 0, seed: 1)
        let same = try Self.write(rows: 1200, shift: 0, seed: 2)
        let moved = try Self.write(rows: 1200, shift: 0.5, seed: 3)

        let json = VigilProcess.temporaryPath(".json")
        let failing = try await VigilProcess.run(["check", "--reference", reference, "--current", moved, "--json", json])
        #expect(failing.status == 1, "\(failing.standardOutput)\(failing.standardError)")
        #expect(failing.standardOutput.contains("embedding drift \"embedding\": ratio"), "\(failing.standardOutput)")
        #expect(failing.standardOutput.contains("1500 → 1200"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let entry = try #require((document["embeddingDrift"] as? [[String: Any]])?.first)
        #expect(entry["column"] as? String == "embedding" && entry["method"] as? String == "ratio" && entry["drifted"] as? Bool == true)
        #expect((entry["componentScores"] as? [Any])?.count == 16)
        let columns = try #require((document["reference"] as? [String: Any])?["columns"] as? [[String: Any]])
        #expect(columns.contains { $0["name"] as? String == "embedding" && $0["type"] as? String == "vector" })

        let passing = try await VigilProcess.run(["check", "--reference", reference, "--current", same])
        #expect(passing.status == 0, "\(passing.standardOutput)")
        // The method and threshold are the user's: centroids 1 apart pass a distance threshold of 2.
        let lenient = try await VigilProcess.run(["check", "--reference", reference, "--current", moved, "--embedding-method", "distance", "--embedding-threshold", "2"])
        #expect(lenient.status == 0, "\(lenient.standardOutput)")
        let unknown = try await VigilProcess.run(["check", "--reference", reference, "--current", moved, "--embedding-method", "model"])
        #expect(unknown.status == 2 && unknown.standardError.contains("ratio, distance, cosine"), "\(unknown.standardError)")
        let negative = try await VigilProcess.run(["check", "--reference", reference, "--current", moved, "--embedding-threshold", "-1"])
        #expect(negative.status == 2 && negative.standardError.contains("--embedding-threshold"), "\(negative.standardError)")

        // `vigil methods` lists what --embedding-method takes.
        let methods = try await VigilProcess.run(["methods"])
        for name in ["ratio ", "distance ", "cosine "] { #expect(methods.standardOutput.contains("  " + name), "\(name)") }

        // A profile keeps the embedding: the same verdict from a .vprof reference.
        let profile = VigilProcess.temporaryPath(".vprof")
        #expect(try await VigilProcess.run(["profile", reference, "-o", profile]).status == 0)
        let fromProfile = try await VigilProcess.run(["check", "--reference", profile, "--current", moved])
        #expect(fromProfile.status == 1 && fromProfile.standardOutput.contains("embedding drift \"embedding\""), "\(fromProfile.standardOutput)")
    }

    @Test(.enabled(if: HTMLReportTests.chromium != nil || HTMLReportTests.inCI, "headless Chromium is not installed (apt-get install chromium); .ci/run installs it"))
    func embeddingSectionRendersInChromium() async throws {
        let page = VigilProcess.temporaryPath(".html")
        let run = try await VigilProcess.run([
            "report", "--reference", try Self.write(rows: 800, shift: 0, seed: 4), "--current", try Self.write(rows: 700, shift: 0.5, seed: 5), "--html", page,
        ])
        #expect(run.status == 0, "\(run.standardError)")
        let html = try String(contentsOf: URL(fileURLWithPath: page), encoding: .utf8)
        #expect(html.contains("<h2>Embeddings</h2>"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 2, "one chart for the scalar column, one for the embedding")
        let (status, dom, log) = try await HTMLReportTests.runChromium(["--dump-dom", "file://\(page)"])
        #expect(status == 0)
        #expect(dom.contains("projection scores against the threshold") && dom.contains("1 of 1 columns"))
        for marker in ["Uncaught", "SyntaxError", "TypeError", "ReferenceError"] {
            #expect(!log.contains(marker), "console error: \(log.split(separator: "\n").filter { $0.contains(marker) })")
        }
    }
}
