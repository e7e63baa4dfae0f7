/// Writes compact JSON into a byte buffer: the one JSON writer of the event log and the ingestion path.
///
/// Numbers use Swift's shortest round-trip form, so a value read back with ``JSONParser`` is bit-identical.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    public mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    public mutating func number(_ value: Double) {
        precondition(value.isFinite, "JSON has no non-finite numbers")
        if value == value.rounded(), abs(value) < 1e15 {
            number(Int64(value))
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    public mutating func number(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        digits(value.magnitude, width: 1)
    }

    /// Writes `value` in decimal, left-padded with zeros to `width` digits, without making a String.
    public mutating func digits(_ value: UInt64, width: Int) {
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &buffer) { scratch in
            var remaining = value
            var position = scratch.count
            repeat {
                position -= 1
                scratch[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0 || scratch.count - position < width
            bytes.append(contentsOf: scratch[position...])
        }
    }

    /// Writes `"2026-11-22T10:15:30.250Z"` (quoted) for milliseconds since 1970.
    public mutating func timestamp(milliseconds: Int64) {
        let parts = Timestamp.components(milliseconds: milliseconds)
        bytes.append(UInt8(ascii: "\""))
        digits(UInt64(max(0, parts.year)), width: 4)
        bytes.append(UInt8(ascii: "-"))
        digits(UInt64(parts.month), width: 2)
        bytes.append(UInt8(ascii: "-"))
        digits(UInt64(parts.day), width: 2)
        bytes.append(UInt8(ascii: "T"))
        digits(UInt64(parts.hour), width: 2)
        bytes.append(UInt8(ascii: ":"))
        digits(UInt64(parts.minute), width: 2)
        bytes.append(UInt8(ascii: ":"))
        digits(UInt64(parts.second), width: 2)
        bytes.append(UInt8(ascii: "."))
        digits(UInt64(parts.millisecond), width: 3)
        raw("Z\"")
    }

    public mutating func bool(_ value: Bool) { value ? raw("true") : raw("false") }

    public mutating func null() { raw("null") }

    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings need no escaping: copy them whole.
        let plain = value.utf8.withContiguousStorageIfAvailable { buffer in
            for byte in buffer where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
            bytes.append(contentsOf: buffer)
            return true
        }
        if plain == true {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes `{"key": value, …}` in the dictionary's order (sorting every event's keys costs more than the
    /// rest of the encoding; readers never depend on key order).
    public mutating func object<Value>(_ members: [String: Value], _ writeValue: (inout JSONWriter, Value) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for (key, value) in members {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            string(key)
            bytes.append(UInt8(ascii: ":"))
            writeValue(&self, value)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes `[e0,e1,…]`, each element by `writeElement`.
    public mutating func array<Element>(_ elements: some Sequence<Element>, _ writeElement: (inout JSONWriter, Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for element in elements {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            writeElement(&self, element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes one `"key":` of an object being written by hand; `first` says whether a comma is needed.
    public mutating func key(_ name: StaticString, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        raw("\":")
    }
}
