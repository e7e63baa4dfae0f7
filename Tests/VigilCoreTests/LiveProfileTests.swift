import Testing
@testable import VigilCore
import VigilStats

/// Live profiles: columns of a stream stay aligned whatever order features arrive in, and buckets merge
/// and serialize without losing a row.
struct LiveProfileTests {
    static func event(_ id: Int, features: [String: FeatureValue], prediction: PredictionValue? = nil, latency: Double? = nil, error: String? = nil) -> PredictionEvent {
        PredictionEvent(
            id: "e\(id)", timestampMilliseconds: 1_800_000_000_000 + Int64(id), version: "v1", features: features, prediction: prediction,
            latencyMilliseconds: latency, status: error == nil ? "ok" : "error", errorType: error
        )
    }

    @Test func featuresArrivingLateOrNullFirstStayAligned() throws {
        var features = LiveFeatures()
        features.add(["a": .number(1)])
        features.add(["b": .string("x")])
        features.add(["a": .null, "c": .vector([1, 2])])
        features.add([:])
        features.add(["b": .number(2), "d": .null])
        features.add(["a": .string("t"), "c": .vector([1])])
        let profile = features.datasetProfile()
        #expect(profile.rowCount == 6)
        #expect(profile.columnNames == ["a", "b", "d"])
        guard case .numeric(let a) = profile[column: "a"], case .categorical(let b) = profile[column: "b"], case .categorical(let d) = profile[column: "d"] else {
            Issue.record("unexpected kinds: \(profile.columns)")
            return
        }
        #expect(a.count == 1 && a.missingCount == 4 && a.invalidCount == 1)
        #expect(b.count == 2 && b.missingCount == 4)
        #expect(d.count == 0 && d.missingCount == 6)
        #expect(features.typeMismatches == ["a": 1, "b": 1, "c": 1])
        let c = try #require(features.vectors["c"])
        #expect(c.count == 1 && c.dimension == 2 && c.mismatches == 1 && c.missing == 4)
    }

