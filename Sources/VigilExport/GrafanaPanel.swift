/// One panel of a ``GrafanaDashboard``: a visualization with its Prometheus queries, or a row header.
///
/// Made by the factories in `GrafanaPanel+Kinds.swift` and placed by ``GrafanaGridLayout``, which sets `id`
/// and `gridPos`.
struct GrafanaPanel: Encodable, Sendable {
    var id = 0
    /// `timeseries`, `stat`, `table`, `state-timeline` or `row`.
    var type: String
    var title: String
    var description: String?
    var gridPos = GridPosition(x: 0, y: 0, w: 24, h: 8)
    var datasource: GrafanaDashboard.DatasourceReference?
    var targets: [Target]?
    var fieldConfig: GrafanaFieldConfig?
    var options: Options?
    var transformations: [Transformation]?
    /// Rows only: an expanded row, whose panels follow it in the dashboard's list.
    var collapsed: Bool?
    /// Rows only: the panels a collapsed row hides; always empty here, as Vigil's rows are expanded.
    var panels: [GrafanaPanel]?

    /// Where the panel sits on Grafana's grid: 24 columns, rows of 30 pixels.
    struct GridPosition: Encodable, Sendable, Equatable {
        var x: Int
        var y: Int
        var w: Int
        var h: Int
    }

    /// One PromQL query of the panel.
    struct Target: Encodable, Sendable {
        /// `A`, `B`…, set by the panel factories in the order of the targets.
        var refId = "A"
        var expr: String
        var legendFormat: String
        var datasource = GrafanaDashboard.DatasourceReference.prometheus
        var range: Bool
        var instant: Bool
        /// `time_series` or `table`.
        var format: String
        var editorMode = "code"

        /// A query over the dashboard's time range; `legend` names each series (`{{model_version}}`).
        static func series(_ expr: String, legend: String = "__auto") -> Target {
            Target(expr: expr, legendFormat: legend, range: true, instant: false, format: "time_series")
        }

        /// A query of the latest values only, as rows of a table: one column per label and a value column.
        static func latest(_ expr: String) -> Target {
            Target(expr: expr, legendFormat: "__auto", range: false, instant: true, format: "table")
        }
    }

    /// The visualization's options; only the fields of the panel's type are set.
    struct Options: Encodable, Sendable {
        var legend: Legend?
        var tooltip: Tooltip?
        var reduceOptions: ReduceOptions?
        var colorMode: String?
        var graphMode: String?
        var justifyMode: String?
        var orientation: String?
        var textMode: String?
        var showHeader: Bool?
        var cellHeight: String?
        var mergeValues: Bool?
        var showValue: String?
        var alignValue: String?
        var rowHeight: Double?
    }

    /// The legend of a graph.
    struct Legend: Encodable, Sendable {
        var displayMode: String
        var placement: String
        var showLegend = true
        var calcs: [String] = []

        /// Series names under the graph.
        static let list = Legend(displayMode: "list", placement: "bottom")
        /// A table beside the graph with each series' last and highest value, for panels with a series per feature.
        static let table = Legend(displayMode: "table", placement: "right", calcs: ["lastNotNull", "max"])
    }

    /// What hovering a graph shows.
    struct Tooltip: Encodable, Sendable {
        var mode: String
        var sort: String
    }

    /// How a stat panel reduces a series to one number.
    struct ReduceOptions: Encodable, Sendable {
        var calcs = ["lastNotNull"]
        var fields = ""
        var values = false
    }

    /// A step that reshapes query results before display (merging queries into one table, pivoting).
    struct Transformation: Encodable, Sendable {
        var id: String
        var options = TransformationOptions()
    }

    /// The options of the transformations Vigil uses: `merge` (none), `groupingToMatrix` and `organize`.
    struct TransformationOptions: Encodable, Sendable {
        var rowField: String?
        var columnField: String?
        var valueField: String?
        var excludeByName: [String: Bool]?
        var renameByName: [String: String]?
        var indexByName: [String: Int]?
    }
}
