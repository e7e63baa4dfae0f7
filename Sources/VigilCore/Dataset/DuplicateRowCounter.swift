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
    private var rows = 0
    private let hashLimit: Int
    private var overflowed = false

    init(hashLimit: Int = DuplicateRowCounter.defaultHashLimit) {
        self.hashLimit = hashLimit
    }

    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, _ text: Range<Int>) {
        guard !overflowed else { return }
        hashes.append(TextHash.hash(bytes, text.lowerBound, text.upperBound))
        rows += 1
        if hashes.count >= hashLimit { reduceOrStop() }
    }

    /// Adds the rows another counter saw (another part of the same file): rows repeated across the parts
    /// count as duplicates too.
    mutating func merge(_ other: DuplicateRowCounter) {
        guard !overflowed else { return }
        guard !other.overflowed else {
            overflowed = true
            hashes = []
            return
        }
        hashes += other.hashes
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
    private mutating func reduceToDistinct() {
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
