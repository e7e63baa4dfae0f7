import VigilStats

/// Counts a categorical column's cells by their bytes within one batch, so that each distinct value is
/// validated as UTF-8 and turned into a `String` once per batch rather than once per cell.
///
/// Open addressing on a 64-bit hash of the bytes; the table is emptied at every flush, so memory stays
/// bounded by the batch size even for columns with millions of distinct values.
struct CategoryInterner {
    private var hashes: [UInt64]
    private var counts: [Int]
    private var strings: [String]
    private var occupied: [Int] = []
    private var mask: Int
    private(set) var missing = 0

    init(capacity: Int) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        hashes = [UInt64](repeating: 0, count: size)
        counts = [Int](repeating: 0, count: size)
        strings = [String](repeating: "", count: size)
        mask = size - 1
    }

    /// Counts one cell. `makeString` is called only for a value not yet seen in this batch; it validates
    /// UTF-8 and may throw.
    mutating func add(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
        makeString: () throws(DatasetError) -> String
    ) throws(DatasetError) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in start..<end {
            hash ^= UInt64(bytes[index])
            hash &*= 0x0000_0100_0000_01B3
        }
        hash = SplitMix64.mix(hash) | 1  // never 0, which marks an empty slot
        var slot = Int(truncatingIfNeeded: hash) & mask
        while hashes[slot] != 0 {
            if hashes[slot] == hash && Self.equals(strings[slot], bytes, start, end) {
                counts[slot] += 1
                return
            }
            slot = (slot + 1) & mask
        }
        strings[slot] = try makeString()
        hashes[slot] = hash
        counts[slot] = 1
        occupied.append(slot)
    }

    mutating func addMissing() { missing += 1 }

    private static func equals(_ string: String, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var string = string
        return string.withUTF8 { utf8 in
            guard utf8.count == end - start else { return false }
            for offset in 0..<utf8.count where utf8[offset] != bytes[start + offset] { return false }
            return true
        }
    }

    /// Hands the batch's counts to `sink` in first-seen order and empties the table.
    mutating func drain(_ sink: (String, Int) -> Void) -> Int {
        for slot in occupied {
            sink(strings[slot], counts[slot])
            hashes[slot] = 0
            counts[slot] = 0
            strings[slot] = ""
        }
        occupied.removeAll(keepingCapacity: true)
        defer { missing = 0 }
        return missing
    }
}
