import Foundation
import Testing
import VigilCore
import VigilServer
import VigilStats

/// Vector features over HTTP: embedding drift against a pinned production reference and against an uploaded
/// NDJSON one, on /metrics, and after a restart, each equal to ``EmbeddingDrift`` on the same vectors.
struct EmbeddingServingTests {
    static let dimension = 8

    /// Gaussian vectors (Box–Muller on SplitMix64), the first three coordinates moved by `shift`.
    static func vectors(count: Int, shift: Double, seed: UInt64) -> [[Double]] {
        var random = SplitMix64(seed: seed)
        func normal() -> Double {
            let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &random)
            let v = Double.random(in: 0..<1, using: &random)
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        return (0..<count).map { _ in (0..<dimension).map { ($0 < 3 ? shift : 0) + (normal() * 1e4).rounded() / 1e4 } }
    }

    static func line(id: String, _ vector: [Double], timestamp: String? = nil) -> String {
        let elements = vector.map { "\($0)" }.joined(separator: ",")
        return
            #"{"id":"\#(id)","version":"v1",\#(timestamp.map { #""timestamp":"\#($0)","# } ?? "")"features":{"query":[\#(elements)],"tokens":\#(vector.count)},"prediction":0.5}"#
    }

    static func sketch(_ vectors: [[Double]]) -> EmbeddingSketch {
        var sketch = EmbeddingSketch(dimension: dimension)
        for vector in vectors { sketch.add(vector) }
        return sketch
    }

    /// The `query` entry of the summary's vectors.
    static func queryVector(_ summary: [String: Any]) throws -> [String: Any] {
        try #require((summary["vectors"] as? [[String: Any]])?.first { $0["name"] as? String == "query" })
    }

