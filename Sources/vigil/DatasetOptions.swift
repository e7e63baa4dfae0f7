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
        if let target = target ?? columns?.target { options.roles[target] = .target }
        if let prediction = prediction ?? columns?.prediction { options.roles[prediction] = .prediction }
        options.positiveClass = positiveClass ?? columns?.positiveClass
        options.scoreColumns = try Self.scoreColumns(scores.isEmpty ? columns?.scores ?? [] : scores)
        for column in options.scoreColumns { options.roles[column.column] = .score }
        return options
    }

    /// `--scores` entries: `class=column` or a column named after its class; a single bare column is a binary
    /// model's positive-class probability.
    static func scoreColumns(_ entries: [String]) throws -> [DatasetReadOptions.ScoreColumn] {
        let items = entries.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        let columns = try items.map { item -> DatasetReadOptions.ScoreColumn in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { return DatasetReadOptions.ScoreColumn(className: items.count == 1 ? nil : item, column: item) }
            guard !parts[0].isEmpty, !parts[1].isEmpty else { throw ValidationError("--scores: \"\(item)\" is not class=column") }
            return DatasetReadOptions.ScoreColumn(className: parts[0], column: parts[1])
        }
        if let repeated = Dictionary(grouping: columns.compactMap(\.className), by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw ValidationError("--scores names class \"\(repeated)\" twice")
        }
        return columns
    }

    init() {}

    private init(delimiter: String) {
        self.delimiter = delimiter
    }
}
