import Foundation
import Testing
@testable import VigilCore
import VigilStats

/// Model quality from labels: folded the way the label log folds them (labels before or after their
/// prediction, corrections, labels never sent), checked against scikit-learn, and byte-identical whatever
/// order the events arrive in.
struct QualityProfileTests {
    static let bucketWidth: Int64 = 60_000

    /// The label log's rules, in memory: a label for a stored prediction folds (replacing the label folded
    /// before); one for a prediction not yet stored waits and folds when the prediction comes. Buckets that
    /// lost their largest error to a correction are recounted, as the server does.
    struct LabelLogReplay {
        var predictions: [String: PredictionEvent] = [:]
        var folded: [String: LabelEvent] = [:]
        var waiting: [String: LabelEvent] = [:]
        var buckets: [BucketKey: QualityProfile] = [:]

        mutating func receive(prediction: PredictionEvent) {
            predictions[prediction.id] = prediction
            if let label = waiting.removeValue(forKey: prediction.id) { fold(prediction, label, replaced: nil) }
        }

        mutating func receive(label: LabelEvent) {
            guard let prediction = predictions[label.predictionId] else {
                waiting[label.predictionId] = label
                return
            }
            fold(prediction, label, replaced: folded[label.predictionId])
        }

        private mutating func fold(_ prediction: PredictionEvent, _ label: LabelEvent, replaced: LabelEvent?) {
            folded[prediction.id] = label
            let fold = LabelFold(position: 0, model: "m", prediction: prediction, label: label, replaced: replaced)
            let key = fold.key(width: QualityProfileTests.bucketWidth)
            buckets[key, default: QualityProfile()].fold(fold)
            if buckets[key]!.needsRecount {
                let members = folded.compactMap { id, label -> LabelFold? in
                    guard let prediction = predictions[id], LabelFold(position: 0, model: "m", prediction: prediction, label: label, replaced: nil).key(width: QualityProfileTests.bucketWidth) == key else { return nil }
                    return LabelFold(position: 0, model: "m", prediction: prediction, label: label, replaced: nil)
                }
                buckets[key] = QualityProfile(recounting: members)
            }
        }

        var merged: QualityProfile {
            var whole = QualityProfile()
            for profile in buckets.values { whole.merge(profile) }
            return whole
        }
    }

    /// The fixture's events in the order a client sends them: early labels, then predictions, then the rest
    /// of the labels (a wrong one before its correction).
    static func replayInSentOrder(_ fixtureCase: QualityFixture.Case) -> LabelLogReplay {
        var replay = LabelLogReplay()
        for label in fixtureCase.labels where fixtureCase.early.contains(label.predictionId) { replay.receive(label: label) }
        for prediction in fixtureCase.predictions { replay.receive(prediction: prediction) }
        for label in fixtureCase.labels where !fixtureCase.early.contains(label.predictionId) { replay.receive(label: label) }
        return replay
    }

    static func summary(_ name: String) -> (QualitySummary, QualityFixture.Case) {
        let fixtureCase = QualityFixture.shared.cases[name]!
        let replay = replayInSentOrder(fixtureCase)
        let window = QualityFixture.shared.window
        return (QualitySummary(profile: replay.merged, predictions: fixtureCase.predictions.count, windowEnd: window.upperBound, now: window.upperBound + 86_400_000), fixtureCase)
    }

