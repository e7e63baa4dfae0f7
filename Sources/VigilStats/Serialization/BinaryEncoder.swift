/// Appends little-endian primitives to a byte buffer.
///
/// Every serialized sketch is framed by ``SketchEnvelope``: a magic number, a format version, a kind tag,
/// the payload written with this encoder, and a CRC-32 of everything before it.
public struct BinaryEncoder: Sendable {
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: UInt8) { bytes.append(value) }

    public mutating func write(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func write(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func write(_ value: Int64) { write(UInt64(bitPattern: value)) }

    public mutating func write(_ value: Double) { write(value.bitPattern) }

    public mutating func write(_ value: Bool) { write(value ? UInt8(1) : UInt8(0)) }

    /// Writes an unsigned LEB128 variable-length integer: small counts take one byte.
    public mutating func writeVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    public mutating func writeVarint(_ value: Int) { writeVarint(UInt64(value)) }

    /// Writes a length-prefixed UTF-8 string.
    public mutating func write(_ value: String) {
        let utf8 = Array(value.utf8)
        writeVarint(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    /// Writes a count, then each value's bits as a little-endian `UInt64`: in one copy on a little-endian host.
    public mutating func write(_ values: [Double]) {
        writeVarint(values.count)
        #if _endian(little)
        // `append(contentsOf:)` grows the buffer geometrically; reserving the exact size before every array
        // would copy the whole buffer once per array.
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for value in values { write(value) }
        #endif
    }

    /// Overwrites eight bytes written earlier at `offset` (a length known only once what follows is written).
    public mutating func overwrite(_ value: UInt64, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<(offset + 8), with: $0) }
    }

    public mutating func write(_ values: [UInt64]) {
        writeVarint(values.count)
        for value in values { writeVarint(value) }
    }

    public mutating func write(rawBytes: [UInt8]) { bytes.append(contentsOf: rawBytes) }
}
