import Foundation
import Testing
import VigilStats
@testable import VigilCore

/// Vector cells of delimited files (``VectorCell``): the forms pandas writes for lists and numpy arrays,
/// profiled as embeddings like the same vectors in NDJSON.
struct VectorCellTests {
    static func parse(_ text: String) -> [Double]? {
        Array(text.utf8).withUnsafeBufferPointer { VectorCell.parse($0, 0, $0.count) }
    }

    @Test func listAndArrayForms() {
        #expect(Self.parse("[0.1, -2.0, 1e-07]") == [0.1, -2.0, 1e-7])
        #expect(Self.parse(" [ 0.125 -1.5  2.   0.  ]\n") == [0.125, -1.5, 2, 0])
        #expect(Self.parse("[ 1.25000000e-01 -1.5e+00\n  3.0e-05]") == [0.125, -1.5, 3e-5])
        #expect(Self.parse("[7]") == [7])
        #expect(Self.parse("[1,2 ,3]") == [1, 2, 3])
        for text in ["[]", "[ ]", "[1,]", "[1,,2]", "[,1]", "1, 2", "[1, 2", "[a, b]", "[1 ... 2]", "[nan, 1]", "[1, inf]", "[[1, 2]]", ""] {
            #expect(Self.parse(text) == nil, "\(text) is not a vector")
        }
    }

    struct Expected: Decodable {
        struct Column: Decodable { let count: Int; let dimension: Int; let mean: [Double] }
        let rows: Int
        let columns: [String: Column]
    }

    static func fixture(_ name: String) -> String { CSVReaderTests.fixture(name) }

    /// A file pandas wrote, with a column of lists and a column of numpy arrays (wrapped over lines inside
    /// their quotes) and missing vectors: the same sketches as from the same rows in NDJSON, and the count and
    /// mean vector numpy computes from the cells (scripts/generate_vector_cell_fixtures.py), to 1e-12.
    @Test func pandasFileProfilesLikeNDJSON() throws {
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: Self.fixture("vectors-expected.json"))))
        let fromCSV = try DatasetProfiler.profile(path: Self.fixture("vectors.csv"))
        let fromNDJSON = try DatasetLoader.profileDataset(path: Self.fixture("vectors.ndjson"))
        #expect(fromCSV.rowCount == expected.rows)
        #expect(fromCSV.columnNames == ["amount"])
        for (name, column) in expected.columns {
            #expect(fromCSV.schema.first { $0.name == name } == ColumnDescription(name: name, type: .vector))
            let sketch = try #require(fromCSV.embeddings[name])
            #expect(sketch == fromNDJSON.embeddings[name], "\(name): the same sketch as from NDJSON")
            #expect(sketch.dimension == column.dimension)
            #expect(sketch.count == column.count)
            for (index, mean) in column.mean.enumerated() {
                #expect(abs(sketch.sum[index] / Double(sketch.count) - mean) <= 1e-12, "\(name)[\(index)]")
            }
        }
        // Kept through a profile file.
        #expect(try DatasetProfile(serialized: fromCSV.serialized()).embeddings == fromCSV.embeddings)
    }

    /// Lists of different lengths in the sampled rows are text, not vectors; a row past the sample that
    /// breaks the vectors' shape is an error naming its line and column.
    @Test func shapesAreChecked() throws {
        let ragged = try TemporaryFile.write("id,tags\n1,\"[1, 2]\"\n2,\"[3]\"\n3,\"[4, 5]\"\n")
        let profile = try DatasetProfiler.profile(path: ragged)
        #expect(profile.embeddings.isEmpty)
        #expect(profile.schema.first { $0.name == "tags" }?.type == .string)

        var rows = "id,embedding\n"
        for index in 0..<TypeInference.sampleRows { rows += "\(index),[\(index % 5) \(index % 3) 1]\n" }
        let good = try DatasetProfiler.profile(path: try TemporaryFile.write(rows + "x,NA\n"))
        #expect(good.embeddings["embedding"]?.count == TypeInference.sampleRows)
        #expect(good.rowCount == TypeInference.sampleRows + 1)
        for (cell, description) in [("[1 2]", "a shorter vector"), ("oops", "text"), ("[1 2 1e400]", "an infinite element")] {
            let error = #expect(throws: DatasetError.self, "\(description) is refused") {
                try DatasetProfiler.profile(path: try TemporaryFile.write(rows + "x,\(cell)\n"))
            }
            #expect(error?.line == TypeInference.sampleRows + 2 && error?.column == "embedding", "\(description): \(String(describing: error))")
        }
    }

    /// A file of numpy-style cells (unquoted: spaces, no commas) read as two halves gives the sketch one pass gives, up to the
    /// order of additions.
    @Test func halvesMergeVectorSketches() throws {
        var rows = "score,vector\n"
        var random = SplitMix64(seed: 11)
        for _ in 0..<5000 {
            let vector = (0..<8).map { _ in String(Double(Int(random.next() % 64) - 32) / 8) }
            rows += "\(random.next() % 1000),[\(vector.joined(separator: " "))]\n"
        }
        let path = try TemporaryFile.write(rows)
        let whole = try DatasetProfiler.profile(path: path, options: HalvedReadTests.onePass)
        let halves = try DatasetProfiler.profile(path: path, options: HalvedReadTests.halves)
        let one = try #require(whole.embeddings["vector"])
        let two = try #require(halves.embeddings["vector"])
        #expect(one.count == 5000 && two.count == 5000)
        // Sums of eighths are exact in any order.
        #expect(one.sum == two.sum)
        #expect(one.norms.count == two.norms.count)
        #expect(halves.rowCount == whole.rowCount)
    }
}
