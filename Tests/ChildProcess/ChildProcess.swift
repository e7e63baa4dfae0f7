public import Foundation

/// Runs external programs for the tests without holding a thread of Swift's cooperative pool.
///
/// The pool has one thread per core (two on CI). A test that blocked one of them in `waitUntilExit()`
/// while a long program ran (schemathesis, `vigil report`, Chromium) left the servers that other tests run
/// in-process with one thread or none: their requests stalled until a client timed out. Here the wait is a
/// `terminationHandler` and the output goes to temporary files, so no thread waits and no pipe fills up.
public enum ChildProcess {
    /// How a program ended and what it wrote.
    public struct Outcome: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String

        /// Both streams, standard output first, for messages that show whatever the program said.
        public var output: String { standardOutput + standardError }
    }

    /// Runs `program` to completion.
    ///
    /// - Parameters:
    ///   - standardInput: a file whose content the program reads as its standard input.
    ///   - environment: variables set for the program on top of this process's own.
    public static func run(_ program: URL, _ arguments: [String], standardInput: String? = nil, environment: [String: String] = [:]) async throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputURL = directory.appendingPathComponent("stdout")
        let errorURL = directory.appendingPathComponent("stderr")
        try Data().write(to: outputURL)
        try Data().write(to: errorURL)
        let output = try FileHandle(forWritingTo: outputURL)
        let error = try FileHandle(forWritingTo: errorURL)

        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardOutput = output
        process.standardError = error
        if let standardInput {
            guard let input = FileHandle(forReadingAtPath: standardInput) else { throw ChildProcessError("cannot read \(standardInput)") }
            process.standardInput = input
        }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try output.close()
        try error.close()
        return Outcome(
            status: status,
            standardOutput: String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
            standardError: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self)
        )
    }

    /// Runs the program at `path` to completion.
    public static func run(_ path: String, _ arguments: [String], standardInput: String? = nil, environment: [String: String] = [:]) async throws -> Outcome {
        try await run(URL(fileURLWithPath: path), arguments, standardInput: standardInput, environment: environment)
    }

    /// Waits for a started process to end, without blocking a thread.
    public static func waitForExit(_ process: Process) async {
        // A handler set after the process ended never runs; `isRunning` after setting it closes that gap, and
        // `ResumeOnce` keeps the two paths from both resuming.
        let once = ResumeOnce()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            once.set(continuation)
            process.terminationHandler = { _ in once.resume() }
            if !process.isRunning { once.resume() }
        }
    }
}

/// A program could not be started as asked.
public struct ChildProcessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Resumes a continuation at most once, from whichever caller comes first.
private final class ResumeOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?

    func set(_ continuation: CheckedContinuation<Void, Never>) {
        lock.withLock { self.continuation = continuation }
    }

    func resume() {
        let taken = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            defer { continuation = nil }
            return continuation
        }
        taken?.resume()
    }
}