    /// Rows with random subsets of features of random types, whole and split into shards that are merged
    /// (and serialized on the way): the same counts, column by column.
    @Test(arguments: [UInt64(1), 2, 3])
    func shardsMergeIntoTheWhole(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let names = ["n1", "n2", "cat", "flag", "vec", "mixed"]
        var whole = LiveProfile()
        var shards = [LiveProfile](repeating: LiveProfile(), count: 3)
        for index in 0..<3000 {
            var features: [String: FeatureValue] = [:]
            for name in names where Double.random(in: 0..<1, using: &random) < 0.7 {
                let roll = Double.random(in: 0..<1, using: &random)
                switch name {
                case "n1", "n2": features[name] = roll < 0.1 ? .null : .number(Double.random(in: -5..<5, using: &random))
                case "cat": features[name] = .string(["a", "b", "c"][Int.random(in: 0..<3, using: &random)])
                case "flag": features[name] = .bool(roll < 0.5)
                case "vec": features[name] = .vector(roll < 0.05 ? [1] : [roll, 1 - roll])
                default: features[name] = roll < 0.3 ? .string("s") : roll < 0.6 ? .number(roll) : .null
                }
            }
            let prediction: PredictionValue = index % 2 == 0 ? .scores(["yes": 0.3, "no": 0.7]) : .number(Double(index % 7))
            let event = Self.event(index, features: features, prediction: prediction, latency: Double(index % 50), error: index % 13 == 0 ? "timeout" : nil)
            whole.add(event)
            shards[Int.random(in: 0..<3, using: &random)].add(event)
        }
        var merged = LiveProfile()
        for shard in shards {
            let bytes = SketchEnvelope.serialize(shard)
            let stored = try SketchEnvelope.deserialize(LiveProfile.self, from: bytes)
            #expect(SketchEnvelope.serialize(stored) == bytes, "a stored bucket must read back as it was written")
            merged.merge(stored)
        }
        #expect(merged.requestCount == 3000 && merged.errorCount == whole.errorCount && merged.errorTypes == whole.errorTypes)
        #expect(merged.latency.count == whole.latency.count)
        #expect(abs(merged.latency.moments.mean - whole.latency.moments.mean) < 1e-9)
        #expect(merged.predictedClasses.count == whole.predictedClasses.count && merged.confidence.count == whole.confidence.count)
        let left = whole.features.datasetProfile(), right = merged.features.datasetProfile()
        #expect(left.rowCount == 3000 && right.rowCount == 3000)
        #expect(Set(left.columnNames) == Set(right.columnNames))
        for name in left.columnNames {
            let a = try #require(left[column: name]), b = try #require(right[column: name])
            #expect(a.rowCount == b.rowCount, "\(name)")
            // A feature sent both as text and as numbers takes its kind from the first value a bucket saw, so
            // shards may disagree on it (the rows are kept, as mismatches); every other column merges exactly.
            if name != "mixed" { #expect(a.kind == b.kind && a.missingCount == b.missingCount, "\(name)") }
        }
        var wholeMismatches = whole.features.typeMismatches, mergedMismatches = merged.features.typeMismatches
        wholeMismatches["mixed"] = nil
        mergedMismatches["mixed"] = nil
        #expect(wholeMismatches == mergedMismatches)
    }

    @Test func trafficPredictionsAndErrorsAreCounted() {
        var profile = LiveProfile()
        profile.add(Self.event(1, features: [:], prediction: .scores(["fraud": 0.9, "legit": 0.1]), latency: 10))
        profile.add(Self.event(2, features: [:], prediction: .label("legit"), latency: 30))
        profile.add(Self.event(3, features: [:], latency: 50, error: "timeout"))
        profile.add(Self.event(4, features: [:], prediction: .scores(["a": 0.5, "b": 0.5])))
        #expect(profile.requestCount == 4 && profile.errorCount == 1 && profile.errorTypes == ["timeout": 1])
        #expect(profile.latency.count == 3 && profile.latency.missingCount == 1 && profile.latency.moments.mean == 30)
        // Ties go to the first class in name order.
        #expect(profile.predictedClasses.items.counts == ["fraud": 1, "legit": 1, "a": 1])
        #expect(profile.confidence.count == 2)
    }
}

/// Found by schemathesis: values near Double's limit overflowed a variance, and the stored bucket no longer
/// read back. Magnitudes beyond 1e100 are now invalid values (features, latency) or left out (metrics).
struct LiveProfileRangeTests {
    @Test func hugeValuesAreInvalidAndTheBucketStillReadsBack() throws {
        var profile = LiveProfile()
        for index in 0..<3 {
            profile.add(PredictionEvent(
                id: "h\(index)", timestampMilliseconds: 0, version: "v", features: ["x": .number(index == 0 ? 1e308 : 2), "v": .vector([1e200, 1e200])],
                prediction: .number(-1e300), latencyMilliseconds: 1e308, metrics: ["revenue": 1e308, "clicks": 3]
            ))
        }
        let restored = try SketchEnvelope.deserialize(LiveProfile.self, from: SketchEnvelope.serialize(profile))
        #expect(restored.latency.invalidCount == 3 && restored.predictedValues.invalidCount == 3)
        guard case .numeric(let x) = restored.features.datasetProfile()[column: "x"] else {
            Issue.record("x should be numeric")
            return
        }
        #expect(x.invalidCount == 1 && x.count == 2 && x.moments.mean == 2)
        #expect(restored.metrics["revenue"] == nil && restored.metrics["clicks"]?.count == 3)
        // A vector whose norm exceeds 1e100 is invalid like a huge scalar: a mismatch, kept out of the sketch.
        #expect(restored.features.vectors["v"]?.count == 0 && restored.features.vectors["v"]?.mismatches == 3)
    }
}

/// Segment tags: each value's traffic is counted, the breakdown stays bounded however many tags and values
/// clients send, and it survives merges and storage.
struct SegmentBreakdownTests {
    static func event(_ index: Int, segment: [String: String], latency: Double? = nil, error: Bool = false, prediction: PredictionValue? = nil) -> PredictionEvent {
        PredictionEvent(
            id: "s\(index)", timestampMilliseconds: 0, version: "v1", features: [:], prediction: prediction, latencyMilliseconds: latency,
            status: error ? "error" : "ok", errorType: error ? "timeout" : nil, segment: segment
        )
    }

