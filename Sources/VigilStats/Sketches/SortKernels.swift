/// Sorting and merging kernels for the quantile sketch's hot path.
///
/// Level-0 compactions sort a few hundred random doubles, where comparison sorts lose most of their time
/// to branch mispredictions; ``radixSort(_:)`` sorts them by their order-preserving bit patterns instead
/// (measured about 3× faster than the introsort below, which remains for other callers). A linear
/// merge keeps the already-sorted upper levels sorted. ``sortKeys(_:_:scratch:)`` is public for other
/// modules that sort 64-bit keys (row hashes).
public enum SortKernels {
    /// Maps a double's bits to an unsigned integer with the same order (−0 before +0, finite values only).
    @inline(__always)
    static func orderedKey(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits & (1 << 63) == 0 ? bits | (1 << 63) : ~bits
    }

    @inline(__always)
    static func value(fromOrderedKey key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }

    /// Sorts finite doubles (``radixSort(_:)``) unless they already ascend, which costs one scan.
    static func sortIfNeeded(_ values: inout [Double]) {
        if !isAscending(values) { radixSort(&values) }
    }

    static func isAscending(_ values: [Double]) -> Bool {
        values.withUnsafeBufferPointer { buffer in
            for index in buffer.indices.dropFirst() where buffer[index - 1] > buffer[index] { return false }
            return true
        }
    }

