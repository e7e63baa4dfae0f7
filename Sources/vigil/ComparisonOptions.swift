import ArgumentParser
import Foundation
import VigilCore
import VigilStats

/// The inputs and thresholds of a comparison: shared by `report` and `check`.
struct ComparisonOptions: ParsableArguments {
    @Option(help: "The reference: a dataset (CSV) or a profile written by `vigil profile`.")
    var reference: String

    @Option(help: "The current dataset (CSV) or profile.")
    var current: String

    @OptionGroup var dataset: DatasetOptions

    @Option(help: "A YAML file with these settings (columns, drift, quality); flags override it.")
    var config: String?

    @Option(help: "Drift method for numeric columns (default: automatic). See `vigil methods`.", transform: parseMethod)
    var numericMethod: DriftMethod?

    @Option(help: "Drift method for categorical columns (default: automatic).", transform: parseMethod)
    var categoricalMethod: DriftMethod?

    @Option(help: "Threshold for every drift test (default: the method's).")
    var threshold: Double?

    @Option(name: .customLong("column-method"), help: "Per-column method and optional threshold: column=method[:threshold]. Repeatable.")
    var columnMethods: [String] = []

    @Option(help: "Drift method for vector (embedding) columns: ratio (default), distance or cosine.", transform: parseEmbeddingMethod)
    var embeddingMethod: EmbeddingDriftMethod?

    @Option(help: "Threshold for embedding drift (default 0.2: share of drifted projections for ratio, distance otherwise).")
    var embeddingThreshold: Double?

    @Option(help: "Share of drifted columns at which the dataset counts as drifted (default 0.5).")
    var driftShare: Double?

    @Option(help: "Largest acceptable share of missing values per column (default 0.1).")
    var missingThreshold: Double?

    @Option(help: "Largest acceptable share of values outside the reference range per column (default 0.05).")
    var outOfRangeThreshold: Double?

    @Option(help: "Largest acceptable share of current rows that repeat an earlier row (default: reported, not judged).")
    var duplicateThreshold: Double?

    @Option(help: "Model quality: how far a classification metric may move from the reference's, relative (default 0.2, Evidently's).")
    var classificationTolerance: Double?

    @Option(help: "Model quality: how far a regression metric may move from the reference's, relative (default 0.1, Evidently's).")
    var regressionTolerance: Double?

    @Option(help: "Write the report as JSON (schema vigil.report.v1) to this file.")
    var json: String?

    @Option(help: "Write the report as a self-contained HTML page to this file.")
    var html: String?

    func validate() throws {
        for (name, value) in [("--drift-share", driftShare), ("--missing-threshold", missingThreshold), ("--out-of-range-threshold", outOfRangeThreshold), ("--duplicate-threshold", duplicateThreshold)] {
            guard let value else { continue }
            guard value >= 0 && value <= 1 else { throw ValidationError("\(name) must be between 0 and 1 (got \(value))") }
        }
        for (name, value) in [("--classification-tolerance", classificationTolerance), ("--regression-tolerance", regressionTolerance)] {
            guard let value else { continue }
            guard value >= 0 && value.isFinite else { throw ValidationError("\(name) must be a number ≥ 0 (got \(value))") }
        }
        if let embeddingThreshold, !(embeddingThreshold >= 0 && embeddingThreshold.isFinite) {
            throw ValidationError("--embedding-threshold must be a number ≥ 0 (got \(embeddingThreshold))")
        }
        _ = try columnOverrides()
    }

    /// The configuration file, when one was named.
    func loadConfiguration() throws -> ReportConfiguration? { try ReportConfigurationFile.load(config) }

    /// The `--column-method` flags as overrides.
    func columnOverrides() throws -> [String: DriftOptions.ColumnOverride] {
        var overrides = [String: DriftOptions.ColumnOverride]()
        for entry in columnMethods {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--column-method needs column=method[:threshold], got \"\(entry)\"") }
            let spec = parts[1].split(separator: ":", maxSplits: 1).map(String.init)
            let method = try parseMethod(spec[0])
            var threshold: Double?
            if spec.count == 2 {
                guard let value = Double(spec[1]) else { throw ValidationError("threshold \"\(spec[1])\" for column \(parts[0]) is not a number") }
                threshold = value
            }
            overrides[parts[0]] = DriftOptions.ColumnOverride(method: method, threshold: threshold)
        }
        return overrides
    }

    /// Loads both sides and builds the report.
    func buildReport() throws -> DatasetReport {
        let configuration = try loadConfiguration()
        var readOptions = try dataset.readOptions(configuration: configuration)
        let progress = ProgressBar.make(for: [reference, current], label: "reading")
        if let progress { readOptions.progress = { path, bytes in progress.update(path: path, bytesRead: bytes) } }
        defer { progress?.finish() }
        let (referenceProfile, currentProfile) = try DatasetLoader.load(reference, current, options: readOptions)
        // The file first, then the flags over it.
        var driftOptions = DriftOptions(ignoredColumns: readOptions.ignored)
        try configuration?.drift?.apply(to: &driftOptions)
        if let driftShare { driftOptions.datasetDriftShare = driftShare }
        if let numericMethod { driftOptions.numericMethod = numericMethod }
        if let categoricalMethod { driftOptions.categoricalMethod = categoricalMethod }
        if let threshold { driftOptions.threshold = threshold }
        if let embeddingMethod { driftOptions.embeddingMethod = embeddingMethod }
        if let embeddingThreshold { driftOptions.embeddingThreshold = embeddingThreshold }
        driftOptions.columns.merge(try columnOverrides()) { _, flag in flag }
        let defaults = DataQualityThresholds()
        let thresholds = DataQualityThresholds(
            missingRatio: missingThreshold ?? configuration?.quality?.missing ?? defaults.missingRatio,
            outOfRangeRatio: outOfRangeThreshold ?? configuration?.quality?.outOfRange ?? defaults.outOfRangeRatio,
            duplicateRowRatio: duplicateThreshold ?? configuration?.quality?.duplicates ?? defaults.duplicateRowRatio
        )
        let defaultTolerances = ModelQualityComparison.Tolerances()
        let tolerances = ModelQualityComparison.Tolerances(
            classification: classificationTolerance ?? configuration?.quality?.classificationTolerance ?? defaultTolerances.classification,
            regression: regressionTolerance ?? configuration?.quality?.regressionTolerance ?? defaultTolerances.regression
        )
        return DatasetReport.build(
            referenceName: reference, reference: referenceProfile, currentName: current, current: currentProfile,
            driftOptions: driftOptions, thresholds: thresholds, qualityTolerances: tolerances, positiveClass: readOptions.positiveClass
        )
    }
}
