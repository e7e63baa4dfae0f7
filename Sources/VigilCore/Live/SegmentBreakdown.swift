public import VigilStats

/// Traffic of one segment value (say `tier = gold`): requests, errors, latency quantiles, and the mean
/// prediction and confidence, so a slow, failing or shifted segment shows next to the model's whole.
///
/// Lighter than a ``LiveProfile`` on purpose: a bucket holds one of these per tag value, so it keeps no
/// features. Latency quantiles come from a KLL sketch with `k = 128`, whose rank error is at most
/// 2.56 / 128 = 2 % (``QuantileSketch/documentedRankErrorBound(k:)``).
public struct SegmentTraffic: Sendable, Equatable {
    public static let latencyQuantileK = 128

    /// Predictions received (successful and failed).
    public private(set) var requestCount = 0
    /// Predictions whose status is `error`.
    public private(set) var errorCount = 0
    /// Reported latencies in milliseconds.
    public private(set) var latency = QuantileSketch(k: SegmentTraffic.latencyQuantileK)
    /// Numeric predictions.
    public private(set) var predictedValues = Moments()
    /// The highest class score of predictions sent as per-class scores.
    public private(set) var confidence = Moments()

    public init() {}

    mutating func add(_ event: PredictionEvent) {
        requestCount += 1
        if event.status == "error" { errorCount += 1 }
        if let latency = event.latencyMilliseconds, abs(latency) <= NumericColumnSketch.maximumMagnitude { self.latency.add(latency) }
        if case .number(let value)? = event.prediction, abs(value) <= NumericColumnSketch.maximumMagnitude { predictedValues.add(value) }
        if let score = event.prediction?.predictedClass?.score, abs(score) <= NumericColumnSketch.maximumMagnitude { confidence.add(score) }
    }

    mutating func merge(_ other: SegmentTraffic) {
        requestCount += other.requestCount
        errorCount += other.errorCount
        // Sketches of one `k` always merge.
        try! latency.merge(other.latency)
        predictedValues.merge(other.predictedValues)
        confidence.merge(other.confidence)
    }
}

/// The traffic of every segment value, tag by tag (`segment: {"tier": "gold", "region": "eu"}` counts the
/// prediction once under `tier = gold` and once under `region = eu`).
///
/// Bounded whatever clients send, since tags are free-form: at most ``maximumTags`` tags are kept (later
/// ones are counted in ``untrackedTagValues``), and at most ``maximumValuesPerTag`` values per tag; further
/// values are merged into the value ``otherValue``. The bounds hold after merges too, so a window over
/// many buckets stays as small as one bucket.
public struct SegmentBreakdown: Sendable, Equatable {
    public static let maximumTags = 32
    public static let maximumValuesPerTag = 100
    /// The value that stands for a tag's values past ``maximumValuesPerTag``.
    public static let otherValue = "(other)"

    /// Traffic by tag, then by value.
    public private(set) var tags: [String: [String: SegmentTraffic]] = [:]
    /// Tag values of predictions that were not kept because ``maximumTags`` tags were already kept.
    public private(set) var untrackedTagValues = 0

    public init() {}

    public var isEmpty: Bool { tags.isEmpty && untrackedTagValues == 0 }

    mutating func add(_ event: PredictionEvent) {
        for (tag, value) in event.segmentTags {
            guard let slot = slot(tag: tag, value: value) else {
                untrackedTagValues += 1
                continue
            }
            tags[tag]![slot, default: SegmentTraffic()].add(event)
        }
    }

    mutating func merge(_ other: SegmentBreakdown) {
        untrackedTagValues += other.untrackedTagValues
        for (tag, values) in other.tags {
            for (value, traffic) in values {
                guard let slot = slot(tag: tag, value: value) else {
                    untrackedTagValues += traffic.requestCount
                    continue
                }
                tags[tag]![slot, default: SegmentTraffic()].merge(traffic)
            }
        }
    }

    /// The value a tag value is counted under: its own, or ``otherValue`` when its tag is full; nil when the tag
    /// is new and ``maximumTags`` tags are kept. Creates the tag's entry when needed.
    private mutating func slot(tag: String, value: String) -> String? {
        if tags[tag] == nil {
            guard tags.count < Self.maximumTags else { return nil }
            tags[tag] = [:]
        }
        let values = tags[tag]!
        // One place stays free for `otherValue` until it is taken.
        let room = Self.maximumValuesPerTag - (values[Self.otherValue] == nil ? 1 : 0)
        if values[value] != nil || values.count < room || value == Self.otherValue { return value }
        return Self.otherValue
    }
}

extension SegmentTraffic {
    func encodePayload(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(requestCount)
        encoder.writeVarint(errorCount)
        latency.encodePayload(into: &encoder)
        predictedValues.encodePayload(into: &encoder)
        confidence.encodePayload(into: &encoder)
    }

    init(decodingPayload decoder: inout BinaryDecoder, requestLimit: Int) throws(DecodingError) {
        let offset = decoder.offset
        requestCount = try decoder.readCount("segment request count", limit: requestLimit)
        errorCount = try decoder.readCount("segment error count", limit: requestCount)
        latency = try QuantileSketch(decodingPayload: &decoder)
        predictedValues = try Moments(decodingPayload: &decoder)
        confidence = try Moments(decodingPayload: &decoder)
        guard latency.count <= requestCount, predictedValues.count <= requestCount, confidence.count <= requestCount else {
            throw DecodingError("a segment holds more values than requests", at: offset)
        }
    }
}

extension SegmentBreakdown {
    func encodePayload(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(untrackedTagValues)
        encoder.writeVarint(tags.count)
        for (tag, values) in tags.sorted(by: { $0.key < $1.key }) {
            encoder.write(tag)
            encoder.writeVarint(values.count)
            for (value, traffic) in values.sorted(by: { $0.key < $1.key }) {
                encoder.write(value)
                traffic.encodePayload(into: &encoder)
            }
        }
    }

    init(decodingPayload decoder: inout BinaryDecoder, requestCount: Int) throws(DecodingError) {
        self.init()
        untrackedTagValues = try decoder.readCount("untracked segment values", limit: Int.max)
        let tagCount = try decoder.readCount("segment tag count", limit: Self.maximumTags)
        for _ in 0..<tagCount {
            let offset = decoder.offset
            let tag = try decoder.readString("segment tag")
            guard tags[tag] == nil else { throw DecodingError("segment tag \"\(tag)\" appears twice", at: offset) }
            let valueCount = try decoder.readCount("segment value count", limit: Self.maximumValuesPerTag)
            var values: [String: SegmentTraffic] = [:]
            var tagRequests = 0
            for _ in 0..<valueCount {
                let valueOffset = decoder.offset
                let value = try decoder.readString("segment value")
                let traffic = try SegmentTraffic(decodingPayload: &decoder, requestLimit: requestCount)
                guard values.updateValue(traffic, forKey: value) == nil else {
                    throw DecodingError("segment \(tag) = \(value) appears twice", at: valueOffset)
                }
                tagRequests += traffic.requestCount
            }
            // A prediction carries a tag at most once, so a tag's values share the profile's requests.
            guard tagRequests <= requestCount else {
                throw DecodingError("segment tag \"\(tag)\" counts \(tagRequests) requests of \(requestCount)", at: offset)
            }
            tags[tag] = values
        }
    }
}
