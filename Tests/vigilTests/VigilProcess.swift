import ChildProcess
import Foundation

/// Runs the built `vigil` executable as a user would.
enum VigilProcess {
    /// The executable SwiftPM built next to this test bundle.
    static let executable: URL = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("vigil")

    static func run(_ arguments: [String]) async throws -> ChildProcess.Outcome { try await ChildProcess.run(executable, arguments) }

    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!.path
    }

    static func temporaryPath(_ suffix: String) -> String {
        NSTemporaryDirectory() + "vigil-cli-\(UUID().uuidString)\(suffix)"
    }
}
