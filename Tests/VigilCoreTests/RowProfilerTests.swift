import Foundation
import Testing
import VigilStats
@testable import VigilCore

/// The one-pass reader of plain records against the splitter's path, and duplicate rows against pandas.
struct RowProfilerTests {
    static let numberShapes = [
        "0", "-0", "7", "-12.5", "3.25e-4", "1E+5", "+4", " 2.5", "2.5 ", "1.", ".5", "-.5", "1e", "1e-", "-", ".",
        "nan", "NaN", "", "NA", "null", "inf", "-inf", "abc", "12345678901234567890", "1e400", "4.9e-324", "1e-23", "1e22",
        "1e23", "0.1000000000000000055511151231257827", "9007199254740993", "123456789012345678", "1e1234", "0x1p3",
    ]
    static let categoryShapes = ["a", "bb", "", "NA", "null", "N/A", "with space", "éè", "a longer value of many words", "12", "value_7"]

    /// Random rows built from every cell shape, written once plain and once with every field quoted (which
    /// sends each record through ``CSVRecordSplitter``): both files must give the same profile.
    @Test func plainRecordsProfileLikeQuotedOnes() throws {
        var random = SplitMix64(seed: 2026)
        func pick(_ values: [String]) -> String { values[Int(random.next() % UInt64(values.count))] }
        var rows = [[String]]()
        for _ in 0..<5000 {
            let number: String
            switch random.next() % 3 {
            case 0: number = pick(Self.numberShapes)
            case 1: number = String(format: "%.*g", Int(random.next() % 17) + 1, (Double(random.next() % 2_000_001) - 1e6) * pow(10, Double(Int(random.next() % 40) - 20)))
            default: number = String(Int64(bitPattern: random.next()) >> Int64(random.next() % 64))
            }
            rows.append([number, pick(Self.categoryShapes), pick(["ignored", "x"]), pick(["1", "2.5", ""])])
        }
        // Repeat some rows so duplicates are counted on both paths.
        rows += rows.prefix(300)
        let header = "number,category,skipped,small\n"
        let plain = header + rows.map { $0.joined(separator: ",") + "\n" }.joined()
        let quoted = header + rows.map { $0.map { "\"\($0)\"" }.joined(separator: ",") + "\r\n" }.joined()
        let options = DatasetReadOptions(categorical: ["category"], numeric: ["number", "small"], ignored: ["skipped"])
        let fromPlain = try DatasetProfiler.profile(path: try TemporaryFile.write(plain), options: options)
        let fromQuoted = try DatasetProfiler.profile(path: try TemporaryFile.write(quoted), options: options)
        #expect(fromPlain == fromQuoted)
        // Without its last line ending, the final cell is read up to the file's end and no further.
        let unterminated = try DatasetProfiler.profile(path: try TemporaryFile.write(String(plain.dropLast())), options: options)
        #expect(unterminated == fromPlain)
        #expect(fromPlain.rowCount == 5300)
        #expect((fromPlain.duplicateRows ?? 0) >= 300)
        guard case .numeric(let number) = fromPlain[column: "number"] else {
            Issue.record("number is not numeric")
            return
        }
        // Every shape is somewhere: missing tokens, text and ±inf all counted apart from the numbers.
        #expect(number.missingCount > 0 && number.invalidCount > 0 && number.count > 0)
    }

    @Test func duplicateRowsMatchPandas() throws {
        struct Expected: Decodable {
            var rows: Int
            var duplicatedRows: Int
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: CSVReaderTests.fixture("duplicates-expected.json")))
        let expected = try JSONDecoder().decode(Expected.self, from: data)
        let profile = try DatasetProfiler.profile(path: CSVReaderTests.fixture("duplicates.csv"))
        #expect(profile.rowCount == expected.rows)
        #expect(profile.duplicateRows == expected.duplicatedRows)
        // The count travels with a saved profile and is dropped by a merge, which cannot know it.
        let restored = try DatasetProfile(serialized: profile.serialized())
        #expect(restored.duplicateRows == expected.duplicatedRows)
        var merged = restored
        try merged.merge(profile)
        #expect(merged.duplicateRows == nil)
    }

    static func counter(_ texts: [String], limit: Int) -> DuplicateRowCounter {
        var counter = DuplicateRowCounter(hashLimit: limit)
        for text in texts { Array(text.utf8).withUnsafeBufferPointer { counter.add($0, 0..<$0.count) } }
        return counter
    }

    @Test func duplicateCounterReducesAndStops() {
        func count(_ texts: [String], limit: Int) -> Int? {
            var counter = Self.counter(texts, limit: limit)
            return counter.count()
        }
        let repeating = (0..<40).map { "row \($0 % 3)" }
        #expect(count(repeating, limit: 8) == 37)  // reduced four times along the way, still exact
        #expect(count((0..<40).map { "row \($0)" }, limit: 8) == nil)  // too many distinct rows: unknown
        #expect(count((0..<40).map { "row \($0)" }, limit: 1000) == 0)
        #expect(count(["same text", "same text", "same text"], limit: 1000) == 2)
    }

    /// Two parts' counters merged count what one counter over all rows counts, repeats across the parts
    /// included; a part that stopped counting makes the whole unknown.
    @Test func duplicateCountersMergeAcrossParts() {
        let first = (0..<300).map { "row \($0 % 120)" }
        let second = (0..<200).map { "row \($0 % 170)" }
        for limit in [64, 1000] {
            var merged = Self.counter(first, limit: limit)
            merged.merge(Self.counter(second, limit: limit))
            var whole = Self.counter(first + second, limit: limit)
            #expect(merged.count() == whole.count(), "limit \(limit)")
        }
        var merged = Self.counter(first, limit: 1000)
        merged.merge(Self.counter(second, limit: 1000))
        #expect(merged.count() == 500 - 170)
        var stopped = Self.counter(first, limit: 1000)
        stopped.merge(Self.counter((0..<100).map { "distinct \($0)" }, limit: 8))
        #expect(stopped.count() == nil)
    }

    @Test func ndjsonCountsRepeatedLines() throws {
        let path = NSTemporaryDirectory() + "vigil-test-\(UUID().uuidString).ndjson"
        try Data("{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2, \"b\": \"y\"}\n{\"a\": 1, \"b\": \"x\"}\n".utf8).write(to: URL(fileURLWithPath: path))
        let profile = try DatasetLoader.profileDataset(path: path)
        #expect(profile.duplicateRows == 1)
    }
}
