extension SketchKind {
    public static let cbpe = SketchKind(rawValue: 11)
}

extension CBPE: BinarySerializable {
    public static var kind: SketchKind { .cbpe }

    /// Writes the classes, each class's calibration (a flag, then its points), the spread per metric (metrics in
    /// name order) and the reference's size.
    public func encodePayload(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(classes.count)
        for name in classes { encoder.write(name) }
        encoder.writeVarint(calibrators.count)
        for calibrator in calibrators {
            encoder.write(calibrator != nil)
            calibrator?.encode(into: &encoder)
        }
        encoder.writeVarint(spread.components.count)
        for (metric, parts) in spread.components.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            encoder.write(metric.rawValue)
            encoder.writeVarint(parts.count)
            for part in parts {
                encoder.write(part.spread)
                encoder.write(part.fraction)
            }
        }
        encoder.writeVarint(referenceCount)
    }

    public init(decodingPayload decoder: inout BinaryDecoder) throws(DecodingError) {
        let classCount = try decoder.readCount("estimator classes", limit: EstimationScores.maximumClasses)
        var classes: [String] = []
        for _ in 0..<classCount { classes.append(try decoder.readString("estimator class")) }
        let calibratorCount = try decoder.readCount("calibrations", limit: classCount)
        guard classCount >= 2, calibratorCount == (classCount == 2 ? 1 : classCount) || calibratorCount == classCount else {
            throw DecodingError("an estimator with \(classCount) classes and \(calibratorCount) calibrations", at: decoder.offset)
        }
        var calibrators: [IsotonicRegression?] = []
        for _ in 0..<calibratorCount {
            calibrators.append(try decoder.readBool("calibrated") ? try IsotonicRegression(decoding: &decoder) : nil)
        }
        let metricCount = try decoder.readCount("estimated metrics", limit: Metric.allCases.count)
        var components: [Metric: [Spread.Component]] = [:]
        for _ in 0..<metricCount {
            let offset = decoder.offset
            let name = try decoder.readString("metric")
            guard let metric = Metric(rawValue: name) else { throw DecodingError("an unknown estimated metric \"\(name)\"", at: offset) }
            let count = try decoder.readCount("spread components", limit: classCount)
            var parts: [Spread.Component] = []
            for _ in 0..<count { parts.append(Spread.Component(spread: try decoder.readDouble("spread"), fraction: try decoder.readDouble("fraction"))) }
            components[metric] = parts
        }
        let referenceCount = try decoder.readCount("reference rows", limit: Int.max)
        self.init(classes: classes, calibrators: calibrators, spread: Spread(components: components), referenceCount: referenceCount)
    }
}
