import VigilStats

/// The JSON form of events, as the HTTP API takes them and the event log stores them (one format for both).
///
/// A prediction:
/// ```json
/// {"id": "r-1", "timestamp": "2026-11-22T10:15:30Z", "version": "v2",
///  "features": {"age": 42, "country": "DE", "embedding": [0.1, 0.3]},
///  "prediction": {"fraud": 0.91, "legit": 0.09}, "latency_ms": 12.5,
///  "status": "ok", "segment": {"tier": "gold"}, "metrics": {"revenue": 12.0}, "schema_version": "2026-11",
///  "request_id": "req-7f3a"}
/// ```
/// A label: `{"prediction_id": "r-1", "label": "fraud", "timestamp": …}`. Unknown fields are errors, so a typo
/// is reported instead of silently dropped.
public struct EventWireFormat: Sendable {
    public var limits: IngestLimits
    /// The time given to events without a timestamp, in milliseconds since 1970.
    public var now: Int64
    /// Random bits drawn once per request, from which the ids of its rows are derived.
    private let idSeed: UInt64

    public init(limits: IngestLimits = IngestLimits(), now: Int64) {
        self.limits = limits
        self.now = now
        var generator = SystemRandomNumberGenerator()
        idSeed = generator.next()
    }

    /// The version given to predictions that name none.
    public static let defaultVersion = "default"

    static let predictionFields: Set<String> = [
        "id", "timestamp", "version", "features", "prediction", "latency_ms", "status", "error_type", "segment", "metrics",
        "schema_version", "request_id",
    ]
    static let labelFields: Set<String> = ["prediction_id", "label", "timestamp", "metrics"]

    // MARK: Reading

    /// The fields of a prediction as read, before they are checked and defaulted.
    struct PredictionFields {
        var id: JSONValue?
        var timestamp: JSONValue?
        var version: JSONValue?
        var prediction: JSONValue?
        var latency: JSONValue?
        var status: JSONValue?
        var errorType: JSONValue?
        var segment: JSONValue?
        var metrics: JSONValue?
        var schemaVersion: JSONValue?
        var requestId: JSONValue?
        var features: [String: FeatureValue] = [:]
        /// One bit per field already read, to refuse repeated fields without hashing.
        private var seen: UInt16 = 0

        /// Records one field; an unknown or repeated name is an error naming it.
        mutating func set(_ name: String, _ value: JSONValue, row: Int?) throws(EventRowError) {
            let bit: UInt16
            switch name {
            case "id": id = value; bit = 1 << 0
            case "timestamp": timestamp = value; bit = 1 << 1
            case "version": version = value; bit = 1 << 2
            case "prediction": prediction = value; bit = 1 << 3
            case "latency_ms": latency = value; bit = 1 << 4
            case "status": status = value; bit = 1 << 5
            case "error_type": errorType = value; bit = 1 << 6
            case "segment": segment = value; bit = 1 << 7
            case "metrics": metrics = value; bit = 1 << 8
            case "features": bit = 1 << 9
            case "schema_version": schemaVersion = value; bit = 1 << 10
            case "request_id": requestId = value; bit = 1 << 11
            default:
                throw EventRowError(row: row, field: name, message: "unknown field (expected one of \(EventWireFormat.predictionFields.sorted().joined(separator: ", ")))")
            }
            guard seen & bit == 0 else { throw EventRowError(row: row, field: name, message: "appears twice") }
            seen |= bit
        }
    }

    func prediction(from value: JSONValue, row: Int?) throws(EventRowError) -> PredictionEvent {
        guard case .object(let object) = value else { throw EventRowError(row: row, field: nil, message: "a prediction must be a JSON object") }
        var fields = PredictionFields()
        for (name, member) in object {
            try fields.set(name, member, row: row)
            if name == "features" { fields.features = try features(member, row: row) }
        }
        return try prediction(fields, row: row)
    }

