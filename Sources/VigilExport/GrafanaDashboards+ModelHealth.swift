/// Model Health: what the model predicts and how sure it is, drift of its inputs, data quality, and model
/// quality from labels beside the label-free estimate.
extension GrafanaDashboards {
    /// `vigil-model-health`, on the `model` and `version` variables; the gauges' windows follow `settings`.
    static func modelHealth(settings: ExportSettings) -> GrafanaDashboard {
        let classes = "ml_prediction_class_total" + versions()
        let monitor = windowLabel(milliseconds: settings.monitorWindow)
        let long = windowLabel(milliseconds: settings.qualityWindow)
        let inMonitorWindow = "window=\"\(monitor)\""
        let inQualityWindow = "window=\"\(long)\""
        let classification = #"metric=~"accuracy|f1_macro|precision_macro|recall_macro|roc_auc|roc_auc_macro""#
        let regression = #"metric=~"mae|rmse""#
        var layout = GrafanaGridLayout()

        layout.row("Predictions")
        layout.add(.timeseries(
            "Share of predictions by class", "Share of the selected versions' predictions that went to each predicted class, stacked to 100 %.",
            unit: "percentunit", min: 0, max: 1, stacked: true,
            targets: [.series(
                "sum by (predicted_class) (\(rate(classes))) / ignoring (predicted_class) group_left sum(\(rate(classes)))",
                legend: "{{predicted_class}}"
            )]
        ), width: 12)
        layout.add(.timeseries(
            "Confidence of the predicted class", "The score of the predicted class: a quarter of predictions score below p25, half below p50. A falling p25 means more unsure predictions.",
            unit: "percentunit", min: 0, max: 1,
            targets: [("p25", "0.25"), ("p50", "0.5")].map { name, q in
                GrafanaPanel.Target.series(
                    quantile(q, "ml_prediction_confidence_bucket" + versions(), by: "model_version"), legend: "\(name) {{model_version}}"
                )
            }
        ), width: 12)

        layout.row("Drift over the last \(monitor)")
        layout.add(.timeseries(
            "Share of drifted features", "Share of the features whose drift test fired against the reference; the line marks where the whole dataset counts as drifted.",
            unit: "percentunit", min: 0, max: 1, thresholds: [.base("green"), .at(settings.datasetDriftShare, "red")], thresholdsStyle: "line",
            targets: [.series("max by (model_version) (ml_dataset_drift_share\(versions()))", legend: "{{model_version}}")]
        ), width: 12)
        layout.add(.stateTimeline(
            "Drift detected per feature", "For each feature, whether its drift test against the reference fired (red) or not (green).",
            mappings: [.values([(value: "0", text: "stable", color: "green"), (value: "1", text: "drifted", color: "red")])],
            thresholds: [.base("green"), .at(1, "red")],
            targets: [.series("max by (feature_name) (ml_feature_drift_detected\(versions()))", legend: "{{feature_name}}")]
        ), width: 12)
        layout.add(.timeseries(
            "Drift score per feature", "Each feature's drift score against the reference, with the test that computed it; scores of different tests are not comparable.",
            unit: "none", min: 0, legend: .table,
            targets: [.series("max by (feature_name, method) (ml_feature_drift_score\(versions()))", legend: "{{feature_name}} ({{method}})")]
        ), width: 12)
        layout.add(.timeseries(
            "Population stability index per feature", "Each feature's PSI against the reference; the lines mark the usual 0.1 (moderate shift) and 0.25 (major shift).",
            unit: "none", min: 0, thresholds: [.base("green"), .at(0.1, "yellow"), .at(0.25, "red")], thresholdsStyle: "line", legend: .table,
            targets: [.series("max by (feature_name) (ml_feature_psi\(versions()))", legend: "{{feature_name}}")]
        ), width: 12)

        layout.row("Data quality over the last \(monitor)")
        layout.add(.timeseries(
            "Failing values per feature and check", "Share of each feature's values that were missing, invalid, out of the reference range or a new category.",
            unit: "percentunit", min: 0, legend: .table,
            targets: [.series("max by (feature_name, check) (ml_data_quality_ratio\(versions()))", legend: "{{feature_name}} {{check}}")]
        ), width: 12)
        layout.add(.table(
            "Feature statistics", "The latest statistics of each feature over all versions: mean, standard deviation, minimum, maximum, share of nulls and percentiles.",
            unit: "short",
            targets: [.latest("max by (feature_name, statistic) (ml_feature_value\(model()))")],
            // One row per feature, one column per statistic.
            transformations: [
                GrafanaPanel.Transformation(
                    id: "groupingToMatrix",
                    options: GrafanaPanel.TransformationOptions(rowField: "feature_name", columnField: "statistic", valueField: "Value")
                ),
            ]
        ), width: 12)

        layout.row("Model quality")
        layout.add(.timeseries(
            "Classification quality from labels (last \(monitor))", "Accuracy, macro-averaged F1, precision and recall, and ROC AUC of each version, from the labels received for its predictions.",
            unit: "percentunit", min: 0, max: 1,
            targets: [.series(
                "max by (metric, model_version) (ml_model_quality\(versions(inMonitorWindow, classification)))",
                legend: "{{metric}} {{model_version}}"
            )]
        ), width: 12)
        layout.add(.timeseries(
            "Label coverage (last \(monitor))", "Share of each version's successful predictions that have received a label; quality figures rest on these.",
            unit: "percentunit", min: 0, max: 1,
            targets: [.series("max by (model_version) (ml_label_coverage_ratio\(versions(inMonitorWindow)))", legend: "{{model_version}}")]
        ), width: 12)
        layout.add(.timeseries(
            "Estimated and realized accuracy (last \(monitor))", "Accuracy from labels beside the accuracy estimated from the model's scores before labels arrive (CBPE); a gap means the estimate or the labels are off.",
            unit: "percentunit", min: 0, max: 1,
            targets: realizedAndEstimated(metric: #"metric="accuracy""#, estimated: #"metric=~"accuracy|accuracy_macro""#, window: monitor)
        ), width: 12)
        layout.add(.timeseries(
            "Estimated and realized ROC AUC (last \(monitor))", "ROC AUC from labels beside the ROC AUC estimated from the model's scores before labels arrive (CBPE).",
            unit: "percentunit", min: 0, max: 1,
            targets: realizedAndEstimated(metric: #"metric=~"roc_auc|roc_auc_macro""#, estimated: #"metric=~"roc_auc|roc_auc_macro""#, window: monitor)
        ), width: 12)
        layout.add(.timeseries(
            "Classification quality from labels (last \(long))", "The same figures over the longer quality window, which has more labels and moves more slowly.",
            unit: "percentunit", min: 0, max: 1,
            targets: [.series(
                "max by (metric, model_version) (ml_model_quality\(versions(inQualityWindow, classification)))",
                legend: "{{metric}} {{model_version}}"
            )]
        ), width: 12)
        layout.add(.timeseries(
            "Regression error from labels (last \(monitor))", "Mean absolute error and root mean squared error of each version's numeric predictions against their labels.",
            unit: "none", min: 0,
            targets: [.series(
                "max by (metric, model_version) (ml_model_quality\(versions(inMonitorWindow, regression)))",
                legend: "{{metric}} {{model_version}}"
            )]
        ), width: 12)

        return dashboard(
            slug: "model-health", title: "Model Health",
            description: "Predicted classes and confidence, feature drift against the reference, data quality, and model quality from labels beside its label-free estimate.",
            variables: [modelVariable, versionVariable], layout: layout, settings: settings
        )
    }

    /// A realized figure (`ml_model_quality`) and its label-free estimate (`ml_model_quality_estimated`),
    /// per version, over `window`; binary models name the estimate `accuracy`, others `accuracy_macro`.
    private static func realizedAndEstimated(metric: String, estimated: String, window: String) -> [GrafanaPanel.Target] {
        let windowMatcher = "window=\"\(window)\""
        return [
            .series("max by (model_version) (ml_model_quality\(versions(windowMatcher, metric)))", legend: "realized {{model_version}}"),
            .series("max by (model_version) (ml_model_quality_estimated\(versions(windowMatcher, estimated)))", legend: "estimated {{model_version}}"),
        ]
    }
}
