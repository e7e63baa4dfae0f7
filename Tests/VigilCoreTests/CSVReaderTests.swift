import Foundation
import Testing
import VigilStats
@testable import VigilCore

/// The CSV reader against pandas on an RFC 4180 corpus, at every chunk boundary, and on bad input.
struct CSVReaderTests {
    struct PandasExpected: Decodable {
        var columns: [String]
        var rows: Int
        var nameCounts: [String: Int]
        var nameMissing: Int
        var amountFiniteMean: Double
        var amountFiniteCount: Int
        var amountMissing: Int
        var amountInfinite: Int
        var commentMissing: Int
        var commentValues: [String]
    }

    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!.path
    }

    static let expected: PandasExpected = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: fixture("pandas-expected.json")))
        return try! JSONDecoder().decode(PandasExpected.self, from: data)
    }()

    @Test func corpusReadsAsPandasReadsIt() throws {
        let profile = try DatasetProfiler.profile(path: Self.fixture("rfc4180.csv"))
        let expected = Self.expected
        #expect(profile.schema.map(\.name) == expected.columns)
        #expect(profile.rowCount == expected.rows)
        guard case .categorical(let name) = profile[column: "name"], case .numeric(let amount) = profile[column: "amount"],
              case .categorical(let comment) = profile[column: "comment"]
        else {
            Issue.record("unexpected column kinds: \(profile.schema)")
            return
        }
        #expect(name.items.counts == expected.nameCounts)
        #expect(name.missingCount == expected.nameMissing)
        #expect(amount.count == expected.amountFiniteCount)
        #expect(amount.missingCount == expected.amountMissing)
        #expect(amount.invalidCount == expected.amountInfinite)
        #expect(isClose(amount.moments.mean, expected.amountFiniteMean))
        #expect(comment.missingCount == expected.commentMissing)
        #expect(comment.items.counts.keys.sorted() == expected.commentValues)
    }

    /// Every chunk size from 1 byte up splits records at a different place; all must read the same.
    @Test func recordsAcrossChunkBoundariesReadTheSame() throws {
        let path = Self.fixture("rfc4180.csv")
        func records(chunkSize: Int) throws -> [[String]] {
            let reader = try DelimitedFileReader(path: path, format: .standard, chunkSize: chunkSize)
            var rows = [[String]]()
            try reader.forEachRecord { bytes, fields, line throws(DatasetError) in
                rows.append(try fields.map { field throws(DatasetError) in try reader.string(bytes, field, line: line, column: "") })
                return true
            }
            return rows
        }
        let whole = try records(chunkSize: 1 << 20)
        #expect(whole.count == 7)
        #expect(whole[1] == ["1", "Smith, John", "10.5", "said \"hi\""])
        #expect(whole[2][3] == "line one\r\nline two")
        for chunkSize in 1...40 { #expect(try records(chunkSize: chunkSize) == whole, "chunk size \(chunkSize)") }
    }

    @Test func lineNumbersCountEmbeddedNewlines() throws {
        let path = try TemporaryFile.write("a,b\n1,\"x\ny\"\n2\n")
        let error = #expect(throws: DatasetError.self) { try DatasetProfiler.profile(path: path) }
        #expect(error?.line == 4)
        #expect(error?.description.contains("has 1 field, the header has 2") == true)
    }

    @Test(arguments: [
        ("", "is empty"),
        ("a,b\n", "no data rows"),
        ("a,b\n1,2\n3,4,5\n", ":3: has 3 fields"),
        ("a,b\n1,\"open\n", "never closed"),
        ("a,b\n1,\"x\"y\n", "after a closing quote"),
        ("a,a\n1,2\n", "names this column twice"),
    ])
    func badInputNamesTheProblem(content: String, message: String) throws {
        let path = try TemporaryFile.write(content)
        let error = #expect(throws: DatasetError.self) { try DatasetProfiler.profile(path: path) }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "no error")")
    }

    @Test func invalidUTF8NamesLineAndColumn() throws {
        let path = try TemporaryFile.write(bytes: Array("a,b\n1,ok\n2,".utf8) + [0xFF, 0xFE] + Array("\n".utf8))
        let error = #expect(throws: DatasetError.self) { try DatasetProfiler.profile(path: path) }
        #expect(error?.line == 3)
        #expect(error?.column == "b")
    }

    @Test func missingFileAndDirectoryAreClearErrors() {
        let missing = #expect(throws: DatasetError.self) { try DatasetProfiler.profile(path: "/nonexistent/data.csv") }
        #expect(missing?.message == "no such file")
        let directory = #expect(throws: DatasetError.self) { try DatasetProfiler.profile(path: NSTemporaryDirectory()) }
        #expect(directory?.message.contains("directory") == true)
    }

    @Test func typesAreInferredLikePandasAndEvidently() throws {
        var csv = "float,small_int,big_int,flag,label,when,note,int_with_missing\n"
        for index in 0..<200 {
            let note = "free text comment number \(index) with several words in it"
            csv += "\(Double(index) * 0.5),\(index % 3),\(index),\(index % 2 == 0 ? "True" : "False"),l\(index % 4),2024-01-\(String(format: "%02d", index % 28 + 1)),\(note),\(index % 10 == 0 ? "" : String(index))\n"
        }
        let profile = try DatasetProfiler.profile(path: try TemporaryFile.write(csv))
        let types = Dictionary(uniqueKeysWithValues: profile.schema.map { ($0.name, $0.type) })
        #expect(types == ["float": .float, "small_int": .integer, "big_int": .integer, "flag": .boolean, "label": .string,
                          "when": .datetime, "note": .text, "int_with_missing": .float])
        #expect(profile[column: "small_int"]?.kind == .categorical)  // an integer column with ≤ 5 values
        #expect(profile[column: "big_int"]?.kind == .numeric)
        #expect(profile[column: "when"] == nil && profile[column: "note"] == nil)
        #expect(profile.schema.first { $0.name == "when" }?.exclusion != nil)
    }

    @Test func overridesAndDelimiters() throws {
        let path = try TemporaryFile.write("code;value\n1;2.5\n2;3.5\n3;4.5\n4;1.0\n5;2.0\n6;7.0\n")
        let options = DatasetReadOptions(format: CSVFormat(delimiter: UInt8(ascii: ";")), categorical: ["code"], ignored: ["value"])
        let profile = try DatasetProfiler.profile(path: path, options: options)
        #expect(profile[column: "code"]?.kind == .categorical)
        #expect(profile[column: "value"] == nil)
        let unknown = #expect(throws: DatasetError.self) {
            try DatasetProfiler.profile(path: path, options: DatasetReadOptions(format: CSVFormat(delimiter: UInt8(ascii: ";")), ignored: ["nope"]))
        }
        #expect(unknown?.message.contains("no such column") == true)
    }

    @Test func gzipInputReadsLikeThePlainFile() throws {
        let plain = try TemporaryFile.write(String(decoding: try Data(contentsOf: URL(fileURLWithPath: Self.fixture("rfc4180.csv"))), as: UTF8.self))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", "-f", plain]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        #expect(try DatasetProfiler.profile(path: plain + ".gz") == DatasetProfiler.profile(path: plain))
        // A truncated stream is an error, not a silently shorter dataset.
        let compressed = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
        let truncated = plain + ".truncated.gz"
        try compressed.prefix(compressed.count / 2).write(to: URL(fileURLWithPath: truncated))
        #expect(throws: DatasetError.self) { try DatasetProfiler.profile(path: truncated) }
    }

    @Test func profileFileRoundTripsThroughTheLoader() throws {
        let csv = Self.fixture("rfc4180.csv")
        let profile = try DatasetProfiler.profile(path: csv)
        let output = NSTemporaryDirectory() + "vigil-test-\(UUID().uuidString).vprof"
        try DatasetLoader.write(profile, to: output)
        #expect(DatasetLoader.isProfileFile(output))
        #expect(!DatasetLoader.isProfileFile(csv))
        #expect(try DatasetLoader.load(path: output) == profile)
    }
}

