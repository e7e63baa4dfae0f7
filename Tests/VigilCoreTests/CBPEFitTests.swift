import Testing
import VigilCore
import VigilStats

/// Fitting an estimator on labelled production traffic: which predictions count, and which kind of model it is.
struct CBPEFitTests {
    static func fold(_ index: Int, scores: [String: Double]?, label: String) -> LabelFold {
        let prediction = PredictionEvent(
            id: "p\(index)", timestampMilliseconds: 0, version: "v1", prediction: scores.map(PredictionValue.scores) ?? .label(label)
        )
        return LabelFold(position: Int64(index), model: "m", prediction: prediction, label: LabelEvent(predictionId: "p\(index)", timestampMilliseconds: 1, value: .label(label)), replaced: nil)
    }

    @Test func threeClassesMakeAMulticlassEstimatorAndUnscoredOrUnknownLabelsAreSkipped() throws {
        let classes = ["blue", "green", "red"]
        var folds: [LabelFold] = []
        for i in 0..<300 {
            let main = classes[i % 3]
            var scores = Dictionary(uniqueKeysWithValues: classes.map { ($0, 0.1) })
            scores[main] = 0.8
            folds.append(Self.fold(i, scores: scores, label: i % 7 == 0 ? classes[(i + 1) % 3] : main))
        }
        folds.append(Self.fold(300, scores: nil, label: "blue"))
        folds.append(Self.fold(301, scores: ["blue": 0.5, "green": 0.3, "red": 0.2], label: "purple"))
        let (estimator, used, skipped) = try CBPE.fit(labelled: folds)
        #expect(estimator.classes == classes && !estimator.isBinary)
        #expect(used == 300 && skipped == 2)
    }

    @Test func twoClassesMakeABinaryEstimatorWithTheRealizedQualitysPositiveClass() throws {
        let folds = (0..<200).map { i in
            let p = Double(i % 10) / 10
            return Self.fold(i, scores: ["churn": p, "stay": 1 - p], label: i % 10 >= 8 ? "churn" : "stay")
        }
        let (estimator, _, _) = try CBPE.fit(labelled: folds)
        // Neither class is named 1/true/yes/positive: the rarer actual class is the positive one.
        #expect(estimator.classes == ["stay", "churn"])
        #expect(try CBPE.fit(labelled: folds, positiveClass: "stay").estimator.classes == ["churn", "stay"])
        #expect(throws: CBPE.FitError.self) { try CBPE.fit(labelled: Array(folds.prefix(50))) }
    }
}
