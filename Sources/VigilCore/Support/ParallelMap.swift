import Dispatch

/// Maps independent, CPU-bound work over the available cores, keeping the input order.
enum ParallelMap {
    /// Below this many elements the work runs on the calling thread: spreading it costs more than it saves.
    static let minimumParallelCount = 8

    static func map<Element: Sendable, Output: Sendable>(
        _ elements: [Element],
        minimumParallelCount: Int = ParallelMap.minimumParallelCount,
        _ transform: @Sendable (Element) -> Output
    ) -> [Output] {
        guard elements.count >= minimumParallelCount else { return elements.map(transform) }
        let results = ResultSlots<Output>(count: elements.count)
        DispatchQueue.concurrentPerform(iterations: elements.count) { index in
            results.store(transform(elements[index]), at: index)
        }
        return results.values
    }
}

/// One slot per index, each written by exactly one iteration of `concurrentPerform` before any read.
/// The slots live in a raw buffer rather than an array property, so concurrent writes to distinct
/// indices are plain stores with no formal access to shared Swift state.
private final class ResultSlots<Output: Sendable>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Output?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    func store(_ value: Output, at index: Int) { slots[index] = value }

    var values: [Output] { slots.map { $0! } }
}
