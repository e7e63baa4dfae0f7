/// A Grafana dashboard in the classic JSON model (schema version 39), with only the fields Vigil's dashboards
/// set: Grafana fills in the rest when it loads the file.
///
/// The file is the bare dashboard, as Grafana's file provisioning reads it: no `__inputs` and no `${DS_…}`
/// placeholders, because the data source is a dashboard variable (`$datasource`) people pick in Grafana.
struct GrafanaDashboard: Encodable, Sendable {
    /// `vigil-` and a slug, so that links and provisioning find the dashboard again after an update.
    var uid: String
    var title: String
    var description: String
    var tags: [String] = ["vigil", "ml-monitoring"]
    var timezone = "browser"
    var schemaVersion = 39
    var version = 1
    var editable = true
    /// A shared crosshair: hovering one panel marks the same instant on the others.
    var graphTooltip = 1
    var time = TimeRange(from: "now-6h", to: "now")
    var refresh = "30s"
    var templating: Templating
    var annotations: Annotations
    var panels: [GrafanaPanel]
    var links: [Link]

    /// The time range shown when the dashboard opens.
    struct TimeRange: Encodable, Sendable {
        var from: String
        var to: String
    }

    /// A data source as panels, targets, variables and annotations name it.
    struct DatasourceReference: Encodable, Sendable, Equatable {
        var type: String
        var uid: String

        /// The Prometheus data source chosen in the `datasource` variable.
        static let prometheus = DatasourceReference(type: "prometheus", uid: "${datasource}")
        /// Grafana's own annotations.
        static let grafana = DatasourceReference(type: "grafana", uid: "-- Grafana --")
    }

    /// The dashboard's variables, in the order Grafana shows and resolves them.
    struct Templating: Encodable, Sendable {
        var list: [Variable]
    }

    /// A dashboard variable: the data source, or a `label_values(…)` query.
    struct Variable: Encodable, Sendable {
        var type: String
        var name: String
        var label: String
        var description: String?
        /// For a data source variable its plugin (`prometheus`); for a query variable the query.
        var query: String
        var definition: String?
        var datasource: DatasourceReference?
        /// 1 reloads the values when the dashboard loads, 2 whenever the time range changes.
        var refresh: Int
        var includeAll = false
        var multi = false
        var allValue: String?
        /// 0 unsorted, 1 alphabetical ascending, 2 alphabetical descending.
        var sort: Int?
        var hide = 0
        var regex = ""
        var skipUrlSync = false
        var current = Selection()
        /// Always empty: Grafana asks the data source.
        var options: [String] = []

        /// The selected value; empty leaves the choice to Grafana (the first value).
        struct Selection: Encodable, Sendable {
            var selected: Bool?
            var text: [String]?
            var value: [String]?
        }

        /// The `datasource` variable every panel queries through, limited to Prometheus data sources; named and
        /// labelled as Grafana's dashboard linter wants (template-datasource-rule).
        static let templatedDatasource = Variable(type: "datasource", name: "datasource", label: "Data source", query: "prometheus", refresh: 1)

        /// A variable whose values are a `label_values(…)` query, reloaded when the time range changes so that
        /// models and versions that appear later are offered (template-on-time-change-reload).
        static func labelValues(
            name: String, label: String, description: String, query: String, multi: Bool = false, includeAll: Bool = false, sort: Int = 1
        ) -> Variable {
            var variable = Variable(
                type: "query", name: name, label: label, description: description, query: query, definition: query, datasource: .prometheus,
                refresh: 2, includeAll: includeAll, multi: multi, sort: sort
            )
            if includeAll {
                // `.*` rather than Grafana's list of every value: the matcher stays short with many versions,
                // and it keeps matching versions that appear after the list was loaded.
                variable.allValue = ".*"
                variable.current = Selection(selected: true, text: ["All"], value: ["$__all"])
            }
            return variable
        }
    }

    /// The dashboard's annotation queries.
    struct Annotations: Encodable, Sendable {
        var list: [Annotation]
    }

    /// An annotation query: Grafana's built-in one, or a PromQL query that marks when a series was present.
    struct Annotation: Encodable, Sendable {
        var name: String
        var datasource: DatasourceReference
        var enable = true
        var hide: Bool
        var iconColor: String
        var builtIn: Int?
        var type: String?
        var expr: String?
        var step: String?
        var titleFormat: String?
        var tagKeys: String?
        var useValueForTime: Bool?

        /// Grafana's own annotations and alerts, which every dashboard has.
        static let grafanaBuiltIn = Annotation(
            name: "Annotations & Alerts", datasource: .grafana, hide: true, iconColor: "rgba(0, 211, 255, 1)", builtIn: 1, type: "dashboard"
        )

        /// The periods in which one of the model's alerts fired, from Prometheus' `ALERTS` series.
        static let firingAlerts = Annotation(
            name: "Firing alerts", datasource: .prometheus, hide: false, iconColor: "red",
            expr: #"ALERTS{model_name="$model", alertstate="firing"}"#, step: "1m", titleFormat: "{{alertname}}", tagKeys: "severity,model_version",
            useValueForTime: false
        )
    }

    /// A link in the dashboard's header.
    struct Link: Encodable, Sendable {
        var title: String
        var type: String
        var tags: [String] = []
        var url = ""
        var asDropdown = false
        var includeVars = false
        var keepTime = false
        var targetBlank = false
        var icon = "external link"
        var tooltip = ""
    }
}
