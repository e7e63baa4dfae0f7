/// A value that writes itself to, and reads itself from, Vigil's versioned binary format.
public protocol BinarySerializable: Sendable {
    /// Identifies the payload type inside the envelope; unique across Vigil.
    static var kind: SketchKind { get }
    /// Writes the payload (no envelope).
    func encodePayload(into encoder: inout BinaryEncoder)
    /// Reads a payload written by ``encodePayload(into:)``, validating every invariant.
    init(decodingPayload decoder: inout BinaryDecoder) throws(DecodingError)
}

/// The tag that names what a serialized envelope holds.
public struct SketchKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let moments = SketchKind(rawValue: 1)
    public static let quantiles = SketchKind(rawValue: 2)
    public static let distinctCount = SketchKind(rawValue: 3)
    public static let frequentItems = SketchKind(rawValue: 4)
    public static let histogram = SketchKind(rawValue: 5)
    public static let numericColumn = SketchKind(rawValue: 6)
    public static let categoricalColumn = SketchKind(rawValue: 7)
    public static let confusionMatrix = SketchKind(rawValue: 8)
    public static let scoreHistogram = SketchKind(rawValue: 9)
    public static let regressionErrors = SketchKind(rawValue: 10)
    public static let datasetProfile = SketchKind(rawValue: 32)

    public var description: String { "kind \(rawValue)" }
}

/// The frame around every serialized value: `"VGL1"`, a format version, the kind tag, the payload length,
/// the payload, and a CRC-32 of all preceding bytes. Corrupt, truncated, or mislabeled bytes are rejected
/// with a ``DecodingError`` before the payload is interpreted.
public enum SketchEnvelope {
    /// The four magic bytes `VGL1`.
    public static let magic: [UInt8] = [0x56, 0x47, 0x4C, 0x31]
    /// Bumped whenever any payload layout changes; readers reject versions they do not know.
    public static let formatVersion: UInt8 = 2

    public static func serialize<Value: BinarySerializable>(_ value: Value) -> [UInt8] {
        serialize(kind: Value.kind) { value.encodePayload(into: &$0) }
    }

    /// An envelope of `kind` around the payload `write` produces: for a type that writes more than one form
    /// of itself (a whole live profile, or its traffic alone).
    public static func serialize(kind: SketchKind, _ write: (inout BinaryEncoder) -> Void) -> [UInt8] {
        var frame = BinaryEncoder()
        frame.write(rawBytes: magic)
        frame.write(formatVersion)
        frame.write(kind.rawValue)
        // The payload is written in place after its length, which is filled in once known: one buffer, no copy.
        let lengthOffset = frame.bytes.count
        frame.write(UInt64(0))
        write(&frame)
        frame.overwrite(UInt64(frame.bytes.count - lengthOffset - 8), at: lengthOffset)
        frame.write(CRC32.checksum(frame.bytes))
        return frame.bytes
    }

    public static func deserialize<Value: BinarySerializable>(
        _ type: Value.Type,
        from bytes: [UInt8]
    ) throws(DecodingError) -> Value {
        var (kind, payload) = try open(bytes)
        guard kind == Value.kind else {
            throw DecodingError("expected \(Value.kind) (\(Value.self)) but found \(kind)", at: 5)
        }
        let value = try Value(decodingPayload: &payload)
        try payload.expectEnd("\(Value.self)")
        return value
    }

    /// Checks an envelope (magic, version, length, checksum) and returns its kind and a decoder over its
    /// payload: for a type that reads more than one layout, told apart by kind.
    public static func open(_ bytes: [UInt8]) throws(DecodingError) -> (kind: SketchKind, payload: BinaryDecoder) {
        let headerLength = magic.count + 2 + 8
        guard bytes.count >= headerLength + 4 else {
            throw DecodingError("truncated input: \(bytes.count) bytes is shorter than an envelope", at: 0)
        }
        guard Array(bytes[0..<4]) == magic else { throw DecodingError("not a Vigil sketch (bad magic)", at: 0) }
        var header = BinaryDecoder(bytes, range: 4..<headerLength)
        let version = try header.readUInt8("format version")
        guard version == formatVersion else {
            throw DecodingError("unsupported format version \(version); this build reads \(formatVersion)", at: 4)
        }
        let kind = SketchKind(rawValue: try header.readUInt8("kind"))
        let length = try header.readUInt64("payload length")
        guard length == UInt64(bytes.count - headerLength - 4) else {
            throw DecodingError(
                "payload length \(length) does not match the \(bytes.count - headerLength - 4) bytes present",
                at: 6
            )
        }
        let checksumOffset = bytes.count - 4
        var trailer = BinaryDecoder(bytes, range: checksumOffset..<bytes.count)
        let stored = try trailer.readUInt32("checksum")
        guard stored == CRC32.checksum(bytes[0..<checksumOffset]) else {
            throw DecodingError("checksum mismatch: the bytes are corrupt", at: checksumOffset)
        }
        return (kind, BinaryDecoder(bytes, range: headerLength..<checksumOffset))
    }
}

extension BinarySerializable {
    /// The value in Vigil's framed binary format.
    public func serialized() -> [UInt8] { SketchEnvelope.serialize(self) }

    /// Reads a value from Vigil's framed binary format.
    public init(serialized bytes: [UInt8]) throws(DecodingError) {
        self = try SketchEnvelope.deserialize(Self.self, from: bytes)
    }
}
