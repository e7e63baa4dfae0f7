import Foundation
import Testing
import VigilStats
@testable import VigilCore

/// A large delimited file is read as two halves at once; these read small files that way (threshold 1 byte)
/// and check the result against one pass over the same file.
struct HalvedReadTests {
    static let header = "amount,score,city,note\n"
    static let onePass = { var options = DatasetReadOptions(); options.halvingThreshold = .max; return options }()
    static let halves = { var options = DatasetReadOptions(); options.halvingThreshold = 1; return options }()

    /// Rows with missing cells, quoted cells (one spanning two lines), blank lines and rows repeated across
    /// the two halves.
    static func rows(_ count: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        var rows = [String]()
        for index in 0..<count {
            let amount = random.next() % 10 == 0 ? "" : String(format: "%.4f", Double(random.next() % 100_000) / 7)
            let city = ["Lyon", "Oslo", "\"Rio, RJ\"", "", "NA"][Int(random.next() % 5)]
            let note = random.next() % 50 == 0 ? "\"two\nlines\"" : "n\(random.next() % 20)"
            rows.append("\(amount),\(Int(random.next() % 1000) - 500),\(city),\(note)")
            if index % 997 == 0 { rows.append("") }
        }
        return rows
    }

    @Test func halvesProfileLikeOnePass() throws {
        let rows = Self.rows(6000, seed: 7)
        // The second half repeats rows of the first, which only the merged row hashes can see.
        let repeated = rows.prefix(200).filter { !$0.isEmpty }
        let path = try TemporaryFile.write(Self.header + (rows + repeated).joined(separator: "\n") + "\n")
        #expect(try Self.middleStartsARecord(path), "the file is read as two halves")
        let whole = try DatasetProfiler.profile(path: path, options: Self.onePass)
        let halves = try DatasetProfiler.profile(path: path, options: Self.halves)
        #expect(halves.rowCount == whole.rowCount)
        #expect(halves.rowCount == 6000 + repeated.count)
        #expect(halves.duplicateRows == whole.duplicateRows)
        #expect((halves.duplicateRows ?? 0) >= repeated.count)
        #expect(halves.schema == whole.schema)
        for name in whole.columnNames {
            switch (whole[column: name], halves[column: name]) {
            case (.numeric(let one)?, .numeric(let two)?):
                #expect(two.missingCount == one.missingCount && two.invalidCount == one.invalidCount, "\(name)")
                // Small enough to be kept exactly: the same values, whichever half read them.
                #expect(one.isExact && two.isExact, "\(name)")
                #expect(two.weightedSample == one.weightedSample, "\(name)")
                #expect(isClose(two.moments.mean, one.moments.mean), "\(name)")
            case (.categorical(let one)?, .categorical(let two)?):
                #expect(two.items.counts == one.items.counts && two.missingCount == one.missingCount, "\(name)")
            default:
                Issue.record("column \(name) differs in kind")
            }
        }
    }

    /// When the middle of the file falls inside a quoted field that spans lines, the line after the middle
    /// is no record's start: the halves are dropped and the file is read in one pass, with the same result.
    @Test func aMiddleInsideAQuotedFieldFallsBackToOnePass() throws {
        let rows = Self.rows(300, seed: 11)
        let longField = "\"" + (0..<400).map { "line \($0), with 1,2,3" }.joined(separator: "\n") + "\""
        let text = Self.header + rows.joined(separator: "\n") + "\n1.5,2,Lyon,\(longField)\n" + rows.joined(separator: "\n") + "\n"
        let path = try TemporaryFile.write(text)
        let middle = text.utf8.count / 2
        let fieldStart = text.utf8.count / 2 - longField.utf8.count / 2
        #expect(middle > fieldStart && middle < fieldStart + longField.utf8.count, "the middle lies inside the quoted field")
        #expect(try !Self.middleStartsARecord(path))
        let whole = try DatasetProfiler.profile(path: path, options: Self.onePass)
        let halves = try DatasetProfiler.profile(path: path, options: Self.halves)
        #expect(halves == whole)
        #expect(halves.rowCount == 601)
    }

    /// A comparison of two halved files gives each side the profile it has alone, errors on the reference
    /// side first.
    @Test func comparedSidesAreReadInHalves() throws {
        let reference = try TemporaryFile.write(Self.header + Self.rows(3000, seed: 1).joined(separator: "\n") + "\n")
        let current = try TemporaryFile.write(Self.header + Self.rows(1000, seed: 2).joined(separator: "\n") + "\n")
        let (referenceProfile, currentProfile) = try DatasetLoader.load(reference, current, options: Self.halves)
        #expect(referenceProfile == (try DatasetProfiler.profile(path: reference, options: Self.halves)))
        #expect(currentProfile == (try DatasetProfiler.profile(path: current, options: Self.halves)))
        #expect(referenceProfile.rowCount == 3000 && currentProfile.rowCount == 1000)
        let ragged = try TemporaryFile.write(Self.header + "1,2,Lyon\n")
        let error = #expect(throws: DatasetError.self) { try DatasetLoader.load(ragged, ragged + ".missing", options: Self.halves) }
        #expect(error?.file == ragged)
    }

    /// Whether the line after the file's middle byte starts a record: the check that decides between halves
    /// and one pass.
    static func middleStartsARecord(_ path: String) throws -> Bool {
        let size = try #require(DatasetProfiler.plainFileSize(path))
        let middle = try DelimitedFileReader(path: path, format: CSVFormat(), startingAt: size / 2).skipToNextLine()
        let firstHalf = try DelimitedFileReader(path: path, format: CSVFormat())
        try firstHalf.forEachRawRecord(skippingHeader: true, until: middle) { _ in true }
        return firstHalf.nextRecordOffset == middle
    }

    /// An error in the second half names the same line as one pass does.
    @Test func errorsInTheSecondHalfNameTheirLine() throws {
        var rows = Self.rows(4000, seed: 3).filter { !$0.contains("\n") }
        rows[3500] = "1.0,2,Oslo"
        let path = try TemporaryFile.write(Self.header + rows.joined(separator: "\n") + "\n")
        let onePass = #expect(throws: DatasetError.self) { try DatasetProfiler.profile(path: path, options: Self.onePass) }
        let halved = #expect(throws: DatasetError.self) { try DatasetProfiler.profile(path: path, options: Self.halves) }
        #expect(halved == onePass)
        #expect(halved?.line == 3502)
    }
}
