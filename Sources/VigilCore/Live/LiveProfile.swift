public import VigilStats

/// Everything Vigil keeps about the predictions of one model version in one time bucket: traffic,
/// latency, errors, predictions and confidence, features, business metrics. Mergeable, so that buckets
/// combine into any window, and serializable, so that buckets survive restarts.
public struct LiveProfile: Sendable, Equatable {
    /// Predictions received (successful and failed).
    public private(set) var requestCount = 0
    /// Predictions whose status is `error`.
    public private(set) var errorCount = 0
    /// Failed predictions by `error_type` (`unknown` when none was given).
    public private(set) var errorTypes: [String: Int] = [:]
    /// Reported latencies in milliseconds.
    public private(set) var latency = NumericColumnSketch()
    /// Numeric predictions (regression outputs or scores).
    public private(set) var predictedValues = NumericColumnSketch()
    /// Predicted classes: the label sent, or the class with the highest score.
    public private(set) var predictedClasses = CategoricalColumnSketch()
    /// The highest class score of predictions sent as per-class scores.
    public private(set) var confidence = NumericColumnSketch()
    public private(set) var features = LiveFeatures()
    /// Business and proxy metrics by name.
    public private(set) var metrics: [String: Moments] = [:]
    /// Traffic by segment tag and value.
    public private(set) var segments = SegmentBreakdown()
    /// The scores of predictions sent as per-class scores, binned per class: what performance is estimated
    /// from before labels come (CBPE).
    public private(set) var estimationScores = EstimationScores()

    public init() {}

    public mutating func add(_ event: PredictionEvent) {
        requestCount += 1
        if event.status == "error" {
            errorCount += 1
            errorTypes[event.errorType ?? "unknown", default: 0] += 1
        }
        latency.add(event.latencyMilliseconds)
        if case .number(let value)? = event.prediction { predictedValues.add(value) }
        if let predicted = event.prediction?.predictedClass {
            predictedClasses.add(predicted.name)
            if let score = predicted.score { confidence.add(score) }
            if case .scores(let scores)? = event.prediction { estimationScores.add(scores: scores, predicted: predicted.name) }
        }
        features.add(event.features)
        // A metric beyond the sketches' range is left out rather than overflowing its variance.
        for (name, value) in event.metrics where abs(value) <= NumericColumnSketch.maximumMagnitude {
            metrics[name, default: Moments()].add(value)
        }
        if !event.segment.isEmpty || event.schemaVersion != nil { segments.add(event) }
    }

    public mutating func merge(_ other: LiveProfile) {
        requestCount += other.requestCount
        errorCount += other.errorCount
        errorTypes.merge(other.errorTypes, uniquingKeysWith: +)
        // Sketches built with the default parameters always merge.
        try! latency.merge(other.latency)
        try! predictedValues.merge(other.predictedValues)
        try! predictedClasses.merge(other.predictedClasses)
        try! confidence.merge(other.confidence)
        features.merge(other.features)
        for (name, moments) in other.metrics { metrics[name, default: Moments()].merge(moments) }
        segments.merge(other.segments)
        try! estimationScores.merge(other.estimationScores)
    }
}

extension SketchKind {
    /// A live profile whose features section is written with its length, so a reader can step over it.
    public static let liveProfile = SketchKind(rawValue: 35)
    /// The layout of releases before the features section had a length; still read.
    public static let liveProfileUnframed = SketchKind(rawValue: 33)
}

extension LiveProfile {
    /// What of a stored profile to read.
    public enum Parts: Sendable {
        /// Everything.
        case all
        /// The traffic alone: request and error counts, error types, business metrics, segments and estimation
        /// scores, without the sketches of latency, predictions, confidence and features: what model quality's
        /// coverage, business metrics and estimates need, at a fraction of the cost (those sketches are most of
        /// a profile's bytes and of a merge's time).
        case traffic
        /// The traffic and the observations (latency, predictions, confidence), without the features: what
        /// latency, confidence and class-share figures and the operational charts need. A stored profile's
        /// features are most of its bytes, so they are stepped over unread.
        case observations

