/// The kinds of panel Vigil's dashboards use, each with the settings of its visualization; every one queries
/// the `$datasource` variable and has a unit.
extension GrafanaPanel {
    /// A graph of series over time.
    static func timeseries(
        _ title: String, _ description: String, unit: String, min: Double? = nil, max: Double? = nil,
        thresholds: [GrafanaFieldConfig.Step] = [.base("green")], thresholdsStyle: String = "off", stacked: Bool = false,
        legend: Legend = .list, targets: [Target]
    ) -> GrafanaPanel {
        let custom = GrafanaFieldConfig.Custom(
            drawStyle: "line", lineInterpolation: "linear", lineWidth: 1, fillOpacity: stacked ? 60 : 10, gradientMode: "none", showPoints: "never",
            spanNulls: false, axisPlacement: "auto", stacking: GrafanaFieldConfig.Stacking(mode: stacked ? "normal" : "none"),
            thresholdsStyle: GrafanaFieldConfig.ThresholdsStyle(mode: thresholdsStyle)
        )
        let defaults = GrafanaFieldConfig.Defaults(
            unit: unit, min: min, max: max, color: GrafanaFieldConfig.Color(mode: "palette-classic"),
            thresholds: GrafanaFieldConfig.Thresholds(steps: thresholds), custom: custom
        )
        let options = Options(legend: legend, tooltip: Tooltip(mode: "multi", sort: "desc"))
        return visualization("timeseries", title, description, targets: targets, fieldConfig: GrafanaFieldConfig(defaults: defaults), options: options)
    }

    /// One big number, the last value of its query, coloured by its thresholds, over a sparkline.
    static func stat(
        _ title: String, _ description: String, unit: String, thresholds: [GrafanaFieldConfig.Step] = [.base("green")], target: Target
    ) -> GrafanaPanel {
        let defaults = GrafanaFieldConfig.Defaults(
            unit: unit, color: GrafanaFieldConfig.Color(mode: "thresholds"), thresholds: GrafanaFieldConfig.Thresholds(steps: thresholds)
        )
        let options = Options(
            reduceOptions: ReduceOptions(), colorMode: "value", graphMode: "area", justifyMode: "auto", orientation: "auto", textMode: "auto"
        )
        return visualization("stat", title, description, targets: [target], fieldConfig: GrafanaFieldConfig(defaults: defaults), options: options)
    }

    /// A table of the latest values of its queries, reshaped by `transformations`; `overrides` give columns
    /// their own units.
    static func table(
        _ title: String, _ description: String, unit: String, targets: [Target], transformations: [Transformation],
        overrides: [GrafanaFieldConfig.Override] = []
    ) -> GrafanaPanel {
        let custom = GrafanaFieldConfig.Custom(align: "auto", cellOptions: GrafanaFieldConfig.CellOptions(type: "auto"), inspect: false)
        let defaults = GrafanaFieldConfig.Defaults(
            unit: unit, color: GrafanaFieldConfig.Color(mode: "thresholds"),
            thresholds: GrafanaFieldConfig.Thresholds(steps: [.base("green")]), custom: custom
        )
        var panel = visualization(
            "table", title, description, targets: targets, fieldConfig: GrafanaFieldConfig(defaults: defaults, overrides: overrides),
            options: Options(showHeader: true, cellHeight: "sm")
        )
        panel.transformations = transformations
        return panel
    }

    /// One band per series, coloured by state over time (a feature drifted or not, an alert firing or not).
    static func stateTimeline(
        _ title: String, _ description: String, unit: String = "none", mappings: [GrafanaFieldConfig.Mapping],
        thresholds: [GrafanaFieldConfig.Step], targets: [Target]
    ) -> GrafanaPanel {
        let custom = GrafanaFieldConfig.Custom(lineWidth: 0, fillOpacity: 70, spanNulls: false)
        let defaults = GrafanaFieldConfig.Defaults(
            unit: unit, color: GrafanaFieldConfig.Color(mode: "thresholds"), thresholds: GrafanaFieldConfig.Thresholds(steps: thresholds),
            mappings: mappings, custom: custom
        )
        let options = Options(
            legend: .list, tooltip: Tooltip(mode: "single", sort: "none"), mergeValues: true, showValue: "never", alignValue: "left", rowHeight: 0.9
        )
        return visualization("state-timeline", title, description, targets: targets, fieldConfig: GrafanaFieldConfig(defaults: defaults), options: options)
    }

    /// A full-width header that groups the panels after it; expanded, so its own panel list stays empty.
    static func row(_ title: String) -> GrafanaPanel {
        GrafanaPanel(type: "row", title: title, collapsed: false, panels: [])
    }

    /// A panel of `type` on the `$datasource` variable, its targets lettered `A`, `B`… in order.
    private static func visualization(
        _ type: String, _ title: String, _ description: String, targets: [Target], fieldConfig: GrafanaFieldConfig, options: Options
    ) -> GrafanaPanel {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        precondition(targets.count <= letters.count, "a panel has at most 26 queries")
        var lettered = targets
        for index in lettered.indices { lettered[index].refId = String(letters[index]) }
        return GrafanaPanel(
            type: type, title: title, description: description, datasource: .prometheus, targets: lettered, fieldConfig: fieldConfig, options: options
        )
    }
}
