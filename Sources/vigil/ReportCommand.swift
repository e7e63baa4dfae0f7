import ArgumentParser
import Foundation
import VigilCore
import VigilRender

/// `vigil report`: compare a current dataset with a reference and show drift and data quality.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compare a current dataset with a reference: drift and data quality, as a terminal summary and JSON."
    )

    @OptionGroup var comparison: ComparisonOptions

    func run() throws {
        let report = try comparison.buildReport()
        print(TerminalSummary.render(report))
        try writeJSON(report, to: comparison.json)
    }
}

/// Writes the JSON document when a path was given.
func writeJSON(_ report: DatasetReport, to path: String?) throws {
    guard let path else { return }
    let data = try ReportDocument(report, generator: "vigil \(VigilVersion.current)").encoded()
    do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
        throw DatasetError(file: path, "cannot be written: \(error.localizedDescription)")
    }
}
