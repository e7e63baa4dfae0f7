import ArgumentParser
import Foundation

/// The `vigil` command: thin argument parsing over VigilCore.
///
/// Exit status: 0 success, 1 a check failed (`vigil check`), 2 a usage or input error.
@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Watches machine-learning models in production: drift, data quality, model quality.",
        version: VigilVersion.current,
        subcommands: [ProfileCommand.self, ReportCommand.self, CheckCommand.self, MethodsCommand.self, ServeCommand.self, DemoCommand.self]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            // Help and version requests are successes; every other error is a usage or input error.
            if exitCode(for: error) == .success { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

enum VigilVersion {
    static let current = "0.1.0-dev"
}
