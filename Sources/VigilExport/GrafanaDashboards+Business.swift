/// Business Impact: the business and proxy metrics sent with predictions and labels, how many labels have
/// come and how late, and model quality beside the business metrics.
extension GrafanaDashboards {
    /// `vigil-business`, on the `model` and `version` variables; the gauges' windows follow `settings`.
    static func business(settings: ExportSettings) -> GrafanaDashboard {
        let monitor = windowLabel(milliseconds: settings.monitorWindow)
        let long = windowLabel(milliseconds: settings.qualityWindow)
        let inMonitorWindow = "window=\"\(monitor)\""
        let inQualityWindow = "window=\"\(long)\""
        let accuracyAndF1 = versions(inQualityWindow, #"metric=~"accuracy|f1_macro""#)
        let longMean = versions(inQualityWindow, #"statistic="mean""#)
        var layout = GrafanaGridLayout()

        layout.row("Business metrics over the last \(monitor)")
        for (statistic, title, description) in [
            ("mean", "Business metric mean by version", "The average of each business metric over the window, per version, from predictions (source prediction) or labels (source label)."),
            ("sum", "Business metric total by version", "The sum of each business metric over the window, per version (revenue, cost, clicks…)."),
            ("count", "Events carrying each business metric", "How many predictions or labels in the window carried each business metric, per version."),
        ] {
            let selected = versions(inMonitorWindow, "statistic=\"\(statistic)\"")
            layout.add(.timeseries(
                title, description, unit: "short",
                targets: [.series(
                    "max by (metric, source, model_version) (ml_business_metric\(selected))",
                    legend: "{{metric}} ({{source}}) {{model_version}}"
                )]
            ), width: 8)
        }

        layout.row("Labels")
        layout.add(.timeseries(
            "Label coverage (last \(monitor))", "Share of each version's successful predictions that have received a label.",
            unit: "percentunit", min: 0, max: 1,
            targets: [.series("max by (model_version) (ml_label_coverage_ratio\(versions(inMonitorWindow)))", legend: "{{model_version}}")]
        ), width: 8)
        layout.add(.timeseries(
            "Labelled predictions (last \(monitor))", "How many of each version's predictions in the window have a label.",
            unit: "short", min: 0,
            targets: [.series("max by (model_version) (ml_labelled_predictions\(versions(inMonitorWindow)))", legend: "{{model_version}}")]
        ), width: 8)
        layout.add(.timeseries(
            "Label delay", "Time from a prediction to its first label: half of the labels came sooner than p50, nine in ten sooner than p90.",
            unit: "s", min: 0,
            targets: [("p50", "0.5"), ("p90", "0.9")].map { name, q in
                GrafanaPanel.Target.series(quantile(q, "ml_label_delay_seconds_bucket" + model()), legend: name)
            }
        ), width: 8)

        layout.row("Quality and business side by side (last \(long))")
        layout.add(.timeseries(
            "Accuracy and macro F1 (last \(long))", "Accuracy and macro-averaged F1 of each version from labels over the quality window.",
            unit: "percentunit", min: 0, max: 1,
            targets: [.series(
                "max by (metric, model_version) (ml_model_quality\(accuracyAndF1))",
                legend: "{{metric}} {{model_version}}"
            )]
        ), width: 12)
        layout.add(.timeseries(
            "Business metric mean (last \(long))", "The average of each business metric over the quality window, per version, to set against the model's quality.",
            unit: "short",
            targets: [.series(
                "max by (metric, source, model_version) (ml_business_metric\(longMean))",
                legend: "{{metric}} ({{source}}) {{model_version}}"
            )]
        ), width: 12)

        return dashboard(
            slug: "business", title: "Business Impact",
            description: "Business and proxy metrics per version, label coverage and delay, and model quality beside the business metrics.",
            variables: [modelVariable, versionVariable], layout: layout, settings: settings
        )
    }
}
