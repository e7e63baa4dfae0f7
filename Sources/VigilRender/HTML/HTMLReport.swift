import Foundation
public import VigilCore
import VigilStats

/// The report as one self-contained HTML page: no external assets, inline SVG charts, a summary table that
/// sorts and filters, per-column charts, data quality, and schema notes.
public enum HTMLReport {
    public static func render(_ report: DatasetReport, generator: String) -> String {
        let e = HTMLEscaping.escape
        let drift = report.drift
        let quality = Dictionary(uniqueKeysWithValues: report.quality.map { ($0.column, $0) })
        let distributions = Dictionary(uniqueKeysWithValues: report.distributions.map { ($0.column, $0) })
        var html = [String]()
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        html.append("<title>Vigil report: \(e(report.currentName)) vs \(e(report.referenceName))</title><style>\(ReportAssets.css)</style></head><body>")
        html.append("<header><h1>Data drift and quality</h1><p class=\"sources\">reference <b>\(e(report.referenceName))</b> (\(TerminalSummary.rowCount(report.referenceRows, duplicates: report.referenceDuplicateRows))) · current <b>\(e(report.currentName))</b> (\(TerminalSummary.rowCount(report.currentRows, duplicates: report.currentDuplicateRows)))</p></header>")

        let verdictClass = report.passed ? "pass" : "fail"
        let embeddingDrifted = report.embeddingDrift.contains { $0.result?.drifted == true }
        // The banner names what failed: drift, or (without drift) data quality or model quality, never a red "No dataset drift".
        let heading: String
        if drift.datasetDrifted {
            heading = "Dataset drift detected"
        } else if embeddingDrifted {
            heading = "Embedding drift detected"
        } else if !report.passed {
            let qualityFailed = report.quality.contains { !$0.failures.isEmpty }
            heading = qualityFailed ? "Data-quality checks failed (no dataset drift)" : "Checks failed (no dataset drift)"
        } else {
            heading = "No dataset drift"
        }
        html.append("<section id=\"verdict\" class=\"verdict \(verdictClass)\"><h2>\(heading)</h2>")
        html.append("<p>\(drift.driftedColumnCount) of \(drift.columns.count) columns drifted (\(DistributionChart.percent(drift.driftShare))); the dataset drifts at \(DistributionChart.percent(drift.datasetDriftShareThreshold)).</p>")
        html.append("<p class=\"check\">check: <b>\(report.passed ? "PASSED" : "FAILED")</b></p>")
        if !report.passed { html.append("<ul>" + report.failureReasons.map { "<li>\(e($0))</li>" }.joined() + "</ul>") }
        html.append("</section>")
        if let modelQuality = report.modelQuality { html.append(modelQualitySection(modelQuality)) }

        html.append("<section><h2>Columns</h2><div class=\"controls\"><input id=\"filter\" type=\"search\" placeholder=\"Filter columns…\" aria-label=\"Filter columns\">")
        html.append("<label><input id=\"drifted-only\" type=\"checkbox\"> drifted only</label><label><input id=\"issues-only\" type=\"checkbox\"> quality issues only</label> <span id=\"shown\"></span></div>")
        html.append("<table id=\"columns\"><thead><tr><th data-sort=\"text\">column</th><th data-sort=\"text\">kind</th><th data-sort=\"text\">method</th><th data-sort=\"number\">score</th><th data-sort=\"number\">threshold</th><th data-sort=\"text\">drift</th><th data-sort=\"text\">data quality</th></tr></thead><tbody>")
        for (index, column) in drift.columns.enumerated() {
            let result = column.result
            let columnQuality = quality[column.column]
            let hasIssues = !(columnQuality?.failures.isEmpty ?? true)
            let qualityText = columnQuality.map { $0.failures.isEmpty ? ($0.warnings.isEmpty ? "ok" : $0.warnings.joined(separator: "; ")) : $0.failures.joined(separator: "; ") } ?? ""
            let comparison = result.method == .kolmogorovSmirnov ? "p ≤ " : result.method.yieldsPValue ? "p < " : "≥ "
            html.append("<tr data-drifted=\"\(result.drifted)\" data-issues=\"\(hasIssues)\"><td><a href=\"#column-\(index)\">\(e(report.displayName(column.column)))</a></td><td>\(column.kind.rawValue)</td><td>\(result.method.rawValue)</td>")
            html.append("<td data-value=\"\(result.score)\">\(score(result.score))</td><td data-value=\"\(result.threshold)\">\(comparison)\(score(result.threshold))</td>")
            html.append("<td class=\"\(result.drifted ? "bad" : "good")\">\(result.drifted ? "drift" : "ok")</td><td class=\"\(hasIssues ? "bad" : "")\">\(e(qualityText))</td></tr>")
        }
        html.append("</tbody></table></section>")

        html.append("<section><h2>Distributions</h2><div class=\"cards\">")
        for (index, column) in drift.columns.enumerated() {
            let result = column.result
            html.append("<article class=\"card\" id=\"column-\(index)\"><h3>\(e(report.displayName(column.column))) <span class=\"badge \(result.drifted ? "bad" : "good")\">\(result.drifted ? "drift" : "no drift")</span></h3>")
            html.append("<p class=\"detail\">\(result.method.rawValue) \(result.method.yieldsPValue ? "p-value" : "score") \(score(result.score)), threshold \(score(result.threshold))\(result.statisticErrorBound > 0 ? ", statistic ± \(score(result.statisticErrorBound)) (from sketches)" : "")</p>")
            if let distribution = distributions[column.column] { html.append(DistributionChart.svg(distribution)) }
            html.append("</article>")
        }
        html.append("</div></section>")

        if !report.embeddingDrift.isEmpty {
            html.append("<section><h2>Embeddings</h2><div class=\"cards\">")
            for embedding in report.embeddingDrift {
                guard let result = embedding.result else {
                    html.append("<article class=\"card\"><h3>\(e(embedding.column)) <span class=\"badge bad\">not compared</span></h3><p class=\"detail\">\(e(embedding.problem ?? ""))</p></article>")
                    continue
                }
                let similarity = [result.currentSimilarityToReference, result.referenceSimilarityToReference].map { $0.map(score) ?? "—" }
                html.append("<article class=\"card\"><h3>\(e(embedding.column)) <span class=\"badge \(result.drifted ? "bad" : "good")\">\(result.drifted ? "drift" : "no drift")</span></h3>")
                html.append("<p class=\"detail\">\(result.method.rawValue) \(score(result.score)), drift above \(score(result.threshold)) · \(embedding.referenceVectors) → \(embedding.currentVectors) vectors · centroid distance \(score(result.centroidDistance)) · similarity to the reference centroid \(similarity[0]) (reference's own \(similarity[1]))\(result.componentErrorBound > 0 ? " · scores ± \(score(result.componentErrorBound)) at worst (from sketches)" : "")</p>")
                html.append(EmbeddingChart.svg(column: embedding.column, result))
                html.append("</article>")
            }
            html.append("</div></section>")
        }

        html.append("<section><h2>Data quality</h2><table id=\"quality\"><thead><tr><th>column</th><th>missing (ref → cur)</th><th>invalid</th><th>out of range</th><th>new categories</th><th>distinct</th><th>verdict</th></tr></thead><tbody>")
        for column in report.quality {
            let range = column.outOfRangeRatio.map { DistributionChart.percent($0) + (column.outOfRangeErrorBound > 0 ? " ± \(DistributionChart.percent(column.outOfRangeErrorBound))" : "") } ?? "—"
            let fresh = column.newCategoryRatio.map { "\(DistributionChart.percent($0))" + (column.newCategories.isEmpty ? "" : ": " + column.newCategories.prefix(5).joined(separator: ", ")) } ?? "—"
            let verdict = column.failures.isEmpty ? (column.warnings.isEmpty ? "ok" : column.warnings.joined(separator: "; ")) : column.failures.joined(separator: "; ")
            html.append("<tr><td>\(e(column.column))</td><td>\(DistributionChart.percent(column.referenceMissingRatio)) → \(DistributionChart.percent(column.missingRatio))</td><td>\(DistributionChart.percent(column.invalidRatio))</td><td>\(range)</td><td>\(e(fresh))</td><td>\(DistributionChart.number(column.distinctCount.rounded()))</td><td class=\"\(column.failures.isEmpty ? "" : "bad")\">\(e(verdict))</td></tr>")
        }
        html.append("</tbody></table>")
        let t = report.thresholds
        html.append("<p class=\"note\">Thresholds: missing \(DistributionChart.percent(t.missingRatio)), out of range \(DistributionChart.percent(t.outOfRangeRatio)), new categories \(DistributionChart.percent(t.newCategoryRatio)), invalid \(DistributionChart.percent(t.invalidRatio)), duplicate rows \(t.duplicateRowRatio.map(DistributionChart.percent) ?? "not judged").</p></section>")

        let untested = report.referenceSchema.filter { $0.exclusion != nil }
        if !untested.isEmpty || !drift.schemaIssues.isEmpty {
            html.append("<section><h2>Schema</h2><ul>")
            for column in untested { html.append("<li>\(e(column.name)): \(e(column.exclusion!))</li>") }
            for issue in drift.schemaIssues { html.append("<li>\(e(issue.description))</li>") }
            html.append("</ul></section>")
        }
        html.append("<footer>Generated by \(e(generator)). Methods and bounds: docs/STATISTICS.md.</footer>")
        html.append("<script>\(ReportAssets.script)</script></body></html>")
        return html.joined(separator: "\n")
    }

    private static func score(_ value: Double) -> String { TerminalSummary.format(value) }
}
