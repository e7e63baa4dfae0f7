import VigilStats

/// The 64-bit hash by which cells and rows of text are recognized (``CategoryInterner``,
/// ``DuplicateRowCounter``): eight bytes at a time, then SplitMix64's finalizer.
enum TextHash {
    /// Each step is a bijection of the running state, so texts of the same length that differ in a single
    /// eight-byte word never collide; otherwise collisions are as rare as for a random 64-bit function.
    /// Long texts are read 32 bytes at a time into four independent lanes, so that the multiplications of
    /// one step overlap instead of waiting for each other; the lanes are then folded in one at a time, each
    /// fold a bijection of the lane folded in.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        let raw = UnsafeRawPointer(bytes.baseAddress! + start)
        let count = end - start
        @inline(__always) func word(_ offset: Int) -> UInt64 {
            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        @inline(__always) func step(_ state: UInt64, _ word: UInt64) -> UInt64 {
            let mixed = (state ^ word) &* 0xBF58_476D_1CE4_E5B9
            return mixed ^ (mixed >> 31)
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)
        var offset = 0
        if count >= 32 {
            var lanes = (state, 0x6A09_E667_F3BC_C908 as UInt64, 0xBB67_AE85_84CA_A73B as UInt64, 0x3C6E_F372_FE94_F82B as UInt64)
            while offset + 32 <= count {
                lanes.0 = step(lanes.0, word(offset))
                lanes.1 = step(lanes.1, word(offset + 8))
                lanes.2 = step(lanes.2, word(offset + 16))
                lanes.3 = step(lanes.3, word(offset + 24))
                offset += 32
            }
            state = SplitMix64.mix(SplitMix64.mix(SplitMix64.mix(lanes.0) ^ lanes.1) ^ lanes.2) ^ lanes.3
        }
        while offset + 8 <= count {
            state = step(state, word(offset))
            offset += 8
        }
        return SplitMix64.mix(state ^ tail(bytes, start + offset, end))
    }

    /// A quick hash for small in-memory tables (``CategoryInterner``), where a collision costs one more
    /// comparison, not a wrong answer: one multiply per word, a third of ``hash(_:_:_:)``'s latency on short
    /// cells.
    ///
    /// Only the high bits are well mixed: bit *i* of a product depends on the factors' bits 0…*i* alone, so
    /// the low bits see only a text's first bytes, which values like `value_1` … `value_30` share. Index a
    /// table with the top bits (`hash >> (64 - log2(size))`), never with `hash & mask`.
    @inline(__always)
    static func tableHash(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        let raw = UnsafeRawPointer(bytes.baseAddress! + start)
        let count = end - start
        var state = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        var offset = 0
        while offset + 8 <= count {
            state = (state ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) &* 0x9E37_79B9_7F4A_7C15
            offset += 8
        }
        return (state ^ tail(bytes, start + offset, end)) &* 0x9E37_79B9_7F4A_7C15
    }

    /// The last 0–7 bytes as one little-endian word: a single masked load when the buffer has eight bytes
    /// from `start`, else byte by byte.
    @inline(__always)
    private static func tail(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        let count = end - start
        guard count > 0 else { return 0 }
        if start + 8 <= bytes.count {
            let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + start).loadUnaligned(as: UInt64.self))
            return word & (UInt64.max >> UInt64(64 - 8 * count))
        }
        var word: UInt64 = 0
        for offset in 0..<count { word |= UInt64(bytes[start + offset]) << UInt64(8 * offset) }
        return word
    }

    /// Whether two byte ranges of equal length hold the same bytes, compared eight at a time.
    @inline(__always)
    static func equal(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, count: Int) -> Bool {
        var offset = 0
        while offset + 8 <= count {
            if left.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != right.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
            offset += 8
        }
        while offset < count {
            if left.load(fromByteOffset: offset, as: UInt8.self) != right.load(fromByteOffset: offset, as: UInt8.self) { return false }
            offset += 1
        }
        return true
    }
}
