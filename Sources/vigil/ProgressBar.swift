import Foundation
import Synchronization

/// A progress bar on standard error for long reads: drawn only when standard error is a terminal and the
/// input is large, at most ten times a second, and erased when done. Quiet otherwise (CI logs stay clean).
final class ProgressBar: Sendable {
    /// Inputs smaller than this finish before a bar is worth drawing.
    static let minimumBytes = 32 << 20

    private struct State {
        var read: [String: Int] = [:]
        var lastDraw = ContinuousClock.now
        var drawn = false
    }

    private let total: Int
    private let label: String
    private let state = Mutex(State())

    /// A bar for reading `paths`, or nil when it should stay quiet.
    static func make(for paths: [String], label: String) -> ProgressBar? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        let total = paths.reduce(0) { sum, path in
            sum + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
        return total >= minimumBytes ? ProgressBar(total: total, label: label) : nil
    }

    private init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func update(path: String, bytesRead: Int) {
        state.withLock { state in
            state.read[path] = bytesRead
            let now = ContinuousClock.now
            guard now - state.lastDraw >= .milliseconds(100) else { return }
            state.lastDraw = now
            state.drawn = true
            let done = min(1, Double(state.read.values.reduce(0, +)) / Double(total))
            let width = 30
            let filled = Int(done * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) \(bar) \(Int(done * 100))% of \(total >> 20) MB".utf8))
        }
    }

    /// Erases the bar.
    func finish() {
        state.withLock { state in
            if state.drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        }
    }
}
