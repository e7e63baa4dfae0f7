import ChildProcess
import Foundation
import Testing

/// `vigil --help` and every subcommand's help print the overview and exit 0, as the README promises.
struct HelpTests {
    @Test(arguments: [[], ["profile"], ["report"], ["check"], ["methods"], ["serve"], ["demo"], ["config"], ["config", "check"], ["export"], ["compare"]])
    func helpExitsZero(command: [String]) async throws {
        let run = try await VigilProcess.run(command + ["--help"])
        #expect(run.status == 0, "vigil \(command.joined(separator: " ")) --help exited \(run.status): \(run.output.prefix(200))")
        #expect(run.output.contains("OVERVIEW:") && !run.output.contains("Error:"), "\(run.output.prefix(200))")
    }

    @Test func anUnknownOptionIsAUsageError() async throws {
        let run = try await VigilProcess.run(["report", "--no-such-option"])
        #expect(run.status == 2 && run.standardError.contains("Usage: vigil report"), "\(run.standardError)")
    }
}