    static func expectDrift(_ summary: [String: Any], equals expected: EmbeddingDriftResult, _ comment: Comment) throws {
        let drift = try #require(try queryVector(summary)["drift"] as? [String: Any], comment)
        #expect(drift["method"] as? String == "ratio", comment)
        #expect(drift["drifted"] as? Bool == expected.drifted, comment)
        #expect(number(drift, "score") == expected.score, comment)
        #expect(abs(try #require(number(drift, "centroidDistance")) - expected.centroidDistance) <= 1e-9, comment)
        #expect(abs(try #require(number(drift, "similarityToReference")) - expected.currentSimilarityToReference!) <= 1e-9, comment)
        #expect(abs(try #require(number(drift, "referenceSimilarityToReference")) - expected.referenceSimilarityToReference!) <= 1e-9, comment)
        let components = try #require(drift["componentScores"] as? [NSNumber]).map(\.doubleValue)
        #expect(components.count == EmbeddingSketch.componentCount, comment)
        for (served, computed) in zip(components, expected.componentScores) { #expect(abs(served - computed) <= 1e-9, comment) }
    }

    @Test func embeddingDriftIsServedAgainstPinnedAndUploadedReferences() async throws {
        let directory = TestServer.temporaryDirectory()
        var server = try await TestServer.start(directory: directory)
        let now = Date().timeIntervalSince1970
        let earlier = Self.vectors(count: 600, shift: 0, seed: 1)
        let today = Self.vectors(count: 500, shift: 0.6, seed: 2)
        let earlierLines = earlier.enumerated().map { index, vector in
            Self.line(id: "e\(index)", vector, timestamp: Timestamp.formatRFC3339(milliseconds: Int64((now - 3 * 3600) * 1000) + Int64(index)))
        }
        // One timestamp for all, so that they share one bucket: stamped on arrival, a loaded machine split them
        // across two, and the merge of two buckets' sketches is not the sketch of all the vectors (1e-3 apart).
        let todayTime = Timestamp.formatRFC3339(milliseconds: Int64((now - 120) * 1000))
        let todayLines = today.enumerated().map { index, vector in Self.line(id: "t\(index)", vector, timestamp: todayTime) }
        // A vector of another dimension is a type mismatch, not a crash or a silent drop.
        let odd = Self.line(id: "odd", [1, 2, 3], timestamp: todayTime)
        for body in [earlierLines, todayLines + [odd]] {
            let answer = try await server.request(
                "POST",
                "/v1/models/search/predictions",
                body: body.joined(separator: "\n"),
                contentType: "application/x-ndjson"
            )
            #expect(answer.status == 200, "\(answer.text)")
        }
        let from = Timestamp.formatRFC3339(milliseconds: Int64((now - 4 * 3600) * 1000)),
            to = Timestamp.formatRFC3339(milliseconds: Int64((now - 3600) * 1000))
        let pinned = try await server.request("PUT", "/v1/models/search/reference?from=\(from)&to=\(to)", body: nil)
        #expect(pinned.status == 200, "\(pinned.text)")

        let expected = try EmbeddingDrift.compare(reference: Self.sketch(earlier), current: Self.sketch(today))
        #expect(expected.drifted)
        let summary = try await server.summary("search", query: "window=30m")
        try Self.expectDrift(summary, equals: expected, "pinned reference")
        let query = try Self.queryVector(summary)
        #expect(query["count"] as? Int == 500 && query["sketchedVectors"] as? Int == 500 && query["mismatches"] as? Int == 1)
        #expect(query["dimension"] as? Int == Self.dimension)
        #expect((summary["failureReasons"] as? [String])?.contains { $0.hasPrefix("embedding drift \"query\"") } == true)

        // The monitor publishes the verdict and the similarities as gauges.
        var exposition = ""
        for _ in 0..<100 where !exposition.contains("ml_embedding_reference_similarity{") {
            exposition = try await server.request("GET", "/metrics").text
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(
            exposition.contains(
                #"ml_feature_drift_score{model_name="search",model_version="v1",feature_name="query",method="ratio"} \#(expected.score)"#
            ),
            "\(exposition.split(separator: "\n").filter { $0.contains("query") })"
        )
        #expect(exposition.contains(#"ml_feature_drift_detected{model_name="search",model_version="v1",feature_name="query",method="ratio"} 1"#))
        #expect(
            exposition.contains(#"ml_embedding_reference_similarity{model_name="search",model_version="v1",feature_name="query",source="reference"}"#)
        )

        // Stored buckets keep the sketches: the same answer after a restart.
        try await server.stop()
        server = try await TestServer.start(directory: directory)
        try Self.expectDrift(try await server.summary("search", query: "window=30m"), equals: expected, "after a restart")

        // An NDJSON reference with the same vectors gives the same verdict and figures.
        // A reference dataset has one flat row per prediction: the features themselves.
        let referenceRows = earlier.map { vector in #"{"query":[\#(vector.map { "\($0)" }.joined(separator: ","))],"tokens":\#(vector.count)}"# }
        let upload = try await server.request(
            "PUT",
            "/v1/models/search/reference",
            body: referenceRows.joined(separator: "\n") + "\n",
            contentType: "application/x-ndjson"
        )
        #expect(upload.status == 200, "\(upload.text)")
        #expect((try upload.json()["columns"] as? [String])?.contains("tokens") == true)
        try Self.expectDrift(try await server.summary("search", query: "window=30m"), equals: expected, "uploaded NDJSON reference")

        // So does a CSV reference whose cells are lists, as pandas writes a column of Python lists.
        let csvRows = earlier.map { vector in #"\#(vector.count),"[\#(vector.map { "\($0)" }.joined(separator: ", "))]""# }
        let csvUpload = try await server.request(
            "PUT",
            "/v1/models/search/reference",
            body: "tokens,query\n" + csvRows.joined(separator: "\n") + "\n",
            contentType: "text/csv"
        )
        #expect(csvUpload.status == 200, "\(csvUpload.text)")
        try Self.expectDrift(try await server.summary("search", query: "window=30m"), equals: expected, "uploaded CSV reference")
        try await server.stop()
    }
}
