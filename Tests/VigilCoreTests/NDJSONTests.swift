import Foundation
import Testing
import VigilStats
@testable import VigilCore

/// NDJSON input profiles like the equivalent CSV and reports bad lines by number.
struct NDJSONTests {
    static func write(_ text: String, suffix: String) throws -> String {
        let path = NSTemporaryDirectory() + "vigil-test-\(UUID().uuidString)\(suffix)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func profilesLikeTheEquivalentCSV() throws {
        var csv = "age,city,member,visits\n"
        var ndjson = ""
        for index in 0..<300 {
            let age = Double(20 + index % 47) + 0.5
            let city = ["paris", "rome", "oslo"][index % 3]
            let member = index % 4 == 0
            let visits = index % 3
            let missingAge = index % 25 == 0
            csv += "\(missingAge ? "" : String(age)),\(city),\(member ? "True" : "False"),\(visits)\n"
            ndjson += "{\"age\": \(missingAge ? "null" : String(age)), \"city\": \"\(city)\", \"member\": \(member), \"visits\": \(visits)}\n"
        }
        let fromCSV = try DatasetProfiler.profile(path: try Self.write(csv, suffix: ".csv"))
        let fromJSON = try DatasetLoader.profileDataset(path: try Self.write(ndjson, suffix: ".ndjson"))
        #expect(Set(fromJSON.columnNames) == Set(fromCSV.columnNames))
        for name in fromCSV.columnNames {
            #expect(fromJSON[column: name] == fromCSV[column: name], "\(name)")
        }
        #expect(fromJSON[column: "visits"]?.kind == .categorical)  // an integer with 3 values, as Evidently reads it
    }

    @Test func badLinesAndNestedValues() throws {
        let bad = try Self.write("{\"a\": 1}\n\n{\"a\": 2\n", suffix: ".jsonl")
        let error = #expect(throws: DatasetError.self) { try DatasetLoader.profileDataset(path: bad) }
        #expect(error?.line == 3)
        let notObject = try Self.write("[1, 2]\n", suffix: ".json")
        #expect(throws: DatasetError.self) { try DatasetLoader.profileDataset(path: notObject) }
        let nested = try Self.write("{\"x\": 1.5, \"tags\": [\"a\"]}\n{\"x\": 2.5, \"tags\": []}\n", suffix: ".ndjson")
        let profile = try DatasetLoader.profileDataset(path: nested)
        #expect(profile[column: "tags"] == nil)
        #expect(profile.schema.first { $0.name == "tags" }?.exclusion?.contains("nested") == true)
        #expect(throws: DatasetError.self) { try DatasetLoader.profileDataset(path: try Self.write("", suffix: ".ndjson")) }
    }

    /// Arrays of numbers of one length are vectors: profiled as an embedding, listed in the schema as
    /// `vector`, kept through a `.vprof` file; a later row that breaks the shape is an error naming it.
    @Test func arraysOfNumbersAreEmbeddings() throws {
        var ndjson = ""
        var expected = EmbeddingSketch(dimension: 3)
        for index in 0..<40 {
            let vector = [Double(index), Double(index % 7) - 3, 0.25]
            if index % 10 == 0 {
                ndjson += "{\"x\": \(index), \"emb\": null}\n"
            } else {
                ndjson += "{\"x\": \(index), \"emb\": [\(vector.map { "\($0)" }.joined(separator: ", "))]}\n"
                expected.add(vector)
            }
        }
        let profile = try DatasetLoader.profileDataset(path: try Self.write(ndjson, suffix: ".ndjson"))
        #expect(profile.embeddings["emb"] == expected)
        #expect(profile.schema.first { $0.name == "emb" } == ColumnDescription(name: "emb", type: .vector))
        #expect(profile[column: "emb"] == nil && profile[column: "x"] != nil)
        #expect(try DatasetProfile(serialized: profile.serialized()) == profile)
        // Vectors alone still count their rows (nulls included), and the row count survives the file.
        let vectorsOnly = try DatasetLoader.profileDataset(path: try Self.write("{\"e\": [1, 2]}\n{\"e\": null}\n{\"e\": [3, 4]}\n", suffix: ".ndjson"))
        #expect(vectorsOnly.rowCount == 3 && vectorsOnly.embeddings["e"]?.count == 2 && vectorsOnly.columnNames.isEmpty)
        #expect(try DatasetProfile(serialized: vectorsOnly.serialized()).rowCount == 3)

        // Within the rows that decide the types, arrays of several lengths make the column untested nested data
        // (lists of ids, say); after them, a row breaking the vectors' shape is an error naming it.
        let raggedEarly = try DatasetLoader.profileDataset(path: try Self.write(ndjson + "{\"x\": 1, \"emb\": [1, 2]}\n", suffix: ".ndjson"))
        #expect(raggedEarly.embeddings.isEmpty)
        #expect(raggedEarly.schema.first { $0.name == "emb" }?.exclusion?.contains("different lengths") == true)
        let filler = String(repeating: "{\"x\": 1, \"emb\": [1, 2, 3]}\n", count: 10_000)
        for (bad, description) in [("[1, 2]", "a shorter vector"), ("\"oops\"", "text")] {
            let path = try Self.write(ndjson + filler + "{\"x\": 1, \"emb\": \(bad)}\n", suffix: ".ndjson")
            let error = #expect(throws: DatasetError.self, "\(description)") { try DatasetLoader.profileDataset(path: path) }
            #expect(error?.line == 10_041 && error?.column == "emb", "\(description): \(String(describing: error))")
        }
        // Arrays of another kind, or mixed with scalars, stay untested nested values.
        let mixed = try DatasetLoader.profileDataset(path: try Self.write("{\"v\": [1, 2]}\n{\"v\": 3}\n{\"w\": [\"a\"]}\n", suffix: ".ndjson"))
        #expect(mixed.embeddings.isEmpty)
        #expect(mixed.schema.filter { $0.exclusion?.contains("nested") == true }.map(\.name) == ["v", "w"])
    }
}
