/// Why a byte sequence could not be read back into a sketch or profile.
public struct DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in words.
    public var reason: String
    /// Byte offset at which the problem was detected.
    public var offset: Int

    public init(_ reason: String, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "\(reason) (at byte \(offset))" }
}

/// Reads the little-endian primitives written by ``BinaryEncoder``, throwing ``DecodingError`` instead of
/// trapping on truncated or inconsistent input.
public struct BinaryDecoder: Sendable {
    private let bytes: [UInt8]
    public private(set) var offset: Int
    private let end: Int

    public init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        self.offset = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    public var isAtEnd: Bool { offset == end }
    public var remaining: Int { end - offset }

    private mutating func take(_ count: Int, _ what: String) throws(DecodingError) -> Int {
        guard count >= 0, count <= end - offset else {
            throw DecodingError("truncated input: \(what) needs \(count) bytes, \(end - offset) left", at: offset)
        }
        let start = offset
        offset += count
        return start
    }

    public mutating func readUInt8(_ what: String = "byte") throws(DecodingError) -> UInt8 {
        bytes[try take(1, what)]
    }

    public mutating func readUInt32(_ what: String = "uint32") throws(DecodingError) -> UInt32 {
        let start = try take(4, what)
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[start + index]) << (8 * index) }
        return value
    }

    public mutating func readUInt64(_ what: String = "uint64") throws(DecodingError) -> UInt64 {
        let start = try take(8, what)
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[start + index]) << (8 * index) }
        return value
    }

    public mutating func readInt64(_ what: String = "int64") throws(DecodingError) -> Int64 {
        Int64(bitPattern: try readUInt64(what))
    }

    public mutating func readDouble(_ what: String = "double") throws(DecodingError) -> Double {
        Double(bitPattern: try readUInt64(what))
    }

    public mutating func readBool(_ what: String = "flag") throws(DecodingError) -> Bool {
        let start = offset
        switch try readUInt8(what) {
        case 0: return false
        case 1: return true
        case let other: throw DecodingError("\(what) must be 0 or 1, found \(other)", at: start)
        }
    }

    public mutating func readVarint(_ what: String = "varint") throws(DecodingError) -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readUInt8(what)
            if shift == 63 && byte > 1 { throw DecodingError("\(what) overflows 64 bits", at: start) }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { throw DecodingError("\(what) overflows 64 bits", at: start) }
        }
    }

    /// Reads a varint that must be a count no larger than `limit`, so that corrupt input cannot request
    /// a huge allocation.
    public mutating func readCount(_ what: String, limit: Int) throws(DecodingError) -> Int {
        let start = offset
        let value = try readVarint(what)
        guard value <= UInt64(limit) else {
            throw DecodingError("\(what) \(value) exceeds the limit \(limit)", at: start)
        }
        return Int(value)
    }

    public mutating func readString(_ what: String = "string") throws(DecodingError) -> String {
        let length = try readCount("\(what) length", limit: remaining)
        let start = try take(length, what)
        guard let string = String(validating: bytes[start..<(start + length)], as: UTF8.self) else {
            throw DecodingError("\(what) is not valid UTF-8", at: start)
        }
        return string
    }

    public mutating func readDoubles(_ what: String = "doubles") throws(DecodingError) -> [Double] {
        let count = try readCount("\(what) count", limit: remaining / 8)
        var values = [Double]()
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try readDouble(what)) }
        return values
    }

    public mutating func readVarints(_ what: String = "varints") throws(DecodingError) -> [UInt64] {
        let count = try readCount("\(what) count", limit: remaining)
        var values = [UInt64]()
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try readVarint(what)) }
        return values
    }

    public mutating func readBytes(_ count: Int, _ what: String = "bytes") throws(DecodingError) -> ArraySlice<UInt8> {
        let start = try take(count, what)
        return bytes[start..<(start + count)]
    }

    /// A decoder over the next `count` bytes, which this one steps past: for a section written with its length.
    public mutating func section(_ count: Int, _ what: String) throws(DecodingError) -> BinaryDecoder {
        let start = try take(count, what)
        return BinaryDecoder(bytes, range: start..<(start + count))
    }

    /// Throws when the payload has bytes nobody read: a sign of a version or kind mix-up.
    public func expectEnd(_ what: String) throws(DecodingError) {
        guard isAtEnd else { throw DecodingError("\(remaining) unexpected trailing bytes after \(what)", at: offset) }
    }
}
