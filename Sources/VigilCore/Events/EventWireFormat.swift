/// The JSON form of events, as the HTTP API takes them and the event log stores them (one format for both).
///
/// A prediction:
/// ```json
/// {"id": "r-1", "timestamp": "2026-11-22T10:15:30Z", "version": "v2",
///  "features": {"age": 42, "country": "DE", "embedding": [0.1, 0.3]},
///  "prediction": {"fraud": 0.91, "legit": 0.09}, "latency_ms": 12.5,
///  "status": "ok", "segment": {"tier": "gold"}, "metrics": {"revenue": 12.0}}
/// ```
/// A label: `{"prediction_id": "r-1", "label": "fraud", "timestamp": …}`. Unknown fields are errors, so a typo
/// is reported instead of silently dropped.
public struct EventWireFormat: Sendable {
    public var limits: IngestLimits
    /// The time given to events without a timestamp, in milliseconds since 1970.
    public var now: Int64

    public init(limits: IngestLimits = IngestLimits(), now: Int64) {
        self.limits = limits
        self.now = now
    }

    /// The version given to predictions that name none.
    public static let defaultVersion = "default"

    static let predictionFields: Set<String> = [
        "id", "timestamp", "version", "features", "prediction", "latency_ms", "status", "error_type", "segment", "metrics",
    ]
    static let labelFields: Set<String> = ["prediction_id", "label", "timestamp"]

    // MARK: Reading

    func prediction(from value: JSONValue, row: Int?) throws(EventRowError) -> PredictionEvent {
        func fail(_ field: String?, _ message: String) -> EventRowError { EventRowError(row: row, field: field, message: message) }
        guard case .object(let object) = value else { throw fail(nil, "a prediction must be a JSON object") }
        if let unknown = object.keys.first(where: { !Self.predictionFields.contains($0) }) {
            throw fail(unknown, "unknown field (expected one of \(Self.predictionFields.sorted().joined(separator: ", ")))")
        }
        let id: String
        switch object["id"] {
        case nil, .null?: id = Self.makeID()
        case .string(let text)?:
            guard !text.isEmpty, text.utf8.count <= limits.maxNameLength else {
                throw fail("id", "must be 1 to \(limits.maxNameLength) bytes long")
            }
            id = text
        case .number(let number)? where number == number.rounded() && abs(number) < 1e15:
            id = String(Int64(number))
        default: throw fail("id", "must be a string")
        }
        let timestamp = try self.timestamp(object["timestamp"], field: "timestamp", row: row)
        var version = Self.defaultVersion
        switch object["version"] {
        case nil, .null?: break
        case .string(let text)?:
            guard limits.isValidName(text) else {
                throw fail("version", "must be 1 to \(limits.maxNameLength) letters, digits or _ . : -")
            }
            version = text
        case .number(let number)?: version = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        default: throw fail("version", "must be a string")
        }
        var features: [String: FeatureValue] = [:]
        switch object["features"] {
        case nil, .null?: break
        case .object(let members)?:
            guard members.count <= limits.maxFeaturesPerRow else {
                throw fail("features", "has \(members.count) features; at most \(limits.maxFeaturesPerRow) are allowed")
            }
            features.reserveCapacity(members.count)
            for (name, member) in members {
                let field = "features.\(name)"
                guard !name.isEmpty, name.utf8.count <= limits.maxNameLength else {
                    throw fail(field, "a feature name must be 1 to \(limits.maxNameLength) bytes long")
                }
                switch member {
                case .null: features[name] = .null
                case .number(let number): features[name] = .number(number)
                case .bool(let flag): features[name] = .bool(flag)
                case .string(let text):
                    guard text.utf8.count <= limits.maxStringLength else {
                        throw fail(field, "string longer than \(limits.maxStringLength) bytes")
                    }
                    features[name] = .string(text)
                case .array(let elements):
                    guard elements.count <= limits.maxVectorLength else {
                        throw fail(field, "vector longer than \(limits.maxVectorLength) elements")
                    }
                    var vector = [Double]()
                    vector.reserveCapacity(elements.count)
                    for element in elements {
                        guard case .number(let number) = element else { throw fail(field, "a vector must hold numbers only") }
                        vector.append(number)
                    }
                    features[name] = .vector(vector)
                case .object:
                    throw fail(field, "a feature must be a number, string, boolean, null, or an array of numbers")
                }
            }
        default: throw fail("features", "must be an object of feature name to value")
        }
        let prediction: PredictionValue?
        switch object["prediction"] {
        case nil, .null?: prediction = nil
        case .number(let number)?: prediction = .number(number)
        case .bool(let flag)?: prediction = .label(flag ? "true" : "false")
        case .string(let text)?:
            guard !text.isEmpty, text.utf8.count <= limits.maxStringLength else {
                throw fail("prediction", "a class label must be 1 to \(limits.maxStringLength) bytes long")
            }
            prediction = .label(text)
        case .object(let members)?:
            guard !members.isEmpty, members.count <= limits.maxEntriesPerMap else {
                throw fail("prediction", "class scores must name 1 to \(limits.maxEntriesPerMap) classes")
            }
            var scores: [String: Double] = [:]
            for (name, member) in members {
                guard case .number(let score) = member else { throw fail("prediction.\(name)", "a class score must be a number") }
                scores[name] = score
            }
            prediction = .scores(scores)
        default: throw fail("prediction", "must be a number, a class label, or an object of class scores")
        }
        var latency: Double?
        switch object["latency_ms"] {
        case nil, .null?: break
        case .number(let number)?:
            guard number >= 0 else { throw fail("latency_ms", "must not be negative") }
            latency = number
        default: throw fail("latency_ms", "must be a number of milliseconds")
        }
        var errorType: String?
        switch object["error_type"] {
        case nil, .null?: break
        case .string(let text)?:
            guard !text.isEmpty, text.utf8.count <= limits.maxNameLength else {
                throw fail("error_type", "must be 1 to \(limits.maxNameLength) bytes long")
            }
            errorType = text
        default: throw fail("error_type", "must be a string")
        }
        let status: String
        switch object["status"] {
        case nil, .null?: status = errorType == nil ? "ok" : "error"
        case .string(let text)? where text == "ok" || text == "error": status = text
        default: throw fail("status", "must be \"ok\" or \"error\"")
        }
        if status == "ok", errorType != nil { throw fail("error_type", "is set on a prediction whose status is \"ok\"") }
        let segment = try stringMap(object["segment"], field: "segment", row: row)
        var metrics: [String: Double] = [:]
        switch object["metrics"] {
        case nil, .null?: break
        case .object(let members)?:
            guard members.count <= limits.maxEntriesPerMap else {
                throw fail("metrics", "has \(members.count) entries; at most \(limits.maxEntriesPerMap) are allowed")
            }
            for (name, member) in members {
                guard case .number(let number) = member else { throw fail("metrics.\(name)", "a metric must be a number") }
                metrics[name] = number
            }
        default: throw fail("metrics", "must be an object of metric name to number")
        }
        return PredictionEvent(
            id: id, timestampMilliseconds: timestamp, version: version, features: features, prediction: prediction,
            latencyMilliseconds: latency, status: status, errorType: errorType, segment: segment, metrics: metrics
        )
    }

