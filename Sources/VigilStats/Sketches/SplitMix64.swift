/// A tiny deterministic pseudo-random generator (Steele, Lea & Flood 2014) and the 64-bit finalizer
/// Vigil uses for hashing. Sketches seed it with a constant, so the same input always gives the same bytes.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 / MurmurHash3 finalizer: a bijection of UInt64 with full avalanche.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Stable 64-bit hashes of the values Vigil counts. Unlike `Hasher`, these do not change between processes,
/// which keeps sketches byte-identical across runs and mergeable across machines.
public enum StableHash {
    /// Hash of a double; −0.0 and +0.0 hash alike because they compare equal.
    @inlinable
    public static func hash(_ value: Double) -> UInt64 {
        SplitMix64.mix(value == 0 ? 0 : value.bitPattern)
    }

    /// FNV-1a over the UTF-8 bytes, then the SplitMix64 finalizer for avalanche.
    @inlinable
    public static func hash(_ value: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in value.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return SplitMix64.mix(hash)
    }
}
