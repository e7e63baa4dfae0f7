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
        try writeOutputs(report, comparison)
    }
}

/// Writes the JSON document and the HTML page when their paths were given.
func writeOutputs(_ report: DatasetReport, _ options: ComparisonOptions) throws {
    let generator = "vigil \(VigilVersion.current)"
    if let path = options.json { try write(try ReportDocument(report, generator: generator).encoded(), to: path) }
    if let path = options.html { try write(Data(HTMLReport.render(report, generator: generator).utf8), to: path) }
}

private func write(_ data: Data, to path: String) throws {
    do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
        throw DatasetError(file: path, "cannot be written: \(error.localizedDescription)")
    }
}
