import Foundation
import Testing
@testable import VigilStats

/// NannyML's data sets (the first 10,000 reference and analysis rows its wheel ships) and NannyML 0.13.1's
/// estimates on them, written by `scripts/generate_cbpe_fixtures.py`.
struct CBPEFixtures: Decodable {
    struct Value: Decodable {
        var estimated: Double?
        var samplingError: Double?
        var realized: Double?
        enum CodingKeys: String, CodingKey {
            case estimated, realized
            case samplingError = "sampling_error"
        }
    }
    struct Chunk: Decodable {
        /// `reference` or `analysis`: which rows the chunk's start and end index.
        var period: String
        var start: Int
        var end: Int
        var values: [String: Value]
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            period = try container.decode(String.self, forKey: AnyKey("period"))
            start = try container.decode(Int.self, forKey: AnyKey("start"))
            end = try container.decode(Int.self, forKey: AnyKey("end"))
            values = [:]
            for key in container.allKeys where !["period", "start", "end"].contains(key.stringValue) {
                values[key.stringValue] = try container.decode(Value.self, forKey: key)
            }
        }
    }
    struct DataSet: Decodable {
        var kind: String
        var classes: [String]?
        var chunks: [Chunk]
    }
    var datasets: [String: DataSet]

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static let shared: CBPEFixtures = {
        let data = (try? Data(contentsOf: url("cbpe-expected.json"))) ?? Data()
        do { return try JSONDecoder().decode(CBPEFixtures.self, from: data) } catch {
            fatalError("Fixtures/cbpe/cbpe-expected.json is missing or damaged (\(error)): run scripts/generate_cbpe_fixtures.py")
        }
    }()

    static func url(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/cbpe/\(name)")
    }

    /// A fixture CSV: its header and rows of fields.
    static func table(_ name: String) -> (header: [String], rows: [[String]]) {
        let text = (try? String(contentsOf: url(name), encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return (lines.first ?? [], Array(lines.dropFirst()))
    }

    /// NannyML's decision per data set (and class), as the generator recorded it.
    static func decisions() -> [String: Any] {
        let data = (try? Data(contentsOf: url("cbpe-expected.json"))) ?? Data()
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        let sets = object?["datasets"] as? [String: Any] ?? [:]
        return sets.mapValues { (($0 as? [String: Any])?["needs_calibration"]) as Any }
    }
}

/// A binary data set's columns: the positive score, the prediction, the label.
private struct BinaryRows {
    var scores: [Double] = []
    var predicted: [Bool] = []
    var actual: [Bool] = []
    init(_ name: String) {
        let table = CBPEFixtures.table(name)
        for row in table.rows {
            scores.append(Double(row[0])!)
            predicted.append(row[1] == "1")
            actual.append(row[2] == "1")
        }
    }
}

/// A multiclass data set's columns: a score per class, the predicted and the actual class's index.
private struct MulticlassRows {
    var scores: [[Double]] = []
    var predicted: [Int] = []
    var actual: [Int] = []
    init(_ name: String, classes: [String]) {
        let table = CBPEFixtures.table(name)
        let columns = classes.map { table.header.firstIndex(of: "y_pred_proba_\($0)")! }
        let predictedColumn = table.header.firstIndex(of: "y_pred")!
        let actualColumn = table.header.firstIndex(of: "y_true")!
        for row in table.rows {
            scores.append(columns.map { Double(row[$0])! })
            predicted.append(classes.firstIndex(of: row[predictedColumn])!)
            actual.append(classes.firstIndex(of: row[actualColumn])!)
        }
    }
}

struct CBPETests {
    let fixtures = CBPEFixtures.shared

    /// Estimates within 1e-5 of NannyML's (the issue asks 1e-3; all but ROC AUC agree within 1e-12, and ROC AUC
    /// within 1.4e-6 because NannyML rounds its cumulative sums to five decimals); sampling errors within 1 % (all
    /// but ROC AUC's agree exactly; its spread depends on the order numpy's unstable sort leaves tied scores in,
    /// 0.8 % apart at most).
    func expectAgreement(_ estimate: CBPE.Estimate, _ chunk: CBPEFixtures.Chunk, _ name: String) {
        for metric in CBPE.Metric.allCases {
            guard let expected = chunk.values[metric.rawValue], let value = expected.estimated else { continue }
            let figure = estimate.values[metric]
            #expect(figure != nil, "\(name) \(chunk.period) chunk \(chunk.start): no \(metric.rawValue)")
            guard let figure else { continue }
            #expect(abs(figure.value - value) < 1e-5, "\(name) \(chunk.period) chunk \(chunk.start) \(metric.rawValue): \(figure.value) vs NannyML \(value)")
            if let error = expected.samplingError {
                #expect(abs(figure.samplingError - error) <= 0.01 * error, "\(name) \(chunk.period) chunk \(chunk.start) \(metric.rawValue) SE: \(figure.samplingError) vs \(error)")
            }
        }
    }

    @Test(arguments: ["car-loan", "work-from-home"])
    func binaryEstimatesAgreeWithNannyML(name: String) throws {
        let reference = BinaryRows("\(name)-reference.csv")
        let analysis = BinaryRows("\(name)-analysis.csv")
        let cbpe = try CBPE(negativeClass: "0", positiveClass: "1", scores: reference.scores, predicted: reference.predicted, actual: reference.actual)
        #expect((cbpe.calibrators[0] != nil) == (CBPEFixtures.decisions()[name] as? Bool), "\(name): the calibration decision differs from NannyML's")
        let chunks = try #require(fixtures.datasets[name]?.chunks)
        #expect(chunks.count == 10)
        for chunk in chunks {
            let range = chunk.start..<chunk.end
            let rows = chunk.period == "reference" ? reference : analysis
            let estimate = cbpe.estimate(binaryScores: Array(rows.scores[range]), predicted: Array(rows.predicted[range]))
            #expect(estimate.rows == range.count)
            expectAgreement(estimate, chunk, name)
        }
    }

    @Test func multiclassEstimatesAgreeWithNannyML() throws {
        let set = try #require(fixtures.datasets["credit-card"])
        let classes = try #require(set.classes)
        let reference = MulticlassRows("credit-card-reference.csv", classes: classes)
        let analysis = MulticlassRows("credit-card-analysis.csv", classes: classes)
        let cbpe = try CBPE(classes: classes, scores: reference.scores, predicted: reference.predicted, actual: reference.actual)
        let decisions = CBPEFixtures.decisions()["credit-card"] as? [String: Bool]
        for (c, name) in classes.enumerated() {
            #expect((cbpe.calibrators[c] != nil) == decisions?[name], "class \(name): the calibration decision differs from NannyML's")
        }
        for chunk in set.chunks {
            let range = chunk.start..<chunk.end
            let rows = chunk.period == "reference" ? reference : analysis
            expectAgreement(cbpe.estimate(scores: Array(rows.scores[range]), predicted: Array(rows.predicted[range])), chunk, "credit-card")
        }
    }

    @Test func isotonicRegressionMatchesScikitLearnOnASmallCase() {
        // sklearn.isotonic.IsotonicRegression(out_of_bounds="clip").fit([1,2,2,3,4,5], [1,3,1,2,5,4]):
        // the tie at x = 2 becomes its mean 2, then (2, 2) pool with x = 3 to 2, and (5, 4) pool to 4.5.
        let map = IsotonicRegression(inputs: [1, 2, 2, 3, 4, 5], targets: [1, 3, 1, 2, 5, 4])
        #expect(map.thresholds == [1, 2, 3, 4, 5])
        #expect(map.values == [1, 2, 2, 4.5, 4.5])
        #expect(map(0) == 1)
        #expect(map(2.5) == 2)
        #expect(map(3.5) == 3.25)
        #expect(map(9) == 4.5)
    }

    @Test func calibrationIsSkippedWhenTheScoresAlreadySeparateTheClasses() {
        let scores = (0..<200).map { Double($0) / 199 }
        let actual = scores.map { $0 > 0.5 }
        #expect(!CBPE.needsCalibration(scores: scores, actual: actual))
        #expect(!CBPE.needsCalibration(scores: scores, actual: scores.map { _ in true }))
    }

    @Test func aReferenceWithAScoreOutsideZeroToOneIsRefusedNamingTheRow() {
        #expect(throws: CBPE.FitError.self) {
            try CBPE(negativeClass: "no", positiveClass: "yes", scores: [0.2, 1.5, 0.4], predicted: [false, true, false], actual: [false, true, true])
        }
        do {
            _ = try CBPE(negativeClass: "no", positiveClass: "yes", scores: [0.2, 1.5, 0.4], predicted: [false, true, false], actual: [false, true, true])
        } catch {
            #expect(error.description.contains("row 2"))
        }
    }

    @Test(arguments: ["car-loan", "work-from-home"])
    func binnedScoresGiveNannyMLsEstimatesWhenScoresHaveTwoDecimals(name: String) throws {
        let reference = BinaryRows("\(name)-reference.csv")
        let analysis = BinaryRows("\(name)-analysis.csv")
        let cbpe = try CBPE(negativeClass: "0", positiveClass: "1", scores: reference.scores, predicted: reference.predicted, actual: reference.actual)
        for chunk in try #require(fixtures.datasets[name]?.chunks) where chunk.period == "analysis" {
            // Two bucket-sized halves merged, as a window merges buckets.
            var first = EstimationScores()
            var second = EstimationScores()
            for row in chunk.start..<chunk.end {
                let p = analysis.scores[row]
                let scores = ["1": p, "0": 1 - p]
                if row % 2 == 0 {
                    first.add(scores: scores, predicted: analysis.predicted[row] ? "1" : "0")
                } else {
                    second.add(scores: scores, predicted: analysis.predicted[row] ? "1" : "0")
                }
            }
            try first.merge(second)
            let estimate = try cbpe.estimate(first).get()
            #expect(estimate.rows == chunk.end - chunk.start)
            expectAgreement(estimate, chunk, name)
        }
    }

    @Test func theBinnedAccuracyLiesWithinItsCalibrationSpreadOfTheRowByRowOne() throws {
        // Continuous scores: many rows share a bin, and the calibration map has steps inside bins.
        var generator = SplitMix64(seed: 7)
        func uniform() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
        let reference = (0..<4000).map { _ in uniform() }
        let referenceActual = reference.map { uniform() < $0 * $0 }
        let cbpe = try CBPE(negativeClass: "no", positiveClass: "yes", scores: reference, predicted: reference.map { $0 >= 0.5 }, actual: referenceActual)
        #expect(cbpe.calibrators[0] != nil, "squared probabilities are miscalibrated, so calibration pays")
        let current = (0..<3000).map { _ in uniform() * 0.8 + 0.2 }
        let exact = cbpe.estimate(binaryScores: current, predicted: current.map { $0 >= 0.5 })
        var binned = EstimationScores(binCount: 100)
        for p in current { binned.add(scores: ["yes": p, "no": 1 - p], predicted: p >= 0.5 ? "yes" : "no") }
        let estimate = try cbpe.estimate(binned).get()
        let accuracy = try #require(estimate.values[.accuracy]?.value)
        let exactAccuracy = try #require(exact.values[.accuracy]?.value)
        #expect(estimate.calibrationSpread > 0)
        #expect(abs(accuracy - exactAccuracy) <= estimate.calibrationSpread, "\(accuracy) vs \(exactAccuracy), spread \(estimate.calibrationSpread)")
        let auc = try #require(estimate.values[.rocAUC])
        #expect(auc.lower <= auc.value && auc.value <= auc.upper)
    }

    @Test func estimationScoresSurviveARoundTripAndRefuseDisorder() throws {
        var scores = EstimationScores()
        scores.add(scores: ["a": 0.7, "b": 0.2, "c": 0.1], predicted: "a")
        scores.add(scores: ["a": 0.1, "b": 0.1, "c": 0.8], predicted: "c")
        var encoder = BinaryEncoder()
        scores.encode(into: &encoder)
        var decoder = BinaryDecoder(encoder.bytes)
        #expect(try EstimationScores(decoding: &decoder) == scores)
        #expect(scores.bins(of: "c")?.map(\.index) == [100, 800])
    }

    @Test func aFittedEstimatorSurvivesItsEnvelope() throws {
        let reference = BinaryRows("car-loan-reference.csv")
        let cbpe = try CBPE(negativeClass: "0", positiveClass: "1", scores: reference.scores, predicted: reference.predicted, actual: reference.actual)
        #expect(try SketchEnvelope.deserialize(CBPE.self, from: SketchEnvelope.serialize(cbpe)) == cbpe)
    }

    @Test func aCalibratedMulticlassModelIsEstimatedFromScoreCellsAsNannyMLEstimatesItsRows() throws {
        let set = try #require(fixtures.datasets["credit-card"])
        let classes = try #require(set.classes)
        let reference = MulticlassRows("credit-card-reference.csv", classes: classes)
        let analysis = MulticlassRows("credit-card-analysis.csv", classes: classes)
        let cbpe = try CBPE(classes: classes, scores: reference.scores, predicted: reference.predicted, actual: reference.actual)
        #expect(cbpe.calibrators.contains { $0 != nil }, "the fixture needs calibration, so bins per class cannot serve it")
        for chunk in set.chunks where chunk.period == "analysis" {
            // Two bucket-sized halves merged, as a window merges buckets.
            var halves = [EstimationScores(), EstimationScores()]
            for row in chunk.start..<chunk.end {
                halves[row % 2].add(scores: Dictionary(uniqueKeysWithValues: zip(classes, analysis.scores[row])), predicted: classes[analysis.predicted[row]])
            }
            try halves[0].merge(halves[1])
            let estimate = try cbpe.estimate(halves[0]).get()
            #expect(estimate.rows == chunk.end - chunk.start)
            expectAgreement(estimate, chunk, "credit-card cells")
            // Scores with two decimals fall one vector to a cell: the estimate from rows, to rounding.
            let rows = cbpe.estimate(scores: Array(analysis.scores[chunk.start..<chunk.end]), predicted: Array(analysis.predicted[chunk.start..<chunk.end]))
            for (metric, figure) in rows.values {
                #expect(abs((estimate.values[metric]?.value ?? .nan) - figure.value) < 1e-9, "\(metric.rawValue)")
            }
        }
    }

    @Test func scoreCellsCoarsenWithinTheirBoundAndKeepTheGridWhateverTheOrder() throws {
        // Continuous scores of four classes: far more vectors than cells, so the grid halves several times.
        var generator = SplitMix64(seed: 11)
        func uniform() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
        let classes = ["a", "b", "c", "d"]
        func row() -> [Double] {
            let raw = classes.indices.map { index in pow(uniform(), Double(index + 1)) + 0.01 }
            let total = raw.reduce(0, +)
            return raw.map { $0 / total }
        }
        let reference = (0..<6000).map { _ in row() }
        // The true class drawn from the squared scores: the raw scores are miscalibrated.
        let actual = reference.map { scores -> Int in
            let squared = scores.map { $0 * $0 }
            var draw = uniform() * squared.reduce(0, +)
            for (index, weight) in squared.enumerated() {
                draw -= weight
                if draw <= 0 { return index }
            }
            return classes.count - 1
        }
        func argmax(_ scores: [Double]) -> Int { scores.indices.max { scores[$0] < scores[$1] }! }
        let cbpe = try CBPE(classes: classes, scores: reference, predicted: reference.map(argmax), actual: actual)
        #expect(cbpe.calibrators.contains { $0 != nil })
        let current = (0..<20_000).map { _ in row() }
        var cells = ScoreCells()
        for scores in current { cells.add(scores: Dictionary(uniqueKeysWithValues: zip(classes, scores)), predicted: classes[argmax(scores)]) }
        #expect(cells.resolution < ScoreCells.defaultResolution && cells.sortedCells.count <= ScoreCells.maximumCells)
        let estimate = try cbpe.estimate(cells).get()
        let exact = cbpe.estimate(scores: current, predicted: current.map(argmax))
        let accuracy = try #require(estimate.values[.accuracy]?.value)
        let exactAccuracy = try #require(exact.values[.accuracy]?.value)
        #expect(estimate.calibrationSpread > 0 && estimate.calibrationSpread < 0.2, "\(estimate.calibrationSpread)")
        #expect(abs(accuracy - exactAccuracy) <= estimate.calibrationSpread, "\(accuracy) vs \(exactAccuracy), spread \(estimate.calibrationSpread)")

        // The same rows in another order, in two parts merged: the same grid and counts.
        var shuffled = current
        shuffled.shuffle(using: &generator)
        var parts = [ScoreCells(), ScoreCells()]
        for (index, scores) in shuffled.enumerated() {
            parts[index % 2].add(scores: Dictionary(uniqueKeysWithValues: zip(classes, scores)), predicted: classes[argmax(scores)])
        }
        parts[0].merge(parts[1])
        #expect(parts[0].resolution == cells.resolution && parts[0].keptRows == cells.keptRows)
        #expect(parts[0].sortedCells.map { "\($0.grid) \($0.predicted) \($0.count)" } == cells.sortedCells.map { "\($0.grid) \($0.predicted) \($0.count)" })
        var encoder = BinaryEncoder()
        cells.encode(into: &encoder)
        var decoder = BinaryDecoder(encoder.bytes)
        #expect(try ScoreCells(decoding: &decoder) == cells)
    }

    @Test func scoresCountedBeforeCellsWereKeptAreNotEstimatedWhenCalibrationNeedsThem() throws {
        let set = try #require(fixtures.datasets["credit-card"])
        let classes = try #require(set.classes)
        let reference = MulticlassRows("credit-card-reference.csv", classes: classes)
        let cbpe = try CBPE(classes: classes, scores: reference.scores, predicted: reference.predicted, actual: reference.actual)
        var scores = EstimationScores()
        scores.add(scores: Dictionary(uniqueKeysWithValues: zip(classes, reference.scores[0])), predicted: classes[reference.predicted[0]])
        // An older release wrote the bins alone: the bytes without the cells' trailing section.
        var full = BinaryEncoder()
        scores.encode(into: &full)
        var cellsOnly = BinaryEncoder()
        scores.cells.encode(into: &cellsOnly)
        var decoder = BinaryDecoder(Array(full.bytes.dropLast(cellsOnly.bytes.count)))
        let old = try EstimationScores(decoding: &decoder)
        #expect(old.rows == 1 && old.cells.rows == 0)
        #expect(throws: CBPE.EstimationGap.multiclassCalibration) { try cbpe.estimate(old).get() }
        #expect(try cbpe.estimate(scores).get().rows == 1)
    }
}