    func label(from value: JSONValue, row: Int?) throws(EventRowError) -> LabelEvent {
        func fail(_ field: String?, _ message: String) -> EventRowError { EventRowError(row: row, field: field, message: message) }
        guard case .object(let object) = value else { throw fail(nil, "a label must be a JSON object") }
        if let unknown = object.keys.first(where: { !Self.labelFields.contains($0) }) {
            throw fail(unknown, "unknown field (expected one of \(Self.labelFields.sorted().joined(separator: ", ")))")
        }
        let id: String
        switch object["prediction_id"] {
        case .string(let text)? where !text.isEmpty && text.utf8.count <= limits.maxNameLength: id = text
        case .number(let number)? where number == number.rounded() && abs(number) < 1e15: id = String(Int64(number))
        case nil, .null?: throw fail("prediction_id", "is required")
        default: throw fail("prediction_id", "must be a string of 1 to \(limits.maxNameLength) bytes")
        }
        let value: PredictionValue
        switch object["label"] {
        case .number(let number)?: value = .number(number)
        case .bool(let flag)?: value = .label(flag ? "true" : "false")
        case .string(let text)? where !text.isEmpty && text.utf8.count <= limits.maxStringLength: value = .label(text)
        case nil, .null?: throw fail("label", "is required")
        default: throw fail("label", "must be a number or a class label of 1 to \(limits.maxStringLength) bytes")
        }
        return LabelEvent(predictionId: id, timestampMilliseconds: try timestamp(object["timestamp"], field: "timestamp", row: row), value: value)
    }

    private func timestamp(_ value: JSONValue?, field: String, row: Int?) throws(EventRowError) -> Int64 {
        switch value {
        case nil, .null?: return now
        case .string(let text)?:
            guard let milliseconds = Timestamp.parseRFC3339(text) else {
                throw EventRowError(row: row, field: field, message: "\"\(text)\" is not an RFC 3339 time such as 2026-11-22T10:15:30Z")
            }
            return milliseconds
        case .number(let seconds)?:
            // Unix seconds; the bounds (1970 to 2200) also catch milliseconds sent by mistake.
            guard seconds >= 0, seconds < 7_258_118_400 else {
                throw EventRowError(row: row, field: field, message: "\(seconds) is not Unix time in seconds (milliseconds sent by mistake?)")
            }
            return Int64((seconds * 1000).rounded())
        default:
            throw EventRowError(row: row, field: field, message: "must be an RFC 3339 string or Unix time in seconds")
        }
    }