    @Test func binaryClassificationMatchesScikitLearn() throws {
        let (summary, fixture) = Self.summary("binary")
        #expect(summary.task == .classification && summary.positiveClass == "fraud")
        #expect(summary.labelled == fixture.labelled)
        #expect(summary.coverage == Double(fixture.labelled) / Double(fixture.predictions.count))
        #expect(!summary.maturing)
        for name in ["accuracy", "tpr", "tnr", "fpr", "fnr", "log_loss", "brier", "ece"] {
            let figure = try #require(summary.figure(name), "\(name)")
            #expect(closeTo(figure.value, fixture.number(name), relative: 1e-9), "\(name): \(figure.value) vs \(fixture.number(name))")
        }
        for average in ["macro", "micro", "weighted"] {
            for name in ["precision", "recall", "f1"] {
                let figure = try #require(summary.figure(name, average: average))
                #expect(closeTo(figure.value, fixture.number("\(name)_\(average)"), relative: 1e-9), "\(name) \(average)")
            }
        }
        for (label, expected) in fixture.perClass {
            for name in ["precision", "recall", "f1"] {
                let figure = try #require(summary.metrics.first { $0.name == name && $0.className == label })
                #expect(closeTo(figure.value, expected[name]!, relative: 1e-9, absolute: 1e-15), "\(name) of \(label)")
            }
        }
        // Intervals: Wilson as statsmodels computes it.
        let accuracy = try #require(summary.figure("accuracy")?.interval)
        #expect(accuracy.method == "wilson")
        #expect(closeTo(accuracy.lower, fixture.pair("accuracy_interval").0, relative: 1e-12))
        #expect(closeTo(accuracy.upper, fixture.pair("accuracy_interval").1, relative: 1e-12))
        let tpr = try #require(summary.figure("tpr")?.interval)
        #expect(closeTo(tpr.lower, fixture.pair("tpr_interval").0, relative: 1e-12) && closeTo(tpr.upper, fixture.pair("tpr_interval").1, relative: 1e-12))
        // Ranking figures come from 1000-bin score histograms: the exact value lies within their bounds.
        for name in ["roc_auc", "pr_auc"] {
            let figure = try #require(summary.figure(name))
            let bounds = try #require(figure.bounds)
            #expect(bounds.lower - 1e-12 <= fixture.number(name) && fixture.number(name) <= bounds.upper + 1e-12, "\(name) outside \(bounds)")
            #expect(closeTo(figure.value, fixture.number(name), relative: 1e-3))
        }
        let auc = try #require(summary.figure("roc_auc")?.interval)
        #expect(auc.method == "hanley-mcneil")
        #expect(closeTo(auc.lower, fixture.pair("roc_auc_interval").0, relative: 1e-3) && closeTo(auc.upper, fixture.pair("roc_auc_interval").1, relative: 1e-3))
    }

    @Test func multiclassClassificationMatchesScikitLearn() throws {
        let (summary, fixture) = Self.summary("multiclass")
        #expect(summary.positiveClass == nil)
        #expect(closeTo(try #require(summary.figure("accuracy")).value, fixture.number("accuracy"), relative: 1e-9))
        #expect(closeTo(try #require(summary.figure("log_loss")).value, fixture.number("log_loss"), relative: 1e-9))
        for average in ["macro", "micro", "weighted"] {
            #expect(closeTo(try #require(summary.figure("f1", average: average)).value, fixture.number("f1_\(average)"), relative: 1e-9))
        }
        let macro = try #require(summary.figure("roc_auc", average: "macro"))
        #expect(closeTo(macro.value, fixture.number("roc_auc_macro"), relative: 1e-3))
        let bounds = try #require(macro.bounds)
        #expect(bounds.lower - 1e-12 <= fixture.number("roc_auc_macro") && fixture.number("roc_auc_macro") <= bounds.upper + 1e-12)
    }

    @Test func regressionMatchesScikitLearnIncludingACorrectedMaximum() throws {
        let (summary, fixture) = Self.summary("regression")
        #expect(summary.task == .regression)
        for name in ["mean_error", "mae", "rmse", "mape", "r2", "max_error"] {
            let figure = try #require(summary.figure(name))
            #expect(closeTo(figure.value, fixture.number(name), relative: 1e-9), "\(name): \(figure.value) vs \(fixture.number(name))")
        }
        let interval = try #require(summary.figure("mae")?.interval)
        #expect(closeTo(interval.lower, fixture.pair("mae_interval").0, relative: 1e-9) && closeTo(interval.upper, fixture.pair("mae_interval").1, relative: 1e-9))
    }

    /// Predictions and labels shuffled (a label's corrections stay after it), early labels and duplicates of
    /// final labels included: every bucket serializes to the same bytes.
    @Test(arguments: ["binary", "multiclass", "regression"])
    func bucketsAreByteIdenticalWhateverTheOrder(name: String) {
        let fixtureCase = QualityFixture.shared.cases[name]!
        let reference = Self.replayInSentOrder(fixtureCase).buckets.mapValues { SketchEnvelope.serialize($0) }
        var generator = SplitMix64(seed: 7)
        for _ in 0..<5 {
            // Interleave: each prediction and each label chain (wrong, then right) at a random place.
            enum Event { case prediction(PredictionEvent), labels([LabelEvent]) }
            var chains: [String: [LabelEvent]] = [:]
            for label in fixtureCase.labels { chains[label.predictionId, default: []].append(label) }
            var events = fixtureCase.predictions.map(Event.prediction) + chains.values.map(Event.labels)
            events.shuffle(using: &generator)
            var replay = LabelLogReplay()
            for event in events {
                switch event {
                case .prediction(let prediction): replay.receive(prediction: prediction)
                case .labels(let labels):
                    for label in labels { replay.receive(label: label) }
                    // The final label again: a resend must leave the quality as it is.
                    replay.receive(label: labels.last!)
                }
            }
            #expect(replay.buckets.mapValues { SketchEnvelope.serialize($0) } == reference)
        }
    }