    /// Reads one prediction object straight from the bytes: the hot path of ingestion. Features are read
    /// one by one into the event, without an intermediate JSON tree; the checks are the same as
    /// ``prediction(from:row:)``'s.
    func prediction(parsing parser: inout JSONParser, row: Int?) throws(DecodeFailure) -> PredictionEvent {
        guard parser.consume(UInt8(ascii: "{")) else {
            if parser.peek() == nil { throw .syntax(parser.error("unexpected end of JSON")) }
            throw .field(EventRowError(row: row, field: nil, message: "a prediction must be a JSON object"))
        }
        var fields = PredictionFields()
        if !parser.consume(UInt8(ascii: "}")) {
            repeat {
                let name = try syntax { () throws(JSONParser.SyntaxError) in try parser.readString() }
                try syntax { () throws(JSONParser.SyntaxError) in try parser.expect(UInt8(ascii: ":"), "expected ':' after a key") }
                if name == "features" {
                    try field { () throws(EventRowError) in try fields.set(name, .null, row: row) }
                    fields.features = try features(parsing: &parser, row: row)
                } else {
                    let value = try syntax { () throws(JSONParser.SyntaxError) in try parser.parseValue(depth: 1) }
                    try field { () throws(EventRowError) in try fields.set(name, value, row: row) }
                }
            } while parser.consume(UInt8(ascii: ","))
            try syntax { () throws(JSONParser.SyntaxError) in try parser.expect(UInt8(ascii: "}"), "expected ',' or '}' in an object") }
        }
        return try field { () throws(EventRowError) in try prediction(fields, row: row) }
    }

    /// The `features` object read from the bytes.
    private func features(parsing parser: inout JSONParser, row: Int?) throws(DecodeFailure) -> [String: FeatureValue] {
        if parser.peek() == UInt8(ascii: "n") {
            _ = try syntax { () throws(JSONParser.SyntaxError) in try parser.parseValue(depth: 1) }
            return [:]
        }
        guard parser.consume(UInt8(ascii: "{")) else {
            throw .field(EventRowError(row: row, field: "features", message: "must be an object of feature name to value"))
        }
        var features: [String: FeatureValue] = [:]
        // Rows usually carry a handful to a few dozen features: growing from empty rehashes four times.
        features.reserveCapacity(16)
        if parser.consume(UInt8(ascii: "}")) { return features }
        repeat {
            let name = try syntax { () throws(JSONParser.SyntaxError) in try parser.readString() }
            try syntax { () throws(JSONParser.SyntaxError) in try parser.expect(UInt8(ascii: ":"), "expected ':' after a key") }
            let value = try syntax { () throws(JSONParser.SyntaxError) in try parser.parseValue(depth: 2) }
            guard features.count < limits.maxFeaturesPerRow else {
                throw .field(EventRowError(row: row, field: "features", message: "has more than \(limits.maxFeaturesPerRow) features; at most \(limits.maxFeaturesPerRow) are allowed"))
            }
            let feature = try field { () throws(EventRowError) in try self.feature(named: name, value, row: row) }
            guard features.updateValue(feature, forKey: name) == nil else {
                throw .field(EventRowError(row: row, field: "features.\(name)", message: "appears twice"))
            }
        } while parser.consume(UInt8(ascii: ","))
        try syntax { () throws(JSONParser.SyntaxError) in try parser.expect(UInt8(ascii: "}"), "expected ',' or '}' in an object") }
        return features
    }

    /// The `features` object of a parsed prediction.
    private func features(_ value: JSONValue, row: Int?) throws(EventRowError) -> [String: FeatureValue] {
        switch value {
        case .null: return [:]
        case .object(let members):
            guard members.count <= limits.maxFeaturesPerRow else {
                throw EventRowError(row: row, field: "features", message: "has \(members.count) features; at most \(limits.maxFeaturesPerRow) are allowed")
            }
            var features: [String: FeatureValue] = [:]
            features.reserveCapacity(members.count)
            for (name, member) in members { features[name] = try feature(named: name, member, row: row) }
            return features
        default:
            throw EventRowError(row: row, field: "features", message: "must be an object of feature name to value")
        }
    }

    /// One feature value, checked against the limits.
    private func feature(named name: String, _ member: JSONValue, row: Int?) throws(EventRowError) -> FeatureValue {
        func fail(_ message: String) -> EventRowError { EventRowError(row: row, field: "features.\(name)", message: message) }
        guard !name.isEmpty, name.utf8.count <= limits.maxNameLength else {
            throw fail("a feature name must be 1 to \(limits.maxNameLength) bytes long")
        }
        switch member {
        case .null: return .null
        case .number(let number): return .number(number)
        case .bool(let flag): return .bool(flag)
        case .string(let text):
            guard text.utf8.count <= limits.maxStringLength else { throw fail("string longer than \(limits.maxStringLength) bytes") }
            return .string(text)
        case .array(let elements):
            guard elements.count <= limits.maxVectorLength else { throw fail("vector longer than \(limits.maxVectorLength) elements") }
            var vector = [Double]()
            vector.reserveCapacity(elements.count)
            for element in elements {
                guard case .number(let number) = element else { throw fail("a vector must hold numbers only") }
                vector.append(number)
            }
            return .vector(vector)
        case .object:
            throw fail("a feature must be a number, string, boolean, null, or an array of numbers")
        }
    }

