/// Operational Overview: traffic, errors and latency of the chosen versions, and Vigil's own ingestion health.
extension GrafanaDashboards {
    /// `vigil-operational`, on the `model` and `version` variables.
    static func operational(settings: ExportSettings) -> GrafanaDashboard {
        let requests = "ml_prediction_requests_total"
        let latency = "ml_prediction_latency_seconds"
        let failed = versions(#"status="error""#)
        let job = vigilJob(settings)
        let firing = model(#"alertstate="firing""#)
        var layout = GrafanaGridLayout()

        layout.row("Now")
        layout.add(.stat(
            "Requests per second", "Predictions received per second by the selected versions.",
            unit: "reqps", target: .series("sum(\(rate(requests + versions())))", legend: "requests")
        ), width: 6, height: 4)
        layout.add(.stat(
            "Error ratio", "Share of the selected versions' predictions that failed; yellow from 1 %, red from 5 %.",
            unit: "percentunit", thresholds: [.base("green"), .at(0.01, "yellow"), .at(0.05, "red")],
            target: .series("sum(\(rate(requests + failed))) / sum(\(rate(requests + versions())))", legend: "error ratio")
        ), width: 6, height: 4)
        layout.add(.stat(
            "p99 latency", "The latency under which 99 % of the selected versions' predictions were served.",
            unit: "s", target: .series(quantile("0.99", latency + "_bucket" + versions()), legend: "p99")
        ), width: 6, height: 4)
        layout.add(.stat(
            "Firing alerts", "Alerts about this model firing now in Prometheus, whichever rule raised them.",
            unit: "none", thresholds: [.base("green"), .at(1, "red")],
            target: .series("count(ALERTS\(firing)) or vector(0)", legend: "firing")
        ), width: 6, height: 4)

        layout.row("Traffic and errors")
        layout.add(.timeseries(
            "Requests per second by version", "Predictions received per second, one line per model version.",
            unit: "reqps", min: 0,
            targets: [.series("sum by (model_version) (\(rate(requests + versions())))", legend: "{{model_version}}")]
        ), width: 12)
        layout.add(.timeseries(
            "Error ratio by version", "Share of each version's predictions that failed.",
            unit: "percentunit", min: 0,
            targets: [.series(
                "sum by (model_version) (\(rate(requests + failed))) / sum by (model_version) (\(rate(requests + versions())))",
                legend: "{{model_version}}"
            )]
        ), width: 12)
        layout.add(.timeseries(
            "Errors per second by type", "Failed predictions per second of the selected versions, stacked by the error type the model service reported.",
            unit: "reqps", min: 0, stacked: true,
            targets: [.series("sum by (error_type) (\(rate("ml_prediction_errors_total" + versions())))", legend: "{{error_type}}")]
        ), width: 12)
        layout.add(.timeseries(
            "Requests per second by status", "Predictions received per second by the selected versions, split into successful (ok) and failed (error).",
            unit: "reqps", min: 0, stacked: true,
            targets: [.series("sum by (status) (\(rate(requests + versions())))", legend: "{{status}}")]
        ), width: 12)

        layout.row("Latency")
        layout.add(.timeseries(
            "Latency percentiles by version", "The latency under which half (p50), 95 % (p95) and 99 % (p99) of each version's predictions were served.",
            unit: "s", min: 0,
            targets: [("p50", "0.5"), ("p95", "0.95"), ("p99", "0.99")].map { name, q in
                GrafanaPanel.Target.series(quantile(q, latency + "_bucket" + versions(), by: "model_version"), legend: "\(name) {{model_version}}")
            }
        ), width: 12)
        layout.add(.timeseries(
            "Mean latency by version", "The average latency of each version's predictions.",
            unit: "s", min: 0,
            targets: [.series(
                "sum by (model_version) (\(rate(latency + "_sum" + versions()))) / sum by (model_version) (\(rate(latency + "_count" + versions())))",
                legend: "{{model_version}}"
            )]
        ), width: 12)

        // Vigil's own series carry no model label: these panels show the server, whichever model is chosen.
        layout.row("Vigil ingestion health")
        layout.add(.timeseries(
            "Events ingested per second", "Predictions and labels Vigil committed to its store per second, by kind.",
            unit: "cps", min: 0,
            targets: [.series("sum by (kind) (\(rate("vigil_ingested_events_total" + job)))", legend: "{{kind}}")]
        ), width: 8)
        layout.add(.timeseries(
            "Rows rejected per second", "Rows Vigil refused per second, by reason (validation, limits).",
            unit: "cps", min: 0,
            targets: [.series("sum by (reason) (\(rate("vigil_rejected_rows_total" + job)))", legend: "{{reason}}")]
        ), width: 8)
        layout.add(.timeseries(
            "Rows waiting to be committed", "Rows queued for Vigil's next group commit; a growing queue means the store cannot keep up.",
            unit: "short", min: 0,
            targets: [.series("max(vigil_ingest_queue_rows\(job))", legend: "queued rows")]
        ), width: 8)
        layout.add(.timeseries(
            "Group commit duration", "How long Vigil's group commits to the store took: the median (p50) and the slowest 1 % (p99).",
            unit: "s", min: 0,
            targets: [("p50", "0.5"), ("p99", "0.99")].map { name, q in
                GrafanaPanel.Target.series(quantile(q, "vigil_commit_duration_seconds_bucket" + job), legend: name)
            }
        ), width: 8)
        layout.add(.timeseries(
            "Seconds since the last flush", "Time since Vigil last flushed its live profiles to the store.",
            unit: "s", min: 0,
            targets: [.series("max(vigil_flush_lag_seconds\(job))", legend: "flush lag")]
        ), width: 8)
        layout.add(.timeseries(
            "Store size and memory", "Size of Vigil's store on disk and the resident memory of the Vigil process.",
            unit: "bytes", min: 0,
            targets: [
                .series("max(vigil_store_size_bytes\(job))", legend: "store on disk"),
                .series("max(process_resident_memory_bytes\(job))", legend: "resident memory"),
            ]
        ), width: 8)

        return dashboard(
            slug: "operational", title: "Operational Overview",
            description: "Traffic, errors and latency of a model's versions from Vigil's ingestion counters, and the health of Vigil's ingestion.",
            variables: [modelVariable, versionVariable], layout: layout, settings: settings
        )
    }
}
