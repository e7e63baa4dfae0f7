import ArgumentParser
import Foundation
import VigilCore

/// How to read dataset files: shared by `profile`, `report` and `check`.
struct DatasetOptions: ParsableArguments {
    @Option(help: "Field delimiter: a single character, or 'tab'.")
    var delimiter = ","

    @Option(help: "Columns to treat as categorical (comma-separated).")
    var categorical: [String] = []

    @Option(help: "Columns to treat as numeric (comma-separated).")
    var numeric: [String] = []

    @Option(help: "Columns to leave out (comma-separated).")
    var ignore: [String] = []

    @Option(
        help:
            "The target (ground truth) column: tested and labelled as such. With --prediction, model quality is tested against the reference's, or, when the reference lacks both columns, against a dummy model."
    )
    var target: String?

    @Option(help: "The prediction column: tested and labelled as such.")
    var prediction: String?

    @Option(
        help:
            "With a probability in --prediction: the class it is the probability of (default: one named 1, true, yes or positive, else the rarer target class)."
    )
    var positiveClass: String?

    @Option(
        help: ArgumentHelp(
            "A classifier's score columns (comma-separated): one column, the positive class's probability, or one per class as class=column (or a column named after its class).",
            discussion:
                "With --target they give ROC AUC, log loss and calibration, and let the current's quality be estimated from the reference's (CBPE) even without its target; --prediction, if given, then names the predicted class."
        )
    )
    var scores: [String] = []

    @Option(help: "Row-id columns (comma-separated): reported, never tested.")
    var id: [String] = []

    @Option(help: "Timestamp columns (comma-separated): reported, never tested.")
    var timestamp: [String] = []

    func validate() throws {
        _ = try format()
    }

    func format() throws -> CSVFormat {
        if delimiter == "tab" || delimiter == "\\t" { return CSVFormat(delimiter: UInt8(ascii: "\t")) }
        guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, byte != UInt8(ascii: "\"") else {
            throw ValidationError("--delimiter must be one ASCII character other than a quote, or 'tab' (got \"\(delimiter)\")")
        }
        return CSVFormat(delimiter: byte)
    }

    /// The reading options: these flags, on top of the configuration file's `columns` section when given.
    func readOptions(configuration: ReportConfiguration? = nil) throws -> DatasetReadOptions {
        func names(_ values: [String]) -> Set<String> {
            Set(values.flatMap { $0.split(separator: ",").map { String($0) } })
        }
        let columns = configuration?.columns
        var format = try format()
        if delimiter == ",", let configured = configuration?.delimiter {
            format = try DatasetOptions(delimiter: configured).format()
        }
        var options = DatasetReadOptions(
            format: format,
            categorical: names(categorical).union(columns?.categorical ?? []),
            numeric: names(numeric).union(columns?.numeric ?? []),
            ignored: names(ignore).union(columns?.ignore ?? [])
        )
        for name in names(id).union(columns?.id ?? []) { options.roles[name] = .id }
        for name in names(timestamp).union(columns?.timestamp ?? []) { options.roles[name] = .timestamp }
        let scoreColumns: [DatasetReadOptions.ScoreColumn]
        do {
            scoreColumns = try DatasetReadOptions.ScoreColumn.parse(scores.isEmpty ? columns?.scores ?? [] : scores)
        } catch {
            throw ValidationError("--scores: \(error)")
        }
        options.nameModelColumns(
            target: target ?? columns?.target, prediction: prediction ?? columns?.prediction, scores: scoreColumns,
            positiveClass: positiveClass ?? columns?.positiveClass
        )
        return options
    }

    init() {}

    private init(delimiter: String) {
        self.delimiter = delimiter
    }
}
