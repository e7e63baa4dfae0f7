import Foundation

/// Runs the built `vigil` executable as a user would.
struct VigilProcess {
    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The executable SwiftPM built next to this test bundle.
    static let executable: URL = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("vigil")

    static func run(_ arguments: [String]) throws -> Outcome { try run(executable, arguments) }

    /// Runs any program to completion, capturing its output.
    static func run(_ program: URL, _ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self)
        )
    }

    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!.path
    }

    static func temporaryPath(_ suffix: String) -> String {
        NSTemporaryDirectory() + "vigil-cli-\(UUID().uuidString)\(suffix)"
    }
}
