/// Counts a categorical column's cells by their bytes within one batch, so that each distinct value is
/// validated as UTF-8, checked against the missing-value tokens and turned into a `String` once per batch
/// rather than once per cell.
///
/// Open addressing on the top bits of ``TextHash/tableHash(_:_:_:)`` of the bytes, sized to the distinct values actually seen (a column of
/// thirty values keeps its table in a few cache lines) and emptied at every drain, so memory stays bounded by
/// the batch even for columns with millions of distinct values.
///
/// All state lives in manually allocated memory owned by this value, and counting a cell does not mutate the
/// value itself: it costs no copy-on-write or exclusivity check. Call ``deallocate()`` exactly once.
struct CategoryInterner {
    private struct Slot {
        /// 0 marks an empty slot.
        var hash: UInt64
        var count: Int
        /// The value's bytes, allocated when it is first seen in a batch.
        var value: UnsafeMutableBufferPointer<UInt8>
        var isMissingToken: Bool

        static var empty: Slot { Slot(hash: 0, count: 0, value: UnsafeMutableBufferPointer(start: nil, count: 0), isMissingToken: false) }
    }

    private var slots: UnsafeMutablePointer<Slot>
    private var mask: Int
    /// `64 - log2(table size)`: a slot index is the hash's top bits, its best mixed.
    private var shift: UInt64
    /// Occupied slots in first-seen order; room for a quarter of the table, the most it may hold.
    private var occupied: UnsafeMutablePointer<Int>
    /// [occupied slot count, empty cells].
    private let tallies: UnsafeMutablePointer<Int>

    init() {
        let size = 64
        slots = .allocate(capacity: size)
        slots.initialize(repeating: .empty, count: size)
        mask = size - 1
        shift = Self.shift(forSize: size)
        occupied = .allocate(capacity: size / 4)
        tallies = .allocate(capacity: 2)
        tallies.initialize(repeating: 0, count: 2)
    }

    func deallocate() {
        for index in 0..<tallies[0] { slots[occupied[index]].value.deallocate() }
        slots.deallocate()
        occupied.deallocate()
        tallies.deallocate()
    }

    enum Outcome {
        case counted
        /// A new value would fill the table past a quarter: ``grow()`` and add again.
        case full
        /// A value not yet seen in this batch is not valid UTF-8; nothing was counted.
        case invalidUTF8
    }

    /// Counts one non-empty cell.
    @inline(__always)
    func add(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Outcome {
        let hash = TextHash.tableHash(bytes, start, end) | 1  // never 0, which marks an empty slot
        var index = Int(truncatingIfNeeded: hash >> shift)
        while slots[index].hash != 0 {
            if slots[index].hash == hash && Self.equals(slots[index].value, bytes, start, end) {
                slots[index].count &+= 1
                return .counted
            }
            index = (index + 1) & mask
        }
        return insert(bytes, start, end, hash: hash, at: index)
    }

    private func insert(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, hash: UInt64, at index: Int) -> Outcome {
        // A sparse table keeps linear probes short: most lookups hit their first slot.
        guard (tallies[0] + 1) * 4 <= mask + 1 else { return .full }
        let cell = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard String(validating: cell, as: UTF8.self) != nil else { return .invalidUTF8 }
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: cell.count)
        _ = copy.initialize(from: cell)
        slots[index] = Slot(hash: hash, count: 1, value: copy, isMissingToken: MissingValueTokens.isMissing(bytes, start, end))
        occupied[tallies[0]] = index
        tallies[0] += 1
        return .counted
    }

    /// Doubles the table, keeping every entry and the first-seen order.
    mutating func grow() {
        let size = 2 * (mask + 1)
        let newSlots = UnsafeMutablePointer<Slot>.allocate(capacity: size)
        newSlots.initialize(repeating: .empty, count: size)
        let newOccupied = UnsafeMutablePointer<Int>.allocate(capacity: size / 4)
        for order in 0..<tallies[0] {
            let slot = slots[occupied[order]]
            var index = Int(truncatingIfNeeded: slot.hash >> Self.shift(forSize: size))
            while newSlots[index].hash != 0 { index = (index + 1) & (size - 1) }
            newSlots[index] = slot
            newOccupied[order] = index
        }
        slots.deallocate()
        occupied.deallocate()
        slots = newSlots
        occupied = newOccupied
        mask = size - 1
        shift = Self.shift(forSize: size)
    }

    private static func shift(forSize size: Int) -> UInt64 { UInt64(64 - size.trailingZeroBitCount) }

    /// Counts an empty cell.
    func addEmpty() { tallies[1] &+= 1 }

    @inline(__always)
    private static func equals(_ value: UnsafeMutableBufferPointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        value.count == end - start && TextHash.equal(value.baseAddress!, bytes.baseAddress! + start, count: value.count)
    }

    /// Hands the batch's counts to `sink` in first-seen order, empties the table, and returns the number of
    /// missing cells (empty, or one of ``MissingValueTokens``).
    func drain(_ sink: (String, Int) -> Void) -> Int {
        var missing = tallies[1]
        for order in 0..<tallies[0] {
            let index = occupied[order]
            if slots[index].isMissingToken {
                missing += slots[index].count
            } else {
                sink(String(decoding: slots[index].value, as: UTF8.self), slots[index].count)
            }
            slots[index].value.deallocate()
            slots[index] = .empty
        }
        tallies[0] = 0
        tallies[1] = 0
        return missing
    }
}
