import Foundation
public import VigilCore
import VigilStats

/// The report as plain text for a terminal or a CI log: a table of columns, then the dataset verdict.
public enum TerminalSummary {
    public static func render(_ report: DatasetReport) -> String {
        var lines = [String]()
        lines.append(
            "reference: \(report.referenceName) (\(rowCount(report.referenceRows, duplicates: report.referenceDuplicateRows)))   current: \(report.currentName) (\(rowCount(report.currentRows, duplicates: report.currentDuplicateRows)))"
        )
        lines.append("")
        let qualityByColumn = Dictionary(uniqueKeysWithValues: report.quality.map { ($0.column, $0) })
        var rows: [[String]] = [["column", "kind", "method", "score", "threshold", "drift", "data quality"]]
        for column in report.drift.columns {
            let result = column.result
            let quality = qualityByColumn[column.column]
            let qualityText =
                quality.map {
                    $0.failures.isEmpty
                        ? ($0.warnings.isEmpty ? "ok" : $0.warnings.joined(separator: "; ")) : "FAIL: " + $0.failures.joined(separator: "; ")
                } ?? ""
            rows.append([
                report.displayName(column.column), column.kind.rawValue, result.method.rawValue, format(result.score),
                (result.method.yieldsPValue ? "p < " : "≥ ") + format(result.threshold),
                result.drifted ? "DRIFT" : "ok", qualityText,
            ])
        }
        lines.append(contentsOf: table(rows))
        if !report.embeddingDrift.isEmpty {
            lines.append("")
            var embeddingRows: [[String]] = [["embedding", "vectors", "method", "score", "threshold", "drift", "similarity to reference centroid"]]
            for embedding in report.embeddingDrift {
                guard let result = embedding.result else {
                    embeddingRows.append([
                        embedding.column, "\(embedding.referenceVectors) → \(embedding.currentVectors)", "", "", "", "", embedding.problem ?? "",
                    ])
                    continue
                }
                let similarity = [result.currentSimilarityToReference, result.referenceSimilarityToReference].map { $0.map(format) ?? "–" }
                embeddingRows.append([
                    embedding.column, "\(embedding.referenceVectors) → \(embedding.currentVectors)", result.method.rawValue, format(result.score),
                    "> " + format(result.threshold), result.drifted ? "DRIFT" : "ok", "\(similarity[0]) (reference's own: \(similarity[1]))",
                ])
            }
            lines.append(contentsOf: table(embeddingRows))
        }
        let untested = report.referenceSchema.filter { $0.exclusion != nil }
        if !untested.isEmpty {
            lines.append("")
            lines.append("not tested: " + untested.map { "\($0.name) (\($0.exclusion!))" }.joined(separator: ", "))
        }
        if !report.drift.schemaIssues.isEmpty {
            lines.append("")
            lines.append("schema:")
            for issue in report.drift.schemaIssues { lines.append("  - \(issue)") }
        }
        if let quality = report.modelQuality { lines.append(contentsOf: [""] + modelQuality(quality)) }
        lines.append("")
        let drift = report.drift
        lines.append(
            "dataset drift: \(drift.driftedColumnCount) of \(drift.columns.count) columns drifted (\(percentText(drift.driftShare)); dataset drifts at \(percentText(drift.datasetDriftShareThreshold))) → \(drift.datasetDrifted ? "DRIFTED" : "not drifted")"
        )
        if report.passed {
            lines.append("check: PASSED")
        } else {
            lines.append("check: FAILED")
            for reason in report.failureReasons { lines.append("  - \(reason)") }
        }
        return lines.joined(separator: "\n")
    }

