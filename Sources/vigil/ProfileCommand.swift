import ArgumentParser
import VigilCore

/// `vigil profile data.csv -o ref.vprof`: a reusable reference profile, computed once.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Summarize a dataset into a reusable profile (use it later as --reference)."
    )

    @Argument(help: "The dataset: CSV, or NDJSON (.ndjson, .jsonl, .json); gzip-compressed when it ends in .gz.")
    var input: String

    @Option(name: .shortAndLong, help: "Where to write the profile (.vprof).")
    var output: String

    @OptionGroup var dataset: DatasetOptions

    @Option(help: "A YAML settings file (its columns section applies: types, roles, ignored columns).")
    var config: String?

    func run() throws {
        var options = try dataset.readOptions(configuration: try ReportConfigurationFile.load(config))
        let progress = ProgressBar.make(for: [input], label: "profiling")
        if let progress { options.progress = { path, bytes in progress.update(path: path, bytesRead: bytes) } }
        defer { progress?.finish() }
        let profile = try DatasetLoader.profileDataset(path: input, options: options)
        try DatasetLoader.write(profile, to: output)
        let excluded = profile.schema.filter { $0.exclusion != nil }.map(\.name)
        print("profiled \(profile.rowCount) rows, \(profile.columnNames.count) columns → \(output)" + (excluded.isEmpty ? "" : " (not profiled: \(excluded.joined(separator: ", ")))"))
    }
}
