import Foundation
import Testing
import VigilStats
@testable import VigilCore

/// Target and prediction columns paired row by row while a dataset is profiled: the same quality whether the
/// file is read in one pass or two halves, as CSV or NDJSON, and errors that name the row and the column.
struct LabelledRowsTests {
    static func options(target: String, prediction: String, halves: Bool = false) -> DatasetReadOptions {
        var options = DatasetReadOptions()
        options.roles = [target: .target, prediction: .prediction]
        options.halvingThreshold = halves ? 1 : .max
        return options
    }

    /// Rows of a probability model: some targets missing, some predictions missing, quoted cells.
    static func probabilityRows(_ count: Int) -> [String] {
        var random = SplitMix64(seed: 11)
        return (0..<count).map { index in
            let p = Double(random.next() % 1000) / 1000
            let label = index % 97 == 0 ? "" : (Double(random.next() % 1000) / 1000 < p ? "1" : "0")
            let probability = index % 89 == 0 ? "" : String(p)
            let note = index % 50 == 0 ? "\"a, b\"" : "n\(index % 7)"
            return "\(label),\(probability),\(note)"
        }
    }

    @Test func halvesAndNDJSONPairLikeOnePass() throws {
        let rows = Self.probabilityRows(5000)
        let path = try TemporaryFile.write("label,proba,note\n" + rows.joined(separator: "\n") + "\n")
        let whole = try #require(try DatasetProfiler.profile(path: path, options: Self.options(target: "label", prediction: "proba")).quality)
        let halves = try #require(try DatasetProfiler.profile(path: path, options: Self.options(target: "label", prediction: "proba", halves: true)).quality)
        #expect(halves.confusion == whole.confusion)
        #expect(halves.labelled == whole.labelled && halves.unscorable == whole.unscorable)
        #expect(halves.scores == whole.scores)
        // Every row with a target counts: 5000 less the 52 without one; those without a prediction are unscorable.
        #expect(whole.labelled == 5000 - 52)
        #expect(whole.unscorable == (0..<5000).filter { $0 % 89 == 0 && $0 % 97 != 0 }.count)

        let ndjson = rows.map { row -> String in
            let cells = row.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            let label = cells[0].isEmpty ? "null" : cells[0]
            let probability = cells[1].isEmpty ? "null" : cells[1]
            return #"{"label": \#(label), "proba": \#(probability)}"#
        }
        let ndjsonPath = NSTemporaryDirectory() + "vigil-test-\(UUID().uuidString).ndjson"
        try Data((ndjson.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: ndjsonPath))
        let fromJSON = try #require(try DatasetLoader.load(path: ndjsonPath, options: Self.options(target: "label", prediction: "proba")).quality)
        #expect(fromJSON.confusion == whole.confusion && fromJSON.scores == whole.scores && fromJSON.labelled == whole.labelled)
    }

    /// Per-class score columns (`--scores`): halves, one pass and NDJSON give the same quality and the same
    /// CBPE estimator and estimate; rows without a target still count for the estimate.
    @Test func classScoreColumnsPairAlikeInHalvesAndNDJSONAndKeepUnlabelledRowsForTheEstimate() throws {
        var random = SplitMix64(seed: 7)
        let classes = ["cat", "dog", "owl"]
        var lines: [String] = []
        var objects: [String] = []
        for index in 0..<3000 {
            var raw = classes.map { _ in Double(random.next() % 1000) + 1 }
            let total = raw.reduce(0, +)
            raw = raw.map { ($0 / total * 1000).rounded() / 1000 }
            let best = raw.indices.max { raw[$0] < raw[$1] }!
            // The actual class follows the scores, so that the estimator has something to fit; every 10th row unlabelled.
            let draw = Double(random.next() % 1000) / 1000
            let actual = draw < raw[0] ? "cat" : draw < raw[0] + raw[1] ? "dog" : "owl"
            let label = index % 10 == 0 ? "" : actual
            lines.append("\(label),\(classes[best]),\(raw.map { String($0) }.joined(separator: ","))")
            let y = label.isEmpty ? "null" : "\"\(label)\""
            objects.append("{\"y\": \(y), \"yhat\": \"\(classes[best])\", \"p_cat\": \(raw[0]), \"p_dog\": \(raw[1]), \"p_owl\": \(raw[2])}")
        }
        let path = try TemporaryFile.write("y,yhat,p_cat,p_dog,p_owl\n" + lines.joined(separator: "\n") + "\n")
        func options(halves: Bool) -> DatasetReadOptions {
            var options = Self.options(target: "y", prediction: "yhat", halves: halves)
            options.scoreColumns = classes.map { DatasetReadOptions.ScoreColumn(className: $0, column: "p_\($0)") }
            for column in options.scoreColumns { options.roles[column.column] = .score }
            return options
        }
        let whole = try DatasetProfiler.profile(path: path, options: options(halves: false))
        let halves = try DatasetProfiler.profile(path: path, options: options(halves: true))
        let ndjsonPath = NSTemporaryDirectory() + "vigil-test-\(UUID().uuidString).ndjson"
        try Data((objects.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: ndjsonPath))
        let fromJSON = try DatasetLoader.load(path: ndjsonPath, options: options(halves: false))
        let quality = try #require(whole.quality)
        #expect(quality.labelled == 2700 && quality.scores.histograms.count == 3)
        for other in [halves, fromJSON] {
            #expect(other.quality?.confusion == quality.confusion && other.quality?.scores == quality.scores && other.quality?.labelled == 2700)
        }
        let rows = try #require(whole.scoredRows)
        #expect(rows.count == 3000 && rows.labelledCount == 2700)
        let estimator = try rows.estimator(positiveClass: nil)
        #expect(estimator.classes == classes)
        for other in [halves, fromJSON] {
            let theirs = try #require(other.scoredRows)
            #expect(try theirs.estimator(positiveClass: nil) == estimator)
            #expect(theirs.estimate(with: estimator) == rows.estimate(with: estimator))
        }
    }

