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
}
