import ArgumentParser
import VigilCore
import VigilRender

/// `vigil check`: the comparison as a CI gate. Exit 0 within thresholds, 1 when drift or data quality
/// crosses them, 2 for usage or input errors.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Gate a pipeline: exit 1 when drift, data-quality or model-quality thresholds are crossed, 0 otherwise."
    )

    @OptionGroup var comparison: ComparisonOptions

    func run() throws {
        let report = try comparison.buildReport()
        print(TerminalSummary.render(report))
        try writeOutputs(report, comparison)
        if !report.passed { throw ExitCode(1) }
    }
}