    private func stringMap(_ value: JSONValue?, field: String, row: Int?) throws(EventRowError) -> [String: String] {
        switch value {
        case nil, .null?: return [:]
        case .object(let members)?:
            guard members.count <= limits.maxEntriesPerMap else {
                throw EventRowError(row: row, field: field, message: "has \(members.count) entries; at most \(limits.maxEntriesPerMap) are allowed")
            }
            var result: [String: String] = [:]
            for (name, member) in members {
                guard case .string(let text) = member, text.utf8.count <= limits.maxStringLength else {
                    throw EventRowError(row: row, field: "\(field).\(name)", message: "must be a string of at most \(limits.maxStringLength) bytes")
                }
                result[name] = text
            }
            return result
        default:
            throw EventRowError(row: row, field: field, message: "must be an object of string values")
        }
    }

    /// A new random id: 128 bits as 32 hex digits.
    static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        let text = String(high, radix: 16) .leftPadded(to: 16) + String(low, radix: 16).leftPadded(to: 16)
        return text
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

// MARK: Writing

extension PredictionEvent {
    /// The event in its canonical JSON form (sorted keys, explicit id, timestamp and version).
    public var wireJSON: [UInt8] {
        var writer = JSONWriter(capacity: 64 + features.count * 24)
        writer.raw("{")
        writer.key("id", first: true)
        writer.string(id)
        writer.key("timestamp")
        writer.string(Timestamp.formatRFC3339(milliseconds: timestampMilliseconds))
        writer.key("version")
        writer.string(version)
        writer.key("features")
        writer.object(features) { writer, value in
            switch value {
            case .number(let number): writer.number(number)
            case .string(let text): writer.string(text)
            case .bool(let flag): writer.bool(flag)
            case .null: writer.null()
            case .vector(let vector):
                writer.raw("[")
                for (offset, element) in vector.enumerated() {
                    if offset > 0 { writer.raw(",") }
                    writer.number(element)
                }
                writer.raw("]")
            }
        }
        if let prediction {
            writer.key("prediction")
            writer.write(prediction)
        }
        if let latencyMilliseconds {
            writer.key("latency_ms")
            writer.number(latencyMilliseconds)
        }
        writer.key("status")
        writer.string(status)
        if let errorType {
            writer.key("error_type")
            writer.string(errorType)
        }
        if !segment.isEmpty {
            writer.key("segment")
            writer.object(segment) { $0.string($1) }
        }
        if !metrics.isEmpty {
            writer.key("metrics")
            writer.object(metrics) { $0.number($1) }
        }
        writer.raw("}")
        return writer.bytes
    }

    /// Reads an event back from ``wireJSON`` (as the event log stores it).
    public init(wireJSON bytes: [UInt8]) throws(EventRowError) {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw EventRowError(row: nil, field: nil, message: error.description) }
        self = try EventWireFormat(limits: .unbounded, now: 0).prediction(from: value, row: nil)
    }
}

extension LabelEvent {
    public var wireJSON: [UInt8] {
        var writer = JSONWriter(capacity: 96)
        writer.raw("{")
        writer.key("prediction_id", first: true)
        writer.string(predictionId)
        writer.key("label")
        writer.write(value)
        writer.key("timestamp")
        writer.string(Timestamp.formatRFC3339(milliseconds: timestampMilliseconds))
        writer.raw("}")
        return writer.bytes
    }

    public init(wireJSON bytes: [UInt8]) throws(EventRowError) {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw EventRowError(row: nil, field: nil, message: error.description) }
        self = try EventWireFormat(limits: .unbounded, now: 0).label(from: value, row: nil)
    }
}

extension JSONWriter {
    fileprivate mutating func write(_ value: PredictionValue) {
        switch value {
        case .number(let number): self.number(number)
        case .label(let text): string(text)
        case .scores(let scores): object(scores) { $0.number($1) }
        }
    }
}

extension IngestLimits {
    /// No bounds: for reading back what was already accepted.
    static var unbounded: IngestLimits {
        var limits = IngestLimits()
        limits.maxFeaturesPerRow = .max
        limits.maxStringLength = .max
        limits.maxVectorLength = .max
        limits.maxNameLength = .max
        limits.maxEntriesPerMap = .max
        return limits
    }
}
