/// Model Comparison: a baseline version against a candidate (a canary, a shadow or an A/B arm), each panel
/// one series per version, and a table of their latest values.
extension GrafanaDashboards {
    /// `vigil-comparison`, on the `model`, `baseline` and `candidate` variables.
    static func comparison(settings: ExportSettings) -> GrafanaDashboard {
        let requests = "ml_prediction_requests_total"
        let latencyBuckets = "ml_prediction_latency_seconds_bucket"
        let monitor = windowLabel(milliseconds: settings.monitorWindow)
        let inMonitorWindow = "window=\"\(monitor)\""
        let accuracy = #"metric="accuracy""#
        let f1 = #"metric="f1_macro""#
        let failed = #"status="error""#
        let mean = #"statistic="mean""#
        var layout = GrafanaGridLayout()

        layout.row("Traffic")
        layout.add(.timeseries(
            "Share of requests", "Share of the model's predictions each version received.",
            unit: "percentunit", min: 0, max: 1,
            targets: eachVersion { version in
                "sum by (model_version) (\(rate(requests + model(version)))) / ignoring (model_version) group_left sum(\(rate(requests + model())))"
            }
        ), width: 12)
        layout.add(.timeseries(
            "Error ratio", "Share of each version's predictions that failed.",
            unit: "percentunit", min: 0,
            targets: eachVersion { version in
                "sum by (model_version) (\(rate(requests + model(version, failed)))) / sum by (model_version) (\(rate(requests + model(version))))"
            }
        ), width: 12)

        layout.row("Latency")
        for (name, q) in [("p95", "0.95"), ("p99", "0.99")] {
            layout.add(.timeseries(
                "\(name) latency", "The latency under which \(q.dropFirst(2)) % of each version's predictions were served.",
                unit: "s", min: 0,
                targets: eachVersion { version in quantile(q, latencyBuckets + model(version), by: "model_version") }
            ), width: 12)
        }

        layout.row("Quality from labels (last \(monitor))")
        layout.add(.timeseries(
            "Accuracy", "Each version's accuracy from the labels received for its predictions.",
            unit: "percentunit", min: 0, max: 1,
            targets: eachVersion { version in "max by (model_version) (ml_model_quality\(model(version, inMonitorWindow, accuracy)))" }
        ), width: 12)
        layout.add(.timeseries(
            "Macro F1", "Each version's F1 averaged over the classes, from the labels received for its predictions.",
            unit: "percentunit", min: 0, max: 1,
            targets: eachVersion { version in "max by (model_version) (ml_model_quality\(model(version, inMonitorWindow, f1)))" }
        ), width: 12)

        layout.row("Drift and business (last \(monitor))")
        layout.add(.timeseries(
            "Share of drifted features", "Share of each version's features whose drift test against the reference fired.",
            unit: "percentunit", min: 0, max: 1,
            targets: eachVersion { version in "max by (model_version) (ml_dataset_drift_share\(model(version)))" }
        ), width: 12)
        layout.add(.timeseries(
            "Business metric mean", "The average of each business metric over the window, per version.",
            unit: "short",
            targets: eachVersion(legend: "{{metric}} ({{source}})") { version in
                "max by (metric, source, model_version) (ml_business_metric\(model(version, inMonitorWindow, mean)))"
            }
        ), width: 12)

        layout.row("Latest values")
        // Each query answers for both versions, so that `merge` joins the queries into one row per version.
        let columns: [(title: String, unit: String, expr: String)] = [
            ("Requests per second", "reqps", eitherVersion { version in "sum by (model_version) (\(rate(requests + model(version))))" }),
            ("Error ratio", "percentunit", eitherVersion { version in
                "sum by (model_version) (\(rate(requests + model(version, failed)))) / sum by (model_version) (\(rate(requests + model(version))))"
            }),
            ("p95 latency", "s", eitherVersion { version in quantile("0.95", latencyBuckets + model(version), by: "model_version") }),
            ("Accuracy", "percentunit", eitherVersion { version in "max by (model_version) (ml_model_quality\(model(version, inMonitorWindow, accuracy)))" }),
            ("Macro F1", "percentunit", eitherVersion { version in "max by (model_version) (ml_model_quality\(model(version, inMonitorWindow, f1)))" }),
            ("Share of drifted features", "percentunit", eitherVersion { version in "max by (model_version) (ml_dataset_drift_share\(model(version)))" }),
        ]
        // Grafana names the queries' value columns `Value #A`, `Value #B`… after their letters.
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var rename = ["model_version": "Version"]
        var order = ["model_version": 0]
        for (index, column) in columns.enumerated() {
            rename["Value #\(letters[index])"] = column.title
            order["Value #\(letters[index])"] = index + 1
        }
        layout.add(.table(
            "Baseline and candidate now", "The latest traffic, errors, latency, quality and drift of the two versions, one row each.",
            unit: "short",
            targets: columns.map { column in GrafanaPanel.Target.latest(column.expr) },
            transformations: [
                GrafanaPanel.Transformation(id: "merge"),
                GrafanaPanel.Transformation(
                    id: "organize",
                    options: GrafanaPanel.TransformationOptions(excludeByName: ["Time": true], renameByName: rename, indexByName: order)
                ),
            ],
            overrides: columns.map { column in GrafanaFieldConfig.Override.unit(column.unit, field: column.title) }
        ), width: 24)

        return dashboard(
            slug: "comparison", title: "Model Comparison",
            description: "A baseline version against a candidate: traffic share, errors, latency, quality from labels, drift and business metrics.",
            variables: [modelVariable, baselineVariable, candidateVariable], layout: layout, settings: settings
        )
    }

    /// The version compared against.
    private static let baselineVariable = GrafanaDashboard.Variable.labelValues(
        name: "baseline", label: "Baseline", description: "The version to compare against, usually the one in production.",
        query: #"label_values(ml_prediction_requests_total{model_name="$model"}, model_version)"#
    )

    /// The version under test; sorted in reverse so that, until someone picks, it is the last-named version
    /// and the baseline the first, rather than both the same.
    private static let candidateVariable = GrafanaDashboard.Variable.labelValues(
        name: "candidate", label: "Candidate", description: "The version under test: a canary, a shadow or an A/B arm.",
        query: #"label_values(ml_prediction_requests_total{model_name="$model"}, model_version)"#, sort: 2
    )

    /// Matchers of the baseline and of the candidate version. Exact matches, not `=~`: a version such as
    /// `1.2.0+build` would be a regular expression that fails to match itself.
    private static let baseline = #"model_version="$baseline""#
    private static let candidate = #"model_version="$candidate""#

    /// One target for the baseline and one for the candidate, `expr` given each version's matcher.
    private static func eachVersion(legend: String = "{{model_version}}", _ expr: (String) -> String) -> [GrafanaPanel.Target] {
        var targets: [GrafanaPanel.Target] = []
        for (role, matcher) in [("baseline", baseline), ("candidate", candidate)] {
            targets.append(.series(expr(matcher), legend: "\(role) \(legend)"))
        }
        return targets
    }

    /// `(expr for the baseline) or (expr for the candidate)`: one query whose result has both versions.
    private static func eitherVersion(_ expr: (String) -> String) -> String {
        "(\(expr(baseline))) or (\(expr(candidate)))"
    }
}