    @Test func eachTagValueCountsItsRequestsErrorsAndLatency() throws {
        var profile = LiveProfile()
        var goldLatencies: [Double] = []
        for index in 0..<2000 {
            let gold = index % 4 == 0
            let latency = gold ? Double(index % 997) : 5
            if gold { goldLatencies.append(latency) }
            profile.add(Self.event(
                index, segment: ["tier": gold ? "gold" : "free", "region": index % 2 == 0 ? "eu" : "us"], latency: latency,
                error: !gold && index % 10 == 1, prediction: .scores(["yes": gold ? 0.9 : 0.6, "no": gold ? 0.1 : 0.4])
            ))
        }
        profile.add(Self.event(2000, segment: [:], latency: 1))
        let tiers = try #require(profile.segments.tags["tier"])
        let gold = try #require(tiers["gold"]), free = try #require(tiers["free"])
        #expect(gold.requestCount == 500 && free.requestCount == 1500)
        #expect(gold.errorCount == 0 && free.errorCount == 200)
        #expect(abs(gold.confidence.mean - 0.9) < 1e-12 && abs(free.confidence.mean - 0.6) < 1e-12)
        #expect(profile.segments.tags["region"]?.mapValues(\.requestCount) == ["eu": 1000, "us": 1000])
        // p99 of the gold latencies against the exact order statistics, within the sketch's stated rank error.
        goldLatencies.sort()
        let p99 = gold.latency.quantile(0.99)
        let rank = Double(goldLatencies.filter { $0 <= p99 }.count) / Double(goldLatencies.count)
        #expect(abs(rank - 0.99) <= QuantileSketch.documentedRankErrorBound(k: SegmentTraffic.latencyQuantileK) + 1.0 / 500)

        let restored = try SketchEnvelope.deserialize(LiveProfile.self, from: SketchEnvelope.serialize(profile))
        #expect(restored.segments == profile.segments)
    }

