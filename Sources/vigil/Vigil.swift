import ArgumentParser
import Foundation
import VigilServer

/// The `vigil` command: thin argument parsing over VigilCore.
///
/// Exit status: 0 success, 1 a check failed (`vigil check`), 2 a usage or input error.
@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Watches machine-learning models in production: drift, data quality, model quality.",
        version: VigilVersion.current,
        subcommands: [ProfileCommand.self, ReportCommand.self, CheckCommand.self, MethodsCommand.self, ServeCommand.self, DemoCommand.self, ConfigCommand.self, ExportCommand.self, CompareCommand.self]
    )

    static func main() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // Help and version requests are successes; every other parse error is a usage error, shown
            // with the usage line.
            if exitCode(for: error) == .success { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch where exitCode(for: error) == .success {
            // `--help` on a command: ArgumentParser's help command shows it from its run.
            exit(withError: error)
        } catch {
            // An input or configuration error found while running: one line, no usage.
            FileHandle.standardError.write(Data(("Error: " + message(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

enum VigilVersion {
    static let current = VigilServer.version
}
