import VigilStats

/// Counts rows whose text repeats an earlier row of the same file exactly (what `DataFrame.duplicated()`
/// reports when every cell is written the same way).
///
/// Each row is kept as a 64-bit ``TextHash`` of its text, so two distinct rows are mistaken for one with probability
/// about n²/2⁶⁴ (5 × 10⁻⁸ for a million rows). Hashes are appended (8 bytes a row, written in order, no
/// random access) and counted by sorting: when ``hashLimit`` hashes are held they are sorted and reduced
/// to the distinct ones; once the distinct rows alone pass half the limit, counting stops and the count is
/// unknown rather than wrong.
struct DuplicateRowCounter: Sendable {
    /// Hashes held before they are reduced (32 MB, plus as much again while sorting).
    static let defaultHashLimit = 4_000_000

    private var hashes: [UInt64] = []
    /// Whether `hashes` is sorted and distinct.
    private var isReduced = true
    private var rows = 0
    private let hashLimit: Int
    private var overflowed = false

    init(hashLimit: Int = DuplicateRowCounter.defaultHashLimit) {
        self.hashLimit = hashLimit
    }

    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, _ text: Range<Int>) {
        guard !overflowed else { return }
        hashes.append(TextHash.hash(bytes, text.lowerBound, text.upperBound))
        isReduced = false
        rows += 1
        if hashes.count >= hashLimit { reduceOrStop() }
    }

    /// Adds the rows another counter saw (another part of the same file): rows repeated across the parts
    /// count as duplicates too. Each side is reduced to its distinct hashes first (at no cost when the part
    /// already did, on its own core), then the two sorted lists are joined in one linear pass.
    mutating func merge(_ other: DuplicateRowCounter) {
        guard !overflowed else { return }
        guard !other.overflowed else {
            overflowed = true
            hashes = []
            return
        }
        var other = other
        reduceToDistinct()
        other.reduceToDistinct()
        var union = [UInt64]()
        union.reserveCapacity(hashes.count + other.hashes.count)
        var left = 0
        var right = 0
        while left < hashes.count && right < other.hashes.count {
            let next = Swift.min(hashes[left], other.hashes[right])
            union.append(next)
            if hashes[left] == next { left += 1 }
            if other.hashes[right] == next { right += 1 }
        }
        union += hashes[left...]
        union += other.hashes[right...]
        hashes = union
        rows += other.rows
        if hashes.count >= hashLimit { reduceOrStop() }
    }

    /// Reduces the held hashes to the distinct ones, and stops counting once those alone pass half the limit.
    private mutating func reduceOrStop() {
        reduceToDistinct()
        if hashes.count > hashLimit / 2 {
            overflowed = true
            hashes = []
        }
    }

    /// Rows that repeat an earlier row, or nil when the file had too many distinct rows to track.
    mutating func count() -> Int? {
        guard !overflowed else { return nil }
        reduceToDistinct()
        return rows - hashes.count
    }

    /// Sorts the held hashes and keeps one of each.
    mutating func reduceToDistinct() {
        guard !isReduced else { return }
        isReduced = true
        let count = hashes.count
        guard count > 1 else { return }
        let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
        defer { scratch.deallocate() }
        var distinct = 0
        hashes.withUnsafeMutableBufferPointer { keys in
            SortKernels.sortKeys(keys.baseAddress!, count, scratch: scratch)
            for index in 0..<count where index == 0 || keys[index] != keys[distinct - 1] {
                keys[distinct] = keys[index]
                distinct += 1
            }
        }
        hashes.removeLast(count - distinct)
    }
}