    @Test func profilesSurviveSerializationAndRefuseDamage() throws {
        let replay = Self.replayInSentOrder(QualityFixture.shared.cases["binary"]!)
        let profile = replay.merged
        var bytes = SketchEnvelope.serialize(profile)
        #expect(try SketchEnvelope.deserialize(QualityProfile.self, from: bytes) == profile)
        bytes[bytes.count / 2] ^= 0xFF
        #expect(throws: DecodingError.self) { try SketchEnvelope.deserialize(QualityProfile.self, from: bytes) }
    }

    @Test func aLabelNotMatchingThePredictionKindIsCountedUnscorable() {
        var profile = QualityProfile()
        let numeric = PredictionEvent(id: "a", timestampMilliseconds: 0, version: "v1", prediction: .number(3))
        let failed = PredictionEvent(id: "b", timestampMilliseconds: 0, version: "v1", status: "error")
        profile.add(prediction: numeric, label: LabelEvent(predictionId: "a", timestampMilliseconds: 1000, value: .label("cat")), weight: 1)
        profile.add(prediction: failed, label: LabelEvent(predictionId: "b", timestampMilliseconds: 1000, value: .label("cat")), weight: 1)
        #expect(profile.labelled == 2 && profile.unscorable == 2)
        let summary = QualitySummary(profile: profile, predictions: 2, windowEnd: 0, now: 10)
        #expect(summary.task == .none && summary.metrics.isEmpty && summary.coverage == 1)
    }

    @Test func outcomesSentWithLabelsAreTakenAwayWithACorrection() throws {
        var replay = LabelLogReplay()
        let prediction = PredictionEvent(id: "a", timestampMilliseconds: 0, version: "v1", prediction: .label("buy"))
        replay.receive(prediction: prediction)
        replay.receive(label: LabelEvent(predictionId: "a", timestampMilliseconds: 5000, value: .label("buy"), metrics: ["revenue": 1e9]))
        replay.receive(label: LabelEvent(predictionId: "a", timestampMilliseconds: 5000, value: .label("buy"), metrics: ["revenue": 12.5, "items": 2]))
        var fresh = LabelLogReplay()
        fresh.receive(prediction: prediction)
        fresh.receive(label: LabelEvent(predictionId: "a", timestampMilliseconds: 5000, value: .label("buy"), metrics: ["revenue": 12.5, "items": 2]))
        #expect(replay.buckets.mapValues { SketchEnvelope.serialize($0) } == fresh.buckets.mapValues { SketchEnvelope.serialize($0) })
        let summary = QualitySummary(profile: replay.merged, predictions: 1, windowEnd: 0, now: 1)
        #expect(summary.businessMetrics.map(\.name) == ["items", "revenue"])
        #expect(summary.businessMetrics.last?.sum == 12.5 && summary.businessMetrics.last?.count == 1)
    }

