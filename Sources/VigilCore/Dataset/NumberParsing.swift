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
    ///
    /// Cells with at most seven digits before and seven after the point, the shape of nearly every number a
    /// program writes, are read eight bytes at a time (``parseDecimalWords(_:_:_:terminator:powersOfTen:)``):
    /// a byte-by-byte loop mispredicts its exit once or twice per number, since number lengths vary.
    @inline(__always)
    static func parsePlain(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, terminator: UInt8, powersOfTen: UnsafeBufferPointer<Double>
    ) -> (value: Double, end: Int)? {
        if start &+ wordsReadAhead <= bytes.count,
           let parsed = parseDecimalWords(bytes, start, end, terminator: terminator, powersOfTen: powersOfTen) {
            return parsed
        }
        return parsePlainBytes(bytes, start, end, terminator: terminator, powersOfTen: powersOfTen)
    }

    /// Bytes from a cell's start that ``parseDecimalWords(_:_:_:terminator:powersOfTen:)`` may load: a sign,
    /// seven digits, a point, then a whole word.
    static let wordsReadAhead = 17

    /// The word-at-a-time form of ``parsePlain(_:_:_:terminator:powersOfTen:)`` for `[-]d{0,7}[.d{0,7}]`
    /// followed by `terminator` or `end`; nil for anything else, including an exponent, which the byte loop
    /// then reads. The caller guarantees ``wordsReadAhead`` readable bytes from `start`; bytes past `end` may
    /// be loaded but never count.
    @inline(__always)
    static func parseDecimalWords(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, terminator: UInt8, powersOfTen: UnsafeBufferPointer<Double>
    ) -> (value: Double, end: Int)? {
        let base = UnsafeRawPointer(bytes.baseAddress! + start)
        let negative = base.load(as: UInt8.self) == UInt8(ascii: "-")
        let integerStart = negative ? 1 : 0
        let integerWord = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: integerStart, as: UInt64.self))
        let integerDigits = leadingDigitCount(integerWord)
        guard integerDigits < 8 else { return nil }
        // Every figure below is an integer under 10¹⁴ < 2⁵³, so each operation is exact until the division,
        // which rounds once: Clinger's fast path, as in the byte loop.
        var mantissa = Double(digitsValue(integerWord, count: integerDigits))
        var fractionDigits = 0
        var stop = integerStart &+ integerDigits
        if base.load(fromByteOffset: stop, as: UInt8.self) == UInt8(ascii: ".") {
            let fractionWord = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: stop &+ 1, as: UInt64.self))
            fractionDigits = leadingDigitCount(fractionWord)
            guard fractionDigits < 8 else { return nil }
            mantissa = mantissa * powersOfTen[fractionDigits] + Double(digitsValue(fractionWord, count: fractionDigits))
            stop = stop &+ 1 &+ fractionDigits
        }
        let cellEnd = start &+ stop
        guard integerDigits &+ fractionDigits > 0, cellEnd <= end,
              cellEnd == end || bytes[cellEnd] == terminator
        else { return nil }
        let value = mantissa / powersOfTen[fractionDigits]
        return (negative ? -value : value, cellEnd)
    }

    /// How many of a little-endian word's bytes, from the first, are ASCII digits (0…8).
    ///
    /// A byte is flagged when it is below `0` (its subtraction borrows), above `9` (adding 0x46 sets its top
    /// bit) or not ASCII. A borrow or carry only disturbs bytes after a flagged one, so the first flag is exact.
    @inline(__always)
    static func leadingDigitCount(_ word: UInt64) -> Int {
        let flags = ((word &+ 0x4646_4646_4646_4646) | (word &- 0x3030_3030_3030_3030) | word) & 0x8080_8080_8080_8080
        return flags.trailingZeroBitCount &>> 3
    }

    /// The value of a word's first `count` (0…7) bytes, all ASCII digits, as a decimal number: the digits are
    /// shifted to the word's top as if led by zeros, then pairs, quads and octets are combined by three
    /// multiplications.
    @inline(__always)
    static func digitsValue(_ word: UInt64, count: Int) -> UInt64 {
        var digits = (word &- 0x3030_3030_3030_3030) &<< UInt64(8 &* (8 &- count))
        if count == 0 { digits = 0 }
        digits = ((digits & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) &>> 8
        digits = ((digits & 0x00FF_00FF_00FF_00FF) &* 6_553_601) &>> 16
        return ((digits & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) &>> 32
    }

    /// The byte-at-a-time form of ``parsePlain(_:_:_:terminator:powersOfTen:)``, for every shape it accepts.
    @inline(__always)
    static func parsePlainBytes(
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