    /// The model quality section: the figures Evidently's preset shows, reference beside current, with each
    /// test's verdict; then the confusion matrix of a classifier with few classes.
    static func modelQuality(_ quality: ModelQualityComparison) -> [String] {
        let current = quality.current
        let task = current.task == .none ? "no target in current" : current.task.rawValue
        var lines = [
            "model quality (\(task)\(current.positiveClass.map { ", positive class \($0)" } ?? ""); \(current.labelled) labelled rows of current"
                + (quality.reference.map { ", \($0.labelled) of reference" } ?? "; no labelled reference: tested against a dummy model") + "):"
        ]
        var rows: [[String]] = [["metric", quality.baseline == .reference ? "reference" : "dummy", "current", "allowed", "test"]]
        let tests = Dictionary(quality.tests.map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })
        let shown = current.metrics.filter { figure in
            figure.value.isFinite
                && (figure.className == nil
                    ? (figure.average == nil || (figure.average == "macro" && current.positiveClass == nil))
                    : figure.className == current.positiveClass)
        }
        for figure in shown {
            let label = figure.className.map { "\(figure.name) (\($0))" } ?? figure.average.map { "\(figure.name) (\($0))" } ?? figure.name
            let reference = quality.reference?.metrics.first {
                $0.name == figure.name && $0.average == figure.average && $0.className == figure.className
            }
            let test = tests[label]
            let before = reference.map { format($0.value) } ?? test.map { format($0.baselineValue) } ?? "–"
            rows.append([label, before, format(figure.value), test.map { $0.allowed(format) } ?? "", test.map { $0.passed ? "ok" : "FAIL" } ?? ""])
        }
        if rows.count > 1 { lines += table(rows).map { "  " + $0 } } else { lines.append("  no labelled rows in the current file") }
        if let estimated = quality.estimated { lines += self.estimated(estimated, current: current) }
        let confusion = quality.currentConfusion
        if !confusion.isEmpty, confusion.count <= 10 {
            lines.append("  confusion matrix of current (rows: actual, columns: predicted):")
            lines += table([[""] + confusion.map(\.actual)] + confusion.map { [$0.actual] + $0.counts.map(String.init) }).map { "    " + $0 }
        }
        return lines
    }

    /// The CBPE estimate beside the realized figures: each with NannyML's band of ±3 sampling errors.
    static func estimated(_ estimated: ModelQualityComparison.Estimated, current: QualitySummary) -> [String] {
        guard let estimate = estimated.estimate else { return ["  estimated from scores (CBPE): none, \(estimated.unavailable ?? "no estimate")"] }
        let calibrated =
            estimated.calibrated.contains(true) ? "calibrated" : "scores used as they are (calibration would not lower the calibration error)"
        let about = estimated.classes.count == 2 ? ", positive class \(estimated.classes[1])" : ", macro over \(estimated.classes.count) classes"
        let lines = [
            "  estimated from scores (CBPE, fitted on \(estimated.fittedOn) labelled reference rows\(about); \(calibrated); \(estimate.rows) current rows):"
        ]
        var rows: [[String]] = [["metric", "estimated", "±3 sampling errors", "realized"]]
        for metric in CBPE.Metric.allCases {
            guard let figure = estimate.values[metric] else { continue }
            let realized = ModelQualityComparison.Estimated.realized(metric, in: current)
            rows.append([
                metric.rawValue, format(figure.value),
                "[\(format(figure.value - 3 * figure.samplingError)), \(format(figure.value + 3 * figure.samplingError))]",
                realized.map(format) ?? "–",
            ])
        }
        return lines + table(rows).map { "    " + $0 }
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        if value != 0 && abs(value) < 0.0001 { return String(format: "%.2e", value) }
        return String(format: "%.4f", value)
    }

    private static func percentText(_ value: Double) -> String { String(format: "%.1f %%", value * 100) }

    /// "1000 rows, 12 duplicate (1.2 %)", or just the rows when duplicates were not counted.
    static func rowCount(_ rows: Int, duplicates: Int?) -> String {
        guard let duplicates else { return "\(rows) rows" }
        return "\(rows) rows, \(duplicates) duplicate" + (rows > 0 && duplicates > 0 ? " (\(percentText(Double(duplicates) / Double(rows))))" : "")
    }

    /// Left-aligned columns separated by two spaces; widths counted in characters.
    static func table(_ rows: [[String]]) -> [String] {
        guard let first = rows.first else { return [] }
        var widths = [Int](repeating: 0, count: first.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }
    }
}