        /// Whether the read holds the latency, prediction and confidence sketches.
        public var hasObservations: Bool { self != .traffic }
        /// Whether the read holds the features.
        public var hasFeatures: Bool { self == .all }
    }

    /// Reads a profile from its envelope, either layout; with `.traffic` the observations and features are
    /// stepped over (or read and dropped, for the older layout) and the profile holds none.
    public static func decode(_ bytes: [UInt8], parts: Parts = .all) throws(DecodingError) -> LiveProfile {
        var (kind, payload) = try SketchEnvelope.open(bytes)
        guard kind == .liveProfile || kind == .liveProfileUnframed else {
            throw DecodingError("expected a live profile but found \(kind)", at: 5)
        }
        let profile = try LiveProfile(decoding: &payload, framed: kind == .liveProfile, parts: parts)
        try payload.expectEnd("LiveProfile")
        return profile
    }

    /// The request and error counts of a stored profile (either layout, whole or traffic alone), read from the
    /// start of its payload without building the profile: what a series' coverage needs of each bucket.
    public static func decodeCounts(_ bytes: [UInt8]) throws(DecodingError) -> (requests: Int, errors: Int) {
        var (kind, payload) = try SketchEnvelope.open(bytes)
        guard kind == .liveProfile || kind == .liveProfileUnframed else {
            throw DecodingError("expected a live profile but found \(kind)", at: 5)
        }
        let requests = try payload.readCount("request count", limit: Int.max)
        return (requests, try payload.readCount("error count", limit: requests))
    }

    /// The profile as a `.traffic` read gives it: counts, error types, metrics, segments and estimation scores.
    public func traffic() -> LiveProfile { keeping(.traffic) }

    /// The profile as a read of `parts` gives it.
    public func keeping(_ parts: Parts) -> LiveProfile {
        var copy = self
        if !parts.hasObservations {
            copy.latency = NumericColumnSketch()
            copy.predictedValues = NumericColumnSketch()
            copy.predictedClasses = CategoricalColumnSketch()
            copy.confidence = NumericColumnSketch()
        }
        if !parts.hasFeatures { copy.features = LiveFeatures() }
        return copy
    }
}

extension LiveProfile: BinarySerializable {
    public static var kind: SketchKind { .liveProfile }

    /// Writes the payload in the framed layout (kind ``SketchKind/liveProfile``).
    public func encodePayload(into encoder: inout BinaryEncoder) { encodePayload(into: &encoder, framed: true) }

    /// The profile's traffic alone in an envelope: the framed layout with its observations and features
    /// sections empty. It reads back only as `.traffic` (``decode(_:parts:)``); a few hundred bytes where the
    /// whole profile's empty sketches alone would take kilobytes.
    public func trafficSerialized() -> [UInt8] {
        SketchEnvelope.serialize(kind: .liveProfile) { encodePayload(into: &$0, framed: true, trafficOnly: true) }
    }

    /// Writes the payload; `framed: false` writes the layout of releases before the features had a length
    /// (kind ``SketchKind/liveProfileUnframed``), kept so that tests can check those bytes still read;
    /// `trafficOnly` leaves the framed sections empty.
    func encodePayload(into encoder: inout BinaryEncoder, framed: Bool, trafficOnly: Bool = false) {
        encoder.writeVarint(requestCount)
        encoder.writeVarint(errorCount)
        encoder.writeVarint(errorTypes.count)
        for (name, count) in errorTypes.sorted(by: { $0.key < $1.key }) {
            encoder.write(name)
            encoder.writeVarint(count)
        }
        // Framed: the observations (latency, predictions, confidence) and the features each after their length,
        // so that a read of the traffic alone steps over them.
        func section(_ write: (inout BinaryEncoder) -> Void) {
            guard framed else { return write(&encoder) }
            var bytes = BinaryEncoder()
            if !trafficOnly { write(&bytes) }
            encoder.writeVarint(bytes.bytes.count)
            encoder.write(rawBytes: bytes.bytes)
        }
        section { encoder in
            latency.encodePayload(into: &encoder)
            predictedValues.encodePayload(into: &encoder)
            predictedClasses.encodePayload(into: &encoder)
            confidence.encodePayload(into: &encoder)
        }
        section { features.encodePayload(into: &$0) }
        encoder.writeVarint(metrics.count)
        for (name, moments) in metrics.sorted(by: { $0.key < $1.key }) {
            encoder.write(name)
            moments.encodePayload(into: &encoder)
        }
        // The last parts, each written only when it or a later one holds something: profiles stored before
        // segments were kept end after the metrics, those stored before estimation scores after the segments.
        if !segments.isEmpty || !estimationScores.isEmpty { segments.encodePayload(into: &encoder) }
        if !estimationScores.isEmpty { estimationScores.encode(into: &encoder) }
    }