    @Test func tagsAndValuesStayBoundedThroughMerges() throws {
        var shards = [LiveProfile](repeating: LiveProfile(), count: 2)
        for index in 0..<600 {
            var segment = ["user": "u\(index)"]
            if index < 40 { segment["tag\(index)"] = "x" }
            shards[index % 2].add(Self.event(index, segment: segment, latency: 1))
        }
        var merged = LiveProfile()
        for shard in shards { merged.merge(try SketchEnvelope.deserialize(LiveProfile.self, from: SketchEnvelope.serialize(shard))) }
        let users = try #require(merged.segments.tags["user"])
        #expect(users.count == SegmentBreakdown.maximumValuesPerTag)
        #expect(users.values.reduce(0) { $0 + $1.requestCount } == 600, "values past the bound are counted under (other), not lost")
        #expect((users[SegmentBreakdown.otherValue]?.requestCount ?? 0) >= 600 - SegmentBreakdown.maximumValuesPerTag)
        #expect(merged.segments.tags.count == SegmentBreakdown.maximumTags)
        let keptTagValues = merged.segments.tags.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.requestCount } }
        #expect(keptTagValues + merged.segments.untrackedTagValues == 640, "every tag value is either kept or counted as untracked")
    }

    /// Profiles stored before segments were kept end after the business metrics; they still read back.
    @Test func profilesWithoutSegmentsEndWhereTheyUsedTo() throws {
        var profile = LiveProfile()
        profile.add(Self.event(1, segment: [:], latency: 3))
        let bytes = SketchEnvelope.serialize(profile)
        var withSegments = profile
        withSegments.add(Self.event(2, segment: ["tier": "gold"], latency: 3))
        #expect(SketchEnvelope.serialize(withSegments).count > bytes.count)
        let restored = try SketchEnvelope.deserialize(LiveProfile.self, from: bytes)
        #expect(restored.segments.isEmpty && restored.requestCount == 1)
    }

    @Test func aTrafficReadStepsOverTheFeaturesOfEitherLayout() throws {
        var profile = LiveProfile()
        for index in 0..<40 { profile.add(Self.event(index, segment: ["tier": index % 2 == 0 ? "gold" : "free"], latency: Double(index))) }
        let framed = SketchEnvelope.serialize(profile)
        #expect(try LiveProfile.decode(framed) == profile)
        #expect(try LiveProfile.decode(framed, parts: .traffic) == profile.traffic())
        // The bytes of releases before the features had a length: kind 33, read whole or without features.
        var payload = BinaryEncoder()
        profile.encodePayload(into: &payload, framed: false)
        var envelope = BinaryEncoder()
        envelope.write(rawBytes: SketchEnvelope.magic)
        envelope.write(SketchEnvelope.formatVersion)
        envelope.write(SketchKind.liveProfileUnframed.rawValue)
        envelope.write(UInt64(payload.bytes.count))
        envelope.write(rawBytes: payload.bytes)
        envelope.write(CRC32.checksum(envelope.bytes))
        #expect(try LiveProfile.decode(envelope.bytes) == profile)
        #expect(try LiveProfile.decode(envelope.bytes, parts: .traffic) == profile.traffic())
        #expect(profile.traffic().requestCount == 40 && profile.traffic().features.names.isEmpty && profile.traffic().latency.rowCount == 0)
        // The traffic column's form: empty sections, read back as the traffic; a whole read refuses it.
        let traffic = profile.trafficSerialized()
        #expect(try LiveProfile.decode(traffic, parts: .traffic) == profile.traffic())
        #expect(traffic.count < SketchEnvelope.serialize(profile.traffic()).count / 4, "\(traffic.count) bytes")
        #expect(throws: DecodingError.self) { try LiveProfile.decode(traffic) }
    }

    @Test func scoredPredictionsKeepEstimationScoresThroughMergesAndStorage() throws {
        var first = LiveProfile()
        var second = LiveProfile()
        first.add(PredictionEvent(id: "a", timestampMilliseconds: 0, version: "v1", prediction: .scores(["fraud": 0.2, "legit": 0.8])))
        first.add(PredictionEvent(id: "b", timestampMilliseconds: 0, version: "v1", prediction: .label("fraud")))
        second.add(PredictionEvent(id: "c", timestampMilliseconds: 0, version: "v1", prediction: .scores(["fraud": 0.9, "legit": 0.1])))
        first.merge(second)
        #expect(first.estimationScores.rows == 2)
        #expect(first.estimationScores.bins(of: "fraud")?.map { [$0.index, $0.predicted, $0.other] } == [[200, 0, 1], [900, 1, 0]])
        // With no segment, the segments part is written (empty) so that the scores after it can be told apart.
        #expect(try SketchEnvelope.deserialize(LiveProfile.self, from: SketchEnvelope.serialize(first)) == first)
    }
}

/// Vector features keep an embedding sketch that survives merges and storage; buckets stored before the
/// sketch existed still read back.
struct LiveVectorTests {
    static func features(_ vector: [Double]?) -> [String: FeatureValue] { ["emb": vector.map(FeatureValue.vector) ?? .null] }