    /// Checks the fields of a prediction and fills in the defaults (id, time of arrival, version, status).
    private func prediction(_ object: PredictionFields, row: Int?) throws(EventRowError) -> PredictionEvent {
        func fail(_ field: String?, _ message: String) -> EventRowError { EventRowError(row: row, field: field, message: message) }
        let id: String
        switch object.id {
        case nil, .null?: id = makeID(row: row ?? 0)
        case .string(let text)?:
            guard !text.isEmpty, text.utf8.count <= limits.maxNameLength else {
                throw fail("id", "must be 1 to \(limits.maxNameLength) bytes long")
            }
            id = text
        case .number(let number)? where number == number.rounded() && abs(number) < 1e15:
            id = String(Int64(number))
        default: throw fail("id", "must be a string")
        }
        let timestamp = try self.timestamp(object.timestamp, field: "timestamp", row: row)
        var version = Self.defaultVersion
        switch object.version {
        case nil, .null?: break
        case .string(let text)?:
            version = text
        case .number(let number)?:
            // `2` and `1.5` are fine as names; `4.2e+81` is not, and is refused below rather than stored.
            version = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        default: throw fail("version", "must be a string")
        }
        // What the event log already holds is read back as it is, even if the rules for new events change.
        guard !limits.checksNames || limits.isValidName(version) else {
            throw fail("version", "must be 1 to \(limits.maxNameLength) letters, digits or _ . : -")
        }
        let prediction: PredictionValue?
        switch object.prediction {
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
        switch object.latency {
        case nil, .null?: break
        case .number(let number)?:
            guard number >= 0 else { throw fail("latency_ms", "must not be negative") }
            latency = number
        default: throw fail("latency_ms", "must be a number of milliseconds")
        }
        var errorType: String?
        switch object.errorType {
        case nil, .null?: break
        case .string(let text)?:
            guard !text.isEmpty, text.utf8.count <= limits.maxNameLength else {
                throw fail("error_type", "must be 1 to \(limits.maxNameLength) bytes long")
            }
            errorType = text
        default: throw fail("error_type", "must be a string")
        }
        let status: String
        switch object.status {
        case nil, .null?: status = errorType == nil ? "ok" : "error"
        case .string(let text)? where text == "ok" || text == "error": status = text
        default: throw fail("status", "must be \"ok\" or \"error\"")
        }
        if status == "ok", errorType != nil { throw fail("error_type", "is set on a prediction whose status is \"ok\"") }
        let segment = try stringMap(object.segment, field: "segment", row: row)
        let metrics = try metricMap(object.metrics, row: row)
        var schemaVersion: String?
        switch object.schemaVersion {
        case nil, .null?: break
        case .string(let text)? where !text.isEmpty && text.utf8.count <= limits.maxNameLength: schemaVersion = text
        default: throw fail("schema_version", "must be a string of 1 to \(limits.maxNameLength) bytes")
        }
        var requestId: String?
        switch object.requestId {
        case nil, .null?: break
        case .string(let text)? where !text.isEmpty && text.utf8.count <= limits.maxNameLength: requestId = text
        case .number(let number)? where number == number.rounded() && abs(number) < 1e15: requestId = String(Int64(number))
        default: throw fail("request_id", "must be a string of 1 to \(limits.maxNameLength) bytes")
        }
        return PredictionEvent(
            id: id, timestampMilliseconds: timestamp, version: version, features: object.features, prediction: prediction,
            latencyMilliseconds: latency, status: status, errorType: errorType, segment: segment, metrics: metrics, schemaVersion: schemaVersion,
            requestId: requestId
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
        return LabelEvent(
            predictionId: id, timestampMilliseconds: try timestamp(object["timestamp"], field: "timestamp", row: row), value: value,
            metrics: try metricMap(object["metrics"], row: row)
        )
    }

    /// `metrics`: an object of metric name to number, of predictions and labels alike.
    private func metricMap(_ value: JSONValue?, row: Int?) throws(EventRowError) -> [String: Double] {
        var metrics: [String: Double] = [:]
        switch value {
        case nil, .null?: break
        case .object(let members)?:
            guard members.count <= limits.maxEntriesPerMap else {
                throw EventRowError(row: row, field: "metrics", message: "has \(members.count) entries; at most \(limits.maxEntriesPerMap) are allowed")
            }
            for (name, member) in members {
                guard case .number(let number) = member else { throw EventRowError(row: row, field: "metrics.\(name)", message: "a metric must be a number") }
                metrics[name] = number
            }
        default: throw EventRowError(row: row, field: "metrics", message: "must be an object of metric name to number")
        }
        return metrics
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

    /// A new id for row `row`: 48 bits of milliseconds since 1970, then 80 bits derived from the request's
    /// random seed and the row (the layout of UUIDv7), as 32 hex digits. Ids that grow with time keep the
    /// log's unique index appending at its end: measured here, 200k random ids cost 30 µs each to index,
    /// time-ordered ones 8 µs. The SplitMix64 finalizer is a bijection, so rows of one request never collide.
    func makeID(row: Int) -> String {
        let high = UInt64(max(0, now)) << 16 | (idSeed >> 48)
        let low = SplitMix64.mix(idSeed &+ UInt64(truncatingIfNeeded: row))
        // 32 hex digits written in place: one allocation, where formatting and padding two halves took five.
        return String(unsafeUninitializedCapacity: 32) { buffer in
            let digits: StaticString = "0123456789abcdef"
            for digit in 0..<16 {
                let shift = UInt64(60 - 4 * digit)
                buffer[digit] = digits.utf8Start[Int(high >> shift & 0xF)]
                buffer[16 + digit] = digits.utf8Start[Int(low >> shift & 0xF)]
            }
            return 32
        }
    }
}

// MARK: Writing

extension PredictionEvent {
    /// The event as JSON in the API's form, with the id, timestamp and version made explicit.
    public var wireJSON: [UInt8] {
        var writer = JSONWriter(capacity: 64 + features.count * 24)
        writer.raw("{")
        writer.key("id", first: true)
        writer.string(id)
        writer.key("timestamp")
        writer.timestamp(milliseconds: timestampMilliseconds)
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
        if let schemaVersion {
            writer.key("schema_version")
            writer.string(schemaVersion)
        }
        if let requestId {
            writer.key("request_id")
            writer.string(requestId)
        }
        writer.raw("}")
        return writer.bytes
    }

    /// Reads an event back from ``wireJSON`` (as the event log stores it).
    public init(wireJSON bytes: [UInt8]) throws(EventRowError) {
        self = try EventWireFormat.readStored(bytes) { (format, value) throws(EventRowError) in try format.prediction(from: value, row: nil) }
    }

    /// A stored prediction read without its features (left empty): for model quality, which needs its
    /// version, time and prediction, and not the features that make most of a row's bytes.
    public init(wireJSONWithoutFeatures bytes: [UInt8]) throws(EventRowError) {
        let value: JSONValue
        do { value = try JSONParser.parseObject(bytes, skipping: "features") } catch { throw EventRowError(row: nil, field: nil, message: error.description) }
        self = try EventWireFormat.stored.prediction(from: value, row: nil)
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
        writer.timestamp(milliseconds: timestampMilliseconds)
        if !metrics.isEmpty {
            writer.key("metrics")
            writer.object(metrics) { $0.number($1) }
        }
        writer.raw("}")
        return writer.bytes
    }

    public init(wireJSON bytes: [UInt8]) throws(EventRowError) {
        self = try EventWireFormat.readStored(bytes) { (format, value) throws(EventRowError) in try format.label(from: value, row: nil) }
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

/// Why a row could not be read: its JSON is malformed (and the rest of an array cannot be trusted), or a
/// field is invalid (and the row can be skipped).
enum DecodeFailure: Error {
    case syntax(JSONParser.SyntaxError)
    case field(EventRowError)
}

/// Runs a step of the JSON grammar, reporting its failure as a syntax failure.
func syntax<T>(_ body: () throws(JSONParser.SyntaxError) -> T) throws(DecodeFailure) -> T {
    do { return try body() } catch { throw .syntax(error) }
}

/// Runs a field check, reporting its failure as a field failure.
func field<T>(_ body: () throws(EventRowError) -> T) throws(DecodeFailure) -> T {
    do { return try body() } catch { throw .field(error) }
}

extension EventWireFormat {
    /// Reads what the event log stored: accepted once, so no limit applies again.
    fileprivate static func readStored<Event>(
        _ bytes: [UInt8], _ read: (EventWireFormat, JSONValue) throws(EventRowError) -> Event
    ) throws(EventRowError) -> Event {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw EventRowError(row: nil, field: nil, message: error.description) }
        return try read(stored, value)
    }

    /// The format stored events are read back with, made once: each new format draws its id seed from the
    /// system's random source, a system call that was 3 % of reading a week of shadow traffic back.
    fileprivate static let stored = EventWireFormat(limits: .unbounded, now: 0)
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
        limits.checksNames = false
        return limits
    }
}
