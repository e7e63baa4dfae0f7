import Foundation

/// Parses decimal numbers from bytes without allocating.
///
/// The fast path (Clinger 1990) is exact: a mantissa of at most 15 significant digits and a power of ten of
/// at most 22 are both exactly representable, so one IEEE multiplication or division rounds correctly.
/// Anything else (long mantissas, large exponents, hex, `inf`) goes through `strtod`.
enum NumberParsing {
    /// 10⁰ … 10²², each exact.
    static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    /// The number in `bytes[start..<end]`, or nil when the text is not a number. Surrounding spaces are allowed.
    static func parseDouble(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var start = start
        var end = end
        while start < end && bytes[start] == UInt8(ascii: " ") { start += 1 }
        while end > start && bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        guard start < end else { return nil }
        var index = start
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var significantDigits = 0
        var exponent = 0
        var sawDigit = false
        while index < end, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10 {
            if significantDigits > 0 || digit != 0 { significantDigits += 1 }
            if significantDigits <= 19 { mantissa = mantissa &* 10 &+ UInt64(digit) } else { exponent += 1 }
            digits += 1
            sawDigit = true
            index += 1
        }
        if index < end && bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < end, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10 {
                if significantDigits > 0 || digit != 0 { significantDigits += 1 }
                if significantDigits <= 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    exponent -= 1
                }
                sawDigit = true
                index += 1
            }
        }
        guard sawDigit else { return slowParse(bytes, start, end) }
        if index < end && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            var exponentNegative = false
            if index < end && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var value = 0
            var sawExponentDigit = false
            while index < end, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10 {
                if value < 100_000 { value = value * 10 + Int(digit) }
                sawExponentDigit = true
                index += 1
            }
            guard sawExponentDigit else { return nil }
            exponent += exponentNegative ? -value : value
        }
        guard index == end else { return slowParse(bytes, start, end) }
        if significantDigits <= 15 && abs(exponent) <= 22 {
            var value = Double(mantissa)
            value = exponent >= 0 ? value * powersOfTen[exponent] : value / powersOfTen[-exponent]
            return negative ? -value : value
        }
        return slowParse(bytes, start, end)
    }

    /// The common shape of a cell in a plain record, parsed in the same pass that finds its end: an optional
    /// minus, at most 18 digits with an optional point, an optional exponent, then `terminator` or `end`.
    /// Returns the value and where the cell ends, or nil for anything else (the caller then finds the cell's
    /// end and uses ``parseDouble(_:_:_:)``, which agrees with this on every input this accepts).
    @inline(__always)
    static func parsePlain(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, terminator: UInt8, powersOfTen: UnsafeBufferPointer<Double>
    ) -> (value: Double, end: Int)? {
        var index = start
        let negative = index < end && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var mantissa: UInt64 = 0
        let digitsStart = index
        while index < end, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10 {
            mantissa = mantissa &* 10 &+ UInt64(digit)
            index += 1
        }
        var digits = index - digitsStart
        var exponent = 0
        if index < end && bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < end, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                index += 1
            }
            exponent = fractionStart - index
            digits += index - fractionStart
        }
        guard digits > 0 && digits <= 18 else { return nil }
        if index < end && bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            let exponentNegative = index < end && bytes[index] == UInt8(ascii: "-")
            if index < end && (exponentNegative || bytes[index] == UInt8(ascii: "+")) { index += 1 }
            let exponentStart = index
            var value = 0
            while index < end, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10, index - exponentStart < 3 {
                value = value &* 10 &+ Int(digit)
                index += 1
            }
            guard index > exponentStart else { return nil }
            exponent += exponentNegative ? -value : value
        }
        guard index == end || bytes[index] == terminator else { return nil }
        // Clinger's fast path: both operands exact, so the one operation rounds correctly.
        guard mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 else { return nil }
        var value = Double(mantissa)
        value = exponent >= 0 ? value * powersOfTen[exponent] : value / powersOfTen[-exponent]
        return (negative ? -value : value, index)
    }

    /// `strtod` on a NUL-terminated copy, accepting only what it consumes entirely (`inf`, hex, long forms).
    private static func slowParse(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        let length = end - start
        guard length > 0, length < 512 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            for offset in 0..<length { buffer[offset] = CChar(bitPattern: bytes[start + offset]) }
            buffer[length] = 0
            var stop: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &stop)
            guard let stop, stop - buffer.baseAddress! == length else { return nil }
            return value
        }
    }

    /// Whether the text is an integer literal (what pandas reads as an integer column).
    static func isInteger(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var index = start
        if index < end && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) { index += 1 }
        guard index < end else { return false }
        while index < end {
            guard bytes[index] &- UInt8(ascii: "0") < 10 else { return false }
            index += 1
        }
        return true
    }
}