    @Test func vectorsAreSketchedMergedAndStored() throws {
        var first = LiveFeatures(), second = LiveFeatures(), whole = LiveFeatures()
        var expected = EmbeddingSketch(dimension: 2)
        for index in 0..<30 {
            let value: [Double]? = index % 6 == 0 ? nil : [Double(index), 1]
            if let value { expected.add(value) }
            if index < 12 { first.add(Self.features(value)) } else { second.add(Self.features(value)) }
            whole.add(Self.features(value))
        }
        second.add(Self.features([1, 2, 3]))
        first.merge(second)
        let summary = try #require(first.vectors["emb"])
        #expect(summary.count == 25 && summary.missing == 5 && summary.mismatches == 1)
        #expect(summary.sketch?.count == 25)
        #expect(summary.sketch?.sum == expected.sum && summary.sketch?.projections.map(\.count) == expected.projections.map(\.count))
        #expect(first.datasetProfile().embeddings["emb"]?.count == 25)

        var profile = LiveProfile()
        for index in 0..<30 { profile.add(LiveProfileTests.event(index, features: Self.features(index % 6 == 0 ? nil : [Double(index), 1]))) }
        #expect(profile.features.vectors["emb"] == whole.vectors["emb"])
        let restored = try SketchEnvelope.deserialize(LiveProfile.self, from: SketchEnvelope.serialize(profile))
        #expect(restored.features.vectors["emb"] == whole.vectors["emb"])
    }

    /// A bucket whose only vector has another length does not make the window's vectors mismatches, in either
    /// order of the merge: the dimension most vectors have wins.
    @Test func theDimensionMostVectorsHaveWinsAMerge() throws {
        var odd = LiveFeatures(), good = LiveFeatures()
        odd.add(Self.features([1, 2, 3]))
        for index in 0..<20 { good.add(Self.features([Double(index), 1])) }
        var oddFirst = odd, goodFirst = good
        oddFirst.merge(good)
        goodFirst.merge(odd)
        for merged in [oddFirst, goodFirst] {
            let summary = try #require(merged.vectors["emb"])
            #expect(summary.dimension == 2 && summary.count == 20 && summary.mismatches == 1 && summary.sketch?.count == 20)
        }
        #expect(oddFirst.vectors["emb"] == goodFirst.vectors["emb"])
    }

    /// Kind 3 is how vector columns were stored before the sketch: norms only. They read back without one,
    /// and merging them with sketched buckets keeps the sketch of the vectors that have one.
    @Test func bucketsStoredBeforeSketchesReadBack() throws {
        var encoder = BinaryEncoder()
        encoder.writeVarint(4)  // rows
        encoder.writeVarint(1)  // features
        encoder.write("emb")
        encoder.write(UInt8(3))  // the kind of those releases
        encoder.writeVarint(0)  // mismatches
        encoder.writeVarint(1)  // missing
        encoder.writeVarint(3)  // vectors
        encoder.writeVarint(2)  // dimension
        encoder.writeVarint(0)  // vector mismatches
        var norms = Moments()
        for norm in [1.0, 2, 3] { norms.add(norm) }
        norms.encodePayload(into: &encoder)
        var decoder = BinaryDecoder(encoder.bytes)
        var legacy = try LiveFeatures(decodingPayload: &decoder)
        #expect(decoder.isAtEnd)
        let summary = try #require(legacy.vectors["emb"])
        #expect(summary.count == 3 && summary.sketch == nil && summary.norms.mean == 2)

        var current = LiveFeatures()
        current.add(Self.features([3, 4]))
        legacy.merge(current)
        #expect(legacy.vectors["emb"]?.count == 4 && legacy.vectors["emb"]?.sketch?.count == 1)
    }
}

/// The body layout named by a request's `Content-Type`, as clients write it.
struct EventBodyLayoutTests {
    @Test(arguments: [
        ("application/json", EventBodyLayout.json), ("Application/JSON; charset=utf-8", .json), ("  application/x-ndjson ;q=1", .ndjson),
        ("application/jsonl", .ndjson), ("", .json), ("\ttext/json\t", .json), ("application/x-www-form-urlencoded", .json),
    ])
    func namedTypesAreRead(contentType: String, layout: EventBodyLayout) {
        #expect(EventBodyLayout(contentType: contentType) == layout)
    }

    @Test func otherTypesAreRefusedAndNoneIsJSON() {
        for refused in ["text/csv", "application/jsonx", "application/json-seq", "json", "application/ json"] {
            #expect(EventBodyLayout(contentType: refused) == nil, "\(refused)")
        }
        #expect(EventBodyLayout(contentType: nil) == .json)
    }
}