    /// Reads a whole profile in the framed layout; ``decode(_:parts:)`` reads either layout, whole or traffic alone.
    public init(decodingPayload decoder: inout BinaryDecoder) throws(DecodingError) {
        try self.init(decoding: &decoder, framed: true, parts: .all)
    }

    /// Reads one section: in the framed layout from the bytes its length names (stepped over unless `wanted`),
    /// in the older one where it stands.
    private static func section(
        _ decoder: inout BinaryDecoder, framed: Bool, wanted: Bool, _ what: String, _ read: (inout BinaryDecoder) throws(DecodingError) -> Void
    ) throws(DecodingError) {
        guard framed else { return try read(&decoder) }
        let length = try decoder.readCount("\(what) length", limit: decoder.remaining)
        var section = try decoder.section(length, what)
        guard wanted else { return }
        try read(&section)
        try section.expectEnd("the \(what)")
    }

    init(decoding decoder: inout BinaryDecoder, framed: Bool, parts: Parts) throws(DecodingError) {
        requestCount = try decoder.readCount("request count", limit: Int.max)
        errorCount = try decoder.readCount("error count", limit: requestCount)
        let typeCount = try decoder.readCount("error type count", limit: 1 << 20)
        for _ in 0..<typeCount {
            let name = try decoder.readString("error type")
            errorTypes[name] = try decoder.readCount("error type count", limit: errorCount)
        }
        // The framed layout's sections are skipped whole for a traffic read; the older one is read (and dropped).
        var observations = (NumericColumnSketch(), NumericColumnSketch(), CategoricalColumnSketch(), NumericColumnSketch())
        try Self.section(&decoder, framed: framed, wanted: parts.hasObservations, "observations") { (section: inout BinaryDecoder) throws(DecodingError) in
            observations = (
                try NumericColumnSketch(decodingPayload: &section), try NumericColumnSketch(decodingPayload: &section),
                try CategoricalColumnSketch(decodingPayload: &section), try NumericColumnSketch(decodingPayload: &section)
            )
        }
        (latency, predictedValues, predictedClasses, confidence) = observations
        var readFeatures = LiveFeatures()
        try Self.section(&decoder, framed: framed, wanted: parts.hasFeatures, "features") { (section: inout BinaryDecoder) throws(DecodingError) in
            readFeatures = try LiveFeatures(decodingPayload: &section)
        }
        features = readFeatures
        // The older layout was read whole: what the read does not want is dropped.
        if !framed && !parts.hasObservations {
            latency = NumericColumnSketch()
            predictedValues = NumericColumnSketch()
            predictedClasses = CategoricalColumnSketch()
            confidence = NumericColumnSketch()
        }
        if !framed && !parts.hasFeatures { features = LiveFeatures() }
        let metricCount = try decoder.readCount("metric count", limit: 1 << 20)
        for _ in 0..<metricCount {
            let name = try decoder.readString("metric name")
            metrics[name] = try Moments(decodingPayload: &decoder)
        }
        if !decoder.isAtEnd { segments = try SegmentBreakdown(decodingPayload: &decoder, requestCount: requestCount) }
        if !decoder.isAtEnd { estimationScores = try EstimationScores(decoding: &decoder) }
        guard (!parts.hasObservations || latency.rowCount == requestCount) && (!parts.hasFeatures || features.rowCount == requestCount),
            estimationScores.rows <= requestCount
        else {
            throw DecodingError("a live profile's parts disagree on the number of predictions", at: decoder.offset)
        }
    }
}

