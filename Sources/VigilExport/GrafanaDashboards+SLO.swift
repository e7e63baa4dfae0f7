/// SLOs: for one SLO of the model, its objective, the error budget left, how fast each window burns it, and
/// the burn-rate alerts that fired; then every SLO of the model in a table.
///
/// The SLO gauges are Vigil's own computation over each SLO's fixed windows (`window="5m"`…`"30d"`), so these
/// panels read gauges and take no `rate` over the dashboard's interval.
extension GrafanaDashboards {
    /// `vigil-slos`, on the `model` and `slo` variables.
    static func slos(settings: ExportSettings) -> GrafanaDashboard {
        let slo = model(#"slo="$slo""#)
        let burnAlerts = model(#"alertname="SLOErrorBudgetBurn""#, #"alertstate="firing""#, #"slo="$slo""#)
        // Red once the budget is spent, yellow in its last quarter.
        let budgetSteps: [GrafanaFieldConfig.Step] = [.base("red"), .at(0, "yellow"), .at(0.25, "green")]
        var layout = GrafanaGridLayout()

        layout.row("Now")
        layout.add(.stat(
            "Objective", "The share of the model's predictions that must be good over the SLO's period.",
            unit: "percentunit", target: .series("max(ml_slo_objective_ratio\(slo))", legend: "objective")
        ), width: 8, height: 5)
        layout.add(.stat(
            "Error budget remaining", "Share of the period's error budget left: 100 % at the start of a period, below 0 once overspent.",
            unit: "percentunit", thresholds: budgetSteps, target: .series("max(ml_slo_error_budget_remaining\(slo))", legend: "remaining")
        ), width: 8, height: 5)
        layout.add(.stat(
            "Burn-rate alerts firing", "How many of the SLO's burn-rate alerts (SLOErrorBudgetBurn, one per tier) fire now.",
            unit: "none", thresholds: [.base("green"), .at(1, "red")],
            target: .series("count(ALERTS\(burnAlerts)) or vector(0)", legend: "firing")
        ), width: 8, height: 5)

        layout.row("Error budget")
        layout.add(.timeseries(
            "Error budget remaining over time", "Share of the period's error budget left; the lines mark 25 % left and the budget spent.",
            unit: "percentunit", thresholds: budgetSteps, thresholdsStyle: "line",
            targets: [.series("max(ml_slo_error_budget_remaining\(slo))", legend: "remaining")]
        ), width: 12)
        layout.add(.timeseries(
            "Burn rate by window", "How fast each window burns the error budget: 1 spends it exactly over the period. The lines mark the default alert tiers' factors 1, 6 and 14.4.",
            unit: "none", min: 0, thresholds: [.base("green"), .at(1, "yellow"), .at(6, "orange"), .at(14.4, "red")], thresholdsStyle: "dashed",
            legend: .table,
            targets: [.series("max by (window) (ml_slo_burn_rate\(slo))", legend: "{{window}}")]
        ), width: 12)
        layout.add(.stateTimeline(
            "Burn-rate alerts by tier", "When each tier's burn-rate alert fired: both of its windows burned the budget faster than the tier's factor.",
            mappings: [.values([(value: "1", text: "firing", color: "red")])], thresholds: [.base("green"), .at(1, "red")],
            targets: [.series("max by (tier, severity) (ALERTS\(burnAlerts))", legend: "{{tier}} ({{severity}})")]
        ), width: 12)
        layout.add(.table(
            "Every SLO of this model", "The objective and the error budget left of each of the model's SLOs.",
            unit: "percentunit",
            targets: [
                .latest("max by (slo) (ml_slo_objective_ratio\(model()))"),
                .latest("max by (slo) (ml_slo_error_budget_remaining\(model()))"),
            ],
            transformations: [
                GrafanaPanel.Transformation(id: "merge"),
                GrafanaPanel.Transformation(
                    id: "organize",
                    options: GrafanaPanel.TransformationOptions(
                        excludeByName: ["Time": true], renameByName: ["slo": "SLO", "Value #A": "Objective", "Value #B": "Error budget remaining"],
                        indexByName: ["slo": 0, "Value #A": 1, "Value #B": 2]
                    )
                ),
            ]
        ), width: 12)

        return dashboard(
            slug: "slos", title: "SLOs",
            description: "Service-level objectives of a model: objective, error budget remaining, burn rates per window and the burn-rate alerts.",
            variables: [modelVariable, sloVariable], layout: layout, settings: settings
        )
    }

    /// One SLO of the model at a time.
    private static let sloVariable = GrafanaDashboard.Variable.labelValues(
        name: "slo", label: "SLO", description: "The service-level objective the panels show.",
        query: #"label_values(ml_slo_objective_ratio{model_name="$model"}, slo)"#
    )
}