/// Numbers parse exactly as `strtod` does.
struct NumberParsingTests {
    @Test func fastPathAgreesWithStrtod() {
        var generator = SplitMix64(seed: 99)
        for _ in 0..<20_000 {
            let mantissa = generator.next() % 10_000_000_000
            let exponent = Int(generator.next() % 40) - 20
            let negative = generator.next() % 2 == 0
            let decimals = Int(generator.next() % 8)
            var text = String(mantissa)
            if decimals > 0 && text.count > decimals { text.insert(".", at: text.index(text.endIndex, offsetBy: -decimals)) }
            if generator.next() % 3 == 0 { text += "e\(exponent)" }
            if negative { text = "-" + text }
            let parsed = Array(text.utf8).withUnsafeBufferPointer { NumberParsing.parseDouble($0, 0, $0.count) }
            #expect(parsed == strtod(text, nil), "\(text)")
        }
    }

    /// The word-at-a-time reader of plain cells against the byte loop and `strtod`, on cells of every length
    /// up to nine digits either side of the point, with and without sign or exponent, and with digits, points
    /// and delimiters lying just past the cell's end, which must never count.
    @Test func wordParserAgreesWithByteLoop() {
        var generator = SplitMix64(seed: 17)
        let alphabet = Array("0123456789.,-e\n".utf8)
        var wordParsed = 0
        for _ in 0..<50_000 {
            var cell = [UInt8]()
            if generator.next() % 3 == 0 { cell.append(UInt8(ascii: "-")) }
            for _ in 0..<Int(generator.next() % 10) { cell.append(UInt8(ascii: "0") + UInt8(generator.next() % 10)) }
            if generator.next() % 4 != 0 {
                cell.append(UInt8(ascii: "."))
                for _ in 0..<Int(generator.next() % 10) { cell.append(UInt8(ascii: "0") + UInt8(generator.next() % 10)) }
            }
            if generator.next() % 10 == 0 { cell += Array("e-3".utf8) }
            if generator.next() % 20 == 0 { cell.append(UInt8(ascii: "x")) }
            // What follows the cell: a delimiter, or (the cell ending its record) arbitrary bytes.
            let endsRecord = generator.next() % 2 == 0
            var buffer = cell + (endsRecord ? [] : [UInt8(ascii: ",")])
            for _ in 0..<20 { buffer.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            NumberParsing.powersOfTen.withUnsafeBufferPointer { powers in
                buffer.withUnsafeBufferPointer { bytes in
                    let text = String(decoding: cell, as: UTF8.self)
                    let byBytes = NumberParsing.parsePlainBytes(bytes, 0, cell.count, terminator: UInt8(ascii: ","), powersOfTen: powers)
                    guard let byWords = NumberParsing.parseDecimalWords(bytes, 0, cell.count, terminator: UInt8(ascii: ","), powersOfTen: powers) else {
                        return
                    }
                    wordParsed += 1
                    #expect(byWords.end == cell.count, "\(text)")
                    #expect(byWords.value.bitPattern == byBytes?.value.bitPattern, "\(text)")
                    #expect(byWords.value.bitPattern == strtod(text, nil).bitPattern, "\(text)")
                }
            }
        }
        // Most generated cells have the shape the word reader takes.
        #expect(wordParsed > 15_000)
    }

    @Test func digitRunsAreCountedExactly() {
        var generator = SplitMix64(seed: 5)
        for _ in 0..<100_000 {
            let bytes = (0..<8).map { _ in
                generator.next() % 2 == 0 ? UInt8(ascii: "0") + UInt8(generator.next() % 10) : UInt8(truncatingIfNeeded: generator.next())
            }
            let word = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            let expected = bytes.firstIndex { !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? 8
            #expect(NumberParsing.leadingDigitCount(word) == expected, "\(bytes)")
            if expected < 8 {
                let value = bytes[..<expected].reduce(UInt64(0)) { $0 * 10 + UInt64($1 - UInt8(ascii: "0")) }
                #expect(NumberParsing.digitsValue(word, count: expected) == value, "\(bytes)")
            }
        }
    }

    @Test func rejectsWhatIsNotANumber() {
        for text in ["abc", "1.2.3", "--1", "1e", "", " ", "0x", "1,5"] {
            let parsed = Array(text.utf8).withUnsafeBufferPointer { NumberParsing.parseDouble($0, 0, $0.count) }
            #expect(parsed == nil, "\(text)")
        }
        for (text, value) in [("inf", Double.infinity), ("-Infinity", -Double.infinity), ("1e400", Double.infinity), (" 2.5 ", 2.5), ("0x10", 16.0), ("12345678901234567890", 12345678901234567890.0)] {
            let parsed = Array(text.utf8).withUnsafeBufferPointer { NumberParsing.parseDouble($0, 0, $0.count) }
            #expect(parsed == value, "\(text)")
        }
    }
}

/// Writes test input to a fresh temporary file.
enum TemporaryFile {
    static func write(_ text: String) throws -> String { try write(bytes: Array(text.utf8)) }

    static func write(bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "vigil-test-\(UUID().uuidString).csv"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

func isClose(_ a: Double, _ b: Double, relative: Double = 1e-12) -> Bool { abs(a - b) <= relative * max(abs(a), abs(b)) }