extension LiveFeatures {
    /// The kind byte of a vector column followed by its embedding sketch. Kind 3 (`.vector`) is the layout
    /// of releases that kept norms alone; it is still read.
    static let sketchedVectorTag: UInt8 = 4

    func encodePayload(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(rowCount)
        encoder.writeVarint(names.count)
        for name in names {
            encoder.write(name)
            let column = self.column(name)!
            encoder.write(column.kind == .vector ? Self.sketchedVectorTag : column.kind.rawValue)
            encoder.writeVarint(column.mismatches)
            switch column.kind {
            case .pending: encoder.writeVarint(column.pendingMissing)
            case .numeric: column.numeric!.encodePayload(into: &encoder)
            case .categorical: column.categorical!.encodePayload(into: &encoder)
            case .vector:
                let summary = column.vector!
                encoder.writeVarint(summary.missing)
                encoder.writeVarint(summary.count)
                encoder.writeVarint(summary.dimension)
                encoder.writeVarint(summary.mismatches)
                summary.norms.encodePayload(into: &encoder)
                encoder.write(summary.sketch != nil)
                summary.sketch?.encodePayload(into: &encoder)
            }
        }
    }

    init(decodingPayload decoder: inout BinaryDecoder) throws(DecodingError) {
        self.init()
        rowCount = try decoder.readCount("feature row count", limit: Int.max)
        let count = try decoder.readCount("feature count", limit: 1 << 20)
        for _ in 0..<count {
            let name = try decoder.readString("feature name")
            let offset = decoder.offset
            let tag = try decoder.readUInt8("feature kind")
            guard let kind = tag == Self.sketchedVectorTag ? .vector : LiveColumn.Kind(rawValue: tag) else {
                throw DecodingError("feature \"\(name)\" has an unknown kind", at: offset)
            }
            let mismatches = try decoder.readCount("mismatch count", limit: rowCount)
            let column: LiveColumn
            switch kind {
            case .pending: column = LiveColumn(missing: try decoder.readCount("missing count", limit: rowCount))
            case .numeric: column = LiveColumn(numeric: try NumericColumnSketch(decodingPayload: &decoder), mismatches: mismatches)
            case .categorical: column = LiveColumn(categorical: try CategoricalColumnSketch(decodingPayload: &decoder), mismatches: mismatches)
            case .vector:
                var summary = VectorSummary(missing: try decoder.readCount("missing count", limit: rowCount))
                summary.count = try decoder.readCount("vector count", limit: rowCount)
                summary.dimension = try decoder.readCount("vector dimension", limit: 1 << 24)
                summary.mismatches = try decoder.readCount("mismatch count", limit: rowCount)
                summary.norms = try Moments(decodingPayload: &decoder)
                if tag == Self.sketchedVectorTag, try decoder.readBool("embedding sketch flag") {
                    let sketch = try EmbeddingSketch(decodingPayload: &decoder)
                    guard sketch.dimension == summary.dimension, sketch.count <= summary.count else {
                        throw DecodingError("feature \"\(name)\" has an embedding sketch that disagrees with its vectors", at: offset)
                    }
                    summary.sketch = sketch
                }
                column = LiveColumn(vector: summary)
            }
            guard column.rowCount == rowCount else {
                throw DecodingError("feature \"\(name)\" covers \(column.rowCount) rows, not \(rowCount)", at: offset)
            }
            guard self.column(name) == nil else {
                throw DecodingError("feature \"\(name)\" appears twice", at: offset)
            }
            append(name, column)
        }
    }
}