    /// Sorts finite doubles by their ordered keys (see ``sortKeys(_:_:scratch:)``). Works on one stack
    /// allocation (keys and scratch): a compaction allocates nothing on the heap.
    static func radixSort(_ values: inout [Double]) {
        let count = values.count
        guard count > 1 else { return }
        if count < 64 {
            sort(&values)
            return
        }
        values.withUnsafeMutableBufferPointer { values in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * count) { storage in
                let keys = storage.baseAddress!
                for index in 0..<count { keys[index] = orderedKey(values[index]) }
                sortKeys(keys, count, scratch: keys + count)
                for index in 0..<count { values[index] = value(fromOrderedKey: keys[index]) }
            }
        }
    }

    /// Sorts `count` keys ascending in place, using `scratch` (room for `count` keys).
    ///
    /// An LSD radix sort on the high 32 bits only (four 8-bit passes, skipping any digit every key shares),
    /// then each run of keys that agree on those bits is finished by a comparison sort. For keys that spread
    /// over their range (doubles from data, hashes) the runs are single keys, so this costs half the passes
    /// of a full radix sort; keys crowded into a narrow range fall back to sorting their runs, never to
    /// quadratic work.
    public static func sortKeys(_ keys: UnsafeMutablePointer<UInt64>, _ count: Int, scratch: UnsafeMutablePointer<UInt64>) {
        guard count > 1 else { return }
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 4 * 256) { histograms in
            let histograms = histograms.baseAddress!
            histograms.initialize(repeating: 0, count: 4 * 256)
            for index in 0..<count {
                var shifted = keys[index] >> 32
                for digit in 0..<4 {
                    histograms[digit &<< 8 | Int(shifted & 0xFF)] &+= 1
                    shifted >>= 8
                }
            }
            var source = keys
            var destination = scratch
            for digit in 0..<4 {
                let histogram = histograms + digit * 256
                let shift = UInt64(32 + digit * 8)
                // A digit shared by every key leaves the order unchanged.
                if histogram[Int((source[0] >> shift) & 0xFF)] == UInt32(count) { continue }
                var running: UInt32 = 0
                for bucket in 0..<256 {
                    let bucketCount = histogram[bucket]
                    histogram[bucket] = running
                    running &+= bucketCount
                }
                for index in 0..<count {
                    let key = source[index]
                    let bucket = Int((key >> shift) & 0xFF)
                    destination[Int(histogram[bucket])] = key
                    histogram[bucket] &+= 1
                }
                Swift.swap(&source, &destination)
            }
            if source != keys { keys.update(from: source, count: count) }
        }
        var runStart = 0
        while runStart < count {
            let high = keys[runStart] >> 32
            var runEnd = runStart + 1
            while runEnd < count && keys[runEnd] >> 32 == high { runEnd += 1 }
            if runEnd - runStart > 1 { sortRun(keys + runStart, runEnd - runStart) }
            runStart = runEnd
        }
    }

    private static func sortRun(_ keys: UnsafeMutablePointer<UInt64>, _ count: Int) {
        guard count <= 16 else {
            var run = UnsafeMutableBufferPointer(start: keys, count: count)
            run.sort()
            return
        }
        for i in 1..<count {
            let key = keys[i]
            var j = i - 1
            while j >= 0 && keys[j] > key {
                keys[j + 1] = keys[j]
                j -= 1
            }
            keys[j + 1] = key
        }
    }

    static func sort(_ values: inout [Double]) {
        values.withUnsafeMutableBufferPointer { buffer in
            guard buffer.count > 1 else { return }
            var depthLimit = 2 * (Int.bitWidth - buffer.count.leadingZeroBitCount)
            introsort(buffer.baseAddress!, 0, buffer.count - 1, &depthLimit)
        }
    }

    private static func introsort(_ a: UnsafeMutablePointer<Double>, _ low: Int, _ high: Int, _ depth: inout Int) {
        var low = low
        var high = high
        while high - low > 24 {
            if depth == 0 {
                heapsort(a + low, high - low + 1)
                return
            }
            depth -= 1
            let mid = low + (high - low) / 2
            // Median of three to a[mid], then Hoare partition around it.
            if a[mid] < a[low] { swap(a, mid, low) }
            if a[high] < a[low] { swap(a, high, low) }
            if a[high] < a[mid] { swap(a, high, mid) }
            let pivot = a[mid]
            var i = low
            var j = high
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j {
                    swap(a, i, j)
                    i += 1
                    j -= 1
                }
            }
            // Recurse into the smaller side, loop on the larger: O(log n) stack.
            var remaining = depth
            if j - low < high - i {
                if low < j { introsort(a, low, j, &remaining) }
                low = i
            } else {
                if i < high { introsort(a, i, high, &remaining) }
                high = j
            }
        }
        insertionSort(a, low, high)
    }

    @inline(__always)
    private static func swap(_ a: UnsafeMutablePointer<Double>, _ i: Int, _ j: Int) {
        let t = a[i]
        a[i] = a[j]
        a[j] = t
    }

    private static func insertionSort(_ a: UnsafeMutablePointer<Double>, _ low: Int, _ high: Int) {
        guard high > low else { return }
        for i in (low + 1)...high {
            let value = a[i]
            var j = i - 1
            while j >= low && a[j] > value {
                a[j + 1] = a[j]
                j -= 1
            }
            a[j + 1] = value
        }
    }

    private static func heapsort(_ a: UnsafeMutablePointer<Double>, _ count: Int) {
        func siftDown(_ start: Int, _ end: Int) {
            var root = start
            while 2 * root + 1 < end {
                var child = 2 * root + 1
                if child + 1 < end && a[child] < a[child + 1] { child += 1 }
                if a[root] >= a[child] { return }
                swap(a, root, child)
                root = child
            }
        }
        for start in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(start, count) }
        for end in stride(from: count - 1, to: 0, by: -1) {
            swap(a, 0, end)
            siftDown(0, end)
        }
    }

    /// Merges two ascending arrays into one ascending array.
    static func merge(_ left: [Double], _ right: [Double]) -> [Double] {
        if left.isEmpty { return right }
        if right.isEmpty { return left }
        var result = [Double]()
        result.reserveCapacity(left.count + right.count)
        var i = 0
        var j = 0
        while i < left.count && j < right.count {
            if left[i] <= right[j] {
                result.append(left[i])
                i += 1
            } else {
                result.append(right[j])
                j += 1
            }
        }
        result.append(contentsOf: left[i...])
        result.append(contentsOf: right[j...])
        return result
    }
}