    @Test func theQualityIsStoredWithTheProfile() throws {
        let path = try TemporaryFile.write("y,yhat\na,a\nb,a\nb,b\n")
        let profile = try DatasetProfiler.profile(path: path, options: Self.options(target: "y", prediction: "yhat"))
        let restored = try SketchEnvelope.deserialize(DatasetProfile.self, from: SketchEnvelope.serialize(profile))
        #expect(restored.quality == profile.quality)
        #expect(restored.quality?.confusion.count(actual: "b", predicted: "a") == 1)
    }

    @Test func aProbabilityOutsideZeroToOneNamesItsLineAndColumn() throws {
        let path = try TemporaryFile.write("label,proba\n1,0.9\n0,1.7\n")
        #expect {
            try DatasetProfiler.profile(path: path, options: Self.options(target: "label", prediction: "proba"))
        } throws: { error in
            let text = "\(error)"
            return text.contains(".csv:3 (column \"proba\")") && text.contains("1.7")
        }
    }

    @Test func aThirdTargetClassForAProbabilityIsRefused() throws {
        let path = try TemporaryFile.write("label,proba\nyes,0.9\nno,0.2\nmaybe,0.5\n")
        #expect {
            try DatasetProfiler.profile(path: path, options: Self.options(target: "label", prediction: "proba"))
        } throws: { error in
            "\(error)".contains(".csv:4 (column \"label\")") && "\(error)".contains("third")
        }
    }

    @Test func withoutANamedPositiveClassTheRarerTargetClassIsPositive() throws {
        // Neither class is called 1/true/yes/positive: "fraud" is rarer, so the probability is of fraud.
        let rows = ["legit,0.1", "legit,0.2", "fraud,0.8", "legit,0.6"]
        let path = try TemporaryFile.write("label,proba\n" + rows.joined(separator: "\n") + "\n")
        let quality = try #require(try DatasetProfiler.profile(path: path, options: Self.options(target: "label", prediction: "proba")).quality)
        #expect(quality.confusion.count(actual: "fraud", predicted: "fraud") == 1)
        #expect(quality.confusion.count(actual: "legit", predicted: "fraud") == 1)
        #expect(quality.confusion.count(actual: "legit", predicted: "legit") == 2)
    }

    @Test func countedProbabilityRowsFoldIntoTheProfileRowByRowAddsMake() {
        var random = SplitMix64(seed: 5)
        var rows = ProbabilityRows(positive: "yes", negative: "no")
        var other = ProbabilityRows(positive: "yes", negative: "no")
        var expected = QualityProfile()
        for index in 0..<3000 {
            let p = Double(random.next() % 100_001) / 100_000
            let isPositive = random.next() % 3 == 0
            if index % 2 == 0 { rows.add(isPositive: isPositive, probability: p) } else { other.add(isPositive: isPositive, probability: p) }
            expected.addRow(actual: isPositive ? "yes" : "no", probability: p, positive: "yes", negative: "no")
        }
        rows.merge(other)
        var folded = QualityProfile()
        rows.fold(into: &folded)
        // The same profile, but for the negative class's probabilistic sums, which a two-class summary never reads.
        #expect(folded.confusion == expected.confusion && folded.scores == expected.scores && folded.labelled == expected.labelled)
        #expect(folded.probabilities["yes"] == expected.probabilities["yes"] && folded.probabilities["no"] == nil)
        let summaries = [folded, expected].map { QualitySummary(profile: $0, predictions: 3000, windowEnd: 0, now: 0, positiveClass: "yes") }
        #expect(summaries[0].metrics == summaries[1].metrics)
    }
}