    /// Segment tags on predictions: each segment's quality is that of its own predictions, corrections and
    /// all, and the buckets stay byte-identical whatever the order.
    @Test func segmentsKeepTheQualityOfTheirOwnPredictions() throws {
        let tiers = ["gold", "silver", "bronze"]
        let predictions = (0..<300).map { (index: Int) -> PredictionEvent in
            let segment: [String: String] = ["tier": tiers[index % 7 % 3], "region": index % 2 == 0 ? "eu" : "us"]
            let time: Int64 = 1_700_000_000_000 + Int64(index) * 1000
            let predicted: String = index % 3 == 0 ? "yes" : "no"
            return PredictionEvent(id: "p\(index)", timestampMilliseconds: time, version: "v1", prediction: .label(predicted), segment: segment)
        }
        let truth = (0..<300).map { $0 % 5 == 0 ? "yes" : "no" }
        var events: [(prediction: PredictionEvent?, labels: [LabelEvent])] = predictions.map { ($0, []) }
        for index in 0..<300 {
            let right = LabelEvent(predictionId: "p\(index)", timestampMilliseconds: 1_700_000_900_000, value: .label(truth[index]))
            let wrong = LabelEvent(predictionId: "p\(index)", timestampMilliseconds: 1_700_000_800_000, value: .label(truth[index] == "yes" ? "no" : "yes"))
            events.append((nil, index % 4 == 0 ? [wrong, right] : [right]))
        }
        var reference: [BucketKey: [UInt8]]?
        var generator = SplitMix64(seed: 3)
        for _ in 0..<3 {
            events.shuffle(using: &generator)
            var replay = LabelLogReplay()
            for event in events {
                if let prediction = event.prediction { replay.receive(prediction: prediction) }
                for label in event.labels { replay.receive(label: label) }
            }
            let bytes = replay.buckets.mapValues { SketchEnvelope.serialize($0) }
            if let reference { #expect(bytes == reference) } else { reference = bytes }
            let merged = replay.merged
            for tier in tiers {
                let members = (0..<300).filter { predictions[$0].segment["tier"] == tier }
                let correct = members.filter { (($0 % 3 == 0) ? "yes" : "no") == truth[$0] }.count
                let segment = try #require(merged.segments["tier"]?[tier])
                #expect(segment.labelled == members.count)
                let accuracy = QualitySummary(profile: segment, predictions: members.count, windowEnd: 0, now: 0).figure("accuracy")?.value
                #expect(accuracy == Double(correct) / Double(members.count))
            }
            #expect(merged.segments["region"]?.keys.sorted() == ["eu", "us"])
        }
        let profile = Self.replayInSentOrder(QualityFixture.shared.cases["binary"]!).merged
        #expect(profile.segments.isEmpty)
        var withSegments = LabelLogReplay()
        for prediction in predictions { withSegments.receive(prediction: prediction) }
        withSegments.receive(label: LabelEvent(predictionId: "p1", timestampMilliseconds: 1_700_000_900_000, value: .label("no")))
        let one = withSegments.merged
        #expect(try SketchEnvelope.deserialize(QualityProfile.self, from: SketchEnvelope.serialize(one)) == one)
    }

    @Test func storedPredictionsReadWithoutFeaturesKeepEverythingElse() throws {
        let event = PredictionEvent(
            id: "x", timestampMilliseconds: 1_700_000_000_123, version: "v3", features: ["a": .number(1), "v": .vector([1, 2]), "s": .string("}{")],
            prediction: .scores(["y": 0.25, "n": 0.75]), latencyMilliseconds: 4, status: "ok", segment: ["tier": "gold"], metrics: ["m": 2],
            schemaVersion: "2026-11", requestId: "req-7"
        )
        var expected = event
        expected.features = [:]
        #expect(try PredictionEvent(wireJSONWithoutFeatures: event.wireJSON) == expected)
        #expect(try PredictionEvent(wireJSON: event.wireJSON) == event)
        #expect(throws: EventRowError.self) { try PredictionEvent(wireJSONWithoutFeatures: Array(#"{"id":"x","features":{"a":[1,}}"#.utf8)) }
        #expect(throws: EventRowError.self) { try PredictionEvent(wireJSONWithoutFeatures: Array(#"{"id":"x"} extra"#.utf8)) }
    }

    @Test func aWindowMaturesOnceItsP95LabelDelayHasPassed() {
        var profile = QualityProfile()
        let prediction = PredictionEvent(id: "a", timestampMilliseconds: 0, version: "v1", prediction: .label("x"))
        // 20 labels after 10 s, one after 2 h: p95 lies in the bin ending at 15 s.
        for index in 0..<20 {
            var event = prediction
            event.id = "a\(index)"
            profile.add(prediction: event, label: LabelEvent(predictionId: event.id, timestampMilliseconds: 10_000, value: .label("x")), weight: 1)
        }
        #expect(QualitySummary(profile: profile, predictions: 20, windowEnd: 0, now: 14_000).maturing)
        #expect(!QualitySummary(profile: profile, predictions: 20, windowEnd: 0, now: 16_000).maturing)
        #expect(QualitySummary(profile: QualityProfile(), predictions: 20, windowEnd: 0, now: 1_000_000).maturing, "no label yet: still maturing")
    }
}

func closeTo(_ actual: Double, _ expected: Double, relative: Double, absolute: Double = 0) -> Bool {
    if actual == expected { return true }
    return abs(actual - expected) <= max(absolute, relative * abs(expected))
}
