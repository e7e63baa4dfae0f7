import Foundation
import Testing
import VigilExport
import Yams

/// The exported Grafana dashboards, read back as Grafana reads them (JSON and YAML) and checked with the rules
/// of Grafana's dashboard linter that apply to one exporter's dashboards: a templated Prometheus data source,
/// `$__rate_interval` ranges, counters read through `rate`, units, titles and descriptions, variables that
/// exist and are used; and what provisioning needs: stable short UIDs, a grid without overlaps, no import
/// placeholders.
@Suite struct GrafanaDashboardTests {
    let settings = ExportSettings()

    static let dashboardPaths = [
        "grafana/dashboards/operational.json", "grafana/dashboards/model-health.json", "grafana/dashboards/business.json",
        "grafana/dashboards/comparison.json", "grafana/dashboards/slos.json",
    ]

    /// The units the linter accepts that these dashboards use (Grafana's `valueFormats/categories.ts`).
    static let validUnits: Set<String> = ["none", "short", "percent", "percentunit", "bytes", "s", "ms", "reqps", "ops", "cps"]

    @Test func exportsFiveDashboardsAndTheirProvisioning() {
        let paths = GrafanaDashboards.files(settings: settings).map(\.path)
        #expect(paths == Self.dashboardPaths + ["grafana/provisioning/dashboards/vigil.yaml", "grafana/provisioning/datasources/vigil-prometheus.yaml"])
    }

    @Test func theSameSettingsGiveTheSameFilesAndTheUIDsAreStableAndShort() throws {
        #expect(GrafanaDashboards.files(settings: settings) == GrafanaDashboards.files(settings: settings))
        let uids = try dashboards().map { $0.json["uid"] as? String ?? "" }
        #expect(uids == ["vigil-operational", "vigil-model-health", "vigil-business", "vigil-comparison", "vigil-slos"])
        #expect(Set(uids).count == uids.count)
        for uid in uids { #expect(uid.count <= 40, "\(uid) is longer than Grafana's 40 characters") }
        // Other settings change queries, never identities: provisioning updates the same dashboards.
        var other = settings
        other.job = "vigil-prod"
        other.monitorWindow = 2 * 3_600_000
        let otherUIDs = try dashboards(other).map { $0.json["uid"] as? String ?? "" }
        #expect(otherUIDs == uids)
    }

    @Test func everyDashboardHasTheClassicSchemaFields() throws {
        for dashboard in try dashboards() {
            let json = dashboard.json
            #expect(json["schemaVersion"] as? Int == 39, "\(dashboard.path)")
            #expect(json["version"] as? Int == 1, "\(dashboard.path)")
            #expect(json["editable"] as? Bool == true, "\(dashboard.path)")
            #expect(json["timezone"] as? String == "browser", "\(dashboard.path)")
            #expect(json["graphTooltip"] as? Int == 1, "\(dashboard.path)")
            #expect(json["refresh"] as? String == "30s", "\(dashboard.path)")
            #expect((json["time"] as? [String: Any])?["from"] as? String == "now-6h", "\(dashboard.path)")
            #expect((json["title"] as? String)?.hasPrefix("Vigil / ") == true, "\(dashboard.path)")
            #expect((json["tags"] as? [String])?.contains("vigil") == true, "\(dashboard.path)")
            let annotations = (json["annotations"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
            #expect(annotations.first?["builtIn"] as? Int == 1, "\(dashboard.path)")
            #expect(annotations.first?["name"] as? String == "Annotations & Alerts", "\(dashboard.path)")
        }
    }

    /// template-datasource-rule.
    @Test func theDataSourceIsATemplatedPrometheusVariable() throws {
        for dashboard in try dashboards() {
            let variables = Self.variables(dashboard.json)
            let datasources = variables.filter { $0["type"] as? String == "datasource" }
            #expect(datasources.count == 1, "\(dashboard.path)")
            let first = try #require(variables.first, "\(dashboard.path) has no variables")
            #expect(first["type"] as? String == "datasource", "\(dashboard.path)")
            #expect(first["name"] as? String == "datasource", "\(dashboard.path)")
            #expect(first["label"] as? String == "Data source", "\(dashboard.path)")
            #expect(first["query"] as? String == "prometheus", "\(dashboard.path)")
        }
    }

    /// panel-datasource-rule, for targets and annotation queries too.
    @Test func everyPanelTargetAndAnnotationQueriesTheTemplatedDataSource() throws {
        for dashboard in try dashboards() {
            for panel in Self.panels(dashboard.json) where panel["type"] as? String != "row" {
                let title = panel["title"] as? String ?? "?"
                #expect(Self.datasourceUID(panel) == "${datasource}", "\(dashboard.path): \(title)")
                #expect((panel["datasource"] as? [String: Any])?["type"] as? String == "prometheus", "\(dashboard.path): \(title)")
                for target in Self.targets(panel) {
                    #expect(Self.datasourceUID(target) == "${datasource}", "\(dashboard.path): \(title)")
                }
            }
            for annotation in Self.annotations(dashboard.json) where annotation["expr"] != nil {
                #expect(Self.datasourceUID(annotation) == "${datasource}", "\(dashboard.path): \(annotation["name"] as? String ?? "?")")
            }
        }
    }

    @Test func noDashboardCarriesImportPlaceholders() throws {
        for dashboard in try dashboards() {
            #expect(!dashboard.json.keys.contains("__inputs"), "\(dashboard.path)")
            #expect(!dashboard.json.keys.contains("__requires"), "\(dashboard.path)")
            #expect(!dashboard.text.contains("${DS_"), "\(dashboard.path)")
            #expect(!dashboard.text.contains("__inputs"), "\(dashboard.path)")
        }
    }

    /// template-on-time-change-reload and the variables each dashboard needs.
    @Test func theModelAndVersionVariablesAreQueriesReloadedOnTimeRangeChange() throws {
        let expected = [
            "operational": ["datasource", "model", "version"], "model-health": ["datasource", "model", "version"],
            "business": ["datasource", "model", "version"], "comparison": ["datasource", "model", "baseline", "candidate"],
            "slos": ["datasource", "model", "slo"],
        ]
        for dashboard in try dashboards() {
            let variables = Self.variables(dashboard.json)
            let names = variables.map { $0["name"] as? String ?? "" }
            #expect(names == expected[Self.slug(dashboard.path)], "\(dashboard.path)")
            for variable in variables where variable["type"] as? String == "query" {
                let name = variable["name"] as? String ?? "?"
                let query = variable["query"] as? String ?? ""
                #expect(variable["refresh"] as? Int == 2, "\(dashboard.path): $\(name)")
                #expect(variable["definition"] as? String == query, "\(dashboard.path): $\(name)")
                #expect(query.hasPrefix("label_values("), "\(dashboard.path): $\(name)")
                #expect(Self.datasourceUID(variable) == "${datasource}", "\(dashboard.path): $\(name)")
                switch name {
                case "model":
                    #expect(query == "label_values(ml_prediction_requests_total, model_name)")
                    #expect(variable["includeAll"] as? Bool == false && variable["multi"] as? Bool == false)
                case "version":
                    #expect(query == #"label_values(ml_prediction_requests_total{model_name="$model"}, model_version)"#)
                    #expect(variable["includeAll"] as? Bool == true && variable["multi"] as? Bool == true)
                    #expect(variable["allValue"] as? String == ".*")
                case "baseline", "candidate":
                    #expect(query == #"label_values(ml_prediction_requests_total{model_name="$model"}, model_version)"#)
                    #expect(variable["includeAll"] as? Bool == false && variable["multi"] as? Bool == false)
                case "slo":
                    #expect(query == #"label_values(ml_slo_objective_ratio{model_name="$model"}, slo)"#)
                default:
                    Issue.record("\(dashboard.path): unexpected variable $\(name)")
                }
            }
        }
    }

    /// template-unused-rule, and no query names a variable the dashboard lacks (or defines later).
    @Test func everyQueryVariableIsUsedAndEveryUsedVariableIsDefined() throws {
        let globals: Set<String> = ["__rate_interval", "__interval", "__range"]
        for dashboard in try dashboards() {
            let exprs = Self.exprs(dashboard.json).map { $0.expr }
            var defined: Set<String> = []
            for variable in Self.variables(dashboard.json) {
                let name = variable["name"] as? String ?? "?"
                if variable["type"] as? String == "query" {
                    let used = Self.variablesUsed(in: variable["query"] as? String ?? "")
                    #expect(used.isSubset(of: defined), "\(dashboard.path): $\(name) uses a variable defined after it")
                    let isUsed = exprs.contains { Self.variablesUsed(in: $0).contains(name) }
                    #expect(isUsed, "\(dashboard.path): $\(name) is used by no query")
                }
                defined.insert(name)
            }
            for expr in exprs {
                let unknown = Self.variablesUsed(in: expr).subtracting(defined).subtracting(globals)
                #expect(unknown.isEmpty, "\(dashboard.path): \(expr) uses undefined \(unknown.sorted())")
            }
        }
    }

    /// Every query selects the chosen model, and the chosen versions wherever the series has a version.
    @Test func everySeriesSelectorPicksTheChosenModelAndVersions() throws {
        // The ml_ series without a model_version label.
        let unversioned = ["ml_feature_value", "ml_label_delay_seconds", "ml_slo_"]
        for dashboard in try dashboards() {
            let slug = Self.slug(dashboard.path)
            for (panel, expr) in Self.exprs(dashboard.json) {
                let selectors = Self.selectors(in: expr)
                #expect(!selectors.isEmpty, "\(slug): \(panel) selects no series: \(expr)")
                for selector in selectors {
                    let matchers = try #require(selector.matchers, "\(slug): \(panel): \(selector.metric) has no matchers")
                    if selector.metric.hasPrefix("vigil_") || selector.metric.hasPrefix("process_") {
                        // Vigil's own health has no model; the scrape job tells it from other exporters.
                        #expect(matchers.contains(#"job="vigil""#), "\(slug): \(panel): \(expr)")
                        continue
                    }
                    #expect(matchers.contains(#"model_name="$model""#), "\(slug): \(panel): \(expr)")
                    let versioned = selector.metric.hasPrefix("ml_") && !unversioned.contains { selector.metric.hasPrefix($0) }
                    if versioned && Self.variables(dashboard.json).contains(where: { $0["name"] as? String == "version" }) {
                        #expect(matchers.contains(#"model_version=~"$version""#), "\(slug): \(panel): \(expr)")
                    }
                }
                // Each comparison panel shows the two versions; the firing-alerts annotation covers the model.
                if slug == "comparison" && selectors.contains(where: { $0.metric.hasPrefix("ml_") }) {
                    #expect(expr.contains("$baseline") || expr.contains("$candidate"), "\(panel): \(expr)")
                }
            }
        }
    }

    /// target-counter-agg-rule, extended to histogram series.
    @Test func countersAndHistogramsAreOnlyReadThroughRate() throws {
        for dashboard in try dashboards() {
            for (panel, expr) in Self.exprs(dashboard.json) {
                for selector in Self.selectors(in: expr) where ["_total", "_bucket", "_sum", "_count"].contains(where: { selector.metric.hasSuffix($0) }) {
                    #expect(
                        selector.preceding.hasSuffix("rate(") || selector.preceding.hasSuffix("increase("),
                        "\(Self.slug(dashboard.path)): \(panel): \(selector.metric) is not read through rate: \(expr)"
                    )
                }
            }
        }
    }

    /// target-rate-interval-rule: the only ranges are `$__rate_interval` (the SLO dashboard reads Vigil's
    /// fixed-window gauges and has no range at all).
    @Test func everyRangeIsTheRateInterval() throws {
        for dashboard in try dashboards() {
            for (panel, expr) in Self.exprs(dashboard.json) {
                let onlyRateInterval = Self.ranges(in: expr).allSatisfy { $0 == "$__rate_interval" }
                #expect(onlyRateInterval, "\(Self.slug(dashboard.path)): \(panel): \(expr)")
                if expr.contains("rate(") || expr.contains("increase(") {
                    #expect(expr.contains("[$__rate_interval]"), "\(Self.slug(dashboard.path)): \(panel): \(expr)")
                }
            }
            if Self.slug(dashboard.path) == "slos" {
                let rangeless = Self.exprs(dashboard.json).allSatisfy { Self.ranges(in: $0.expr).isEmpty }
                #expect(rangeless)
            }
        }
    }

    @Test func everyExpressionHasBalancedBracketsAndQuotes() throws {
        for query in GrafanaDashboards.queries(settings: settings) {
            #expect(Self.isBalanced(query.expr), "\(query.dashboard): \(query.panel): \(query.expr)")
        }
        for dashboard in try dashboards() {
            for (panel, expr) in Self.exprs(dashboard.json) {
                #expect(Self.isBalanced(expr), "\(Self.slug(dashboard.path)): \(panel): \(expr)")
            }
        }
    }

    @Test func queriesListEveryPanelAndAnnotationQuery() throws {
        let listed = GrafanaDashboards.queries(settings: settings)
        var exported: [String] = []
        for dashboard in try dashboards() {
            let uid = dashboard.json["uid"] as? String ?? "?"
            let exprs = Self.exprs(dashboard.json).map { $0.expr }
            let listedHere = listed.filter { $0.dashboard == uid }.map { $0.expr }
            #expect(listedHere.sorted() == exprs.sorted(), "\(uid)")
            exported += exprs
        }
        #expect(listed.count == exported.count)
        let named = listed.allSatisfy { !$0.panel.isEmpty }
        #expect(named)
    }

    /// panel-units-rule, panel-title-description-rule, panel-no-targets-rule.
    @Test func everyPanelHasATitleADescriptionAUnitAndQueries() throws {
        for dashboard in try dashboards() {
            for panel in Self.panels(dashboard.json) {
                let title = panel["title"] as? String ?? ""
                #expect(!title.isEmpty, "\(dashboard.path): a panel has no title")
                guard panel["type"] as? String != "row" else { continue }
                #expect(!(panel["description"] as? String ?? "").isEmpty, "\(dashboard.path): \(title) has no description")
                let defaults = (panel["fieldConfig"] as? [String: Any])?["defaults"] as? [String: Any]
                let unit = defaults?["unit"] as? String ?? ""
                #expect(Self.validUnits.contains(unit), "\(dashboard.path): \(title) has no or an invalid unit: '\(unit)'")
                let targets = Self.targets(panel)
                #expect(!targets.isEmpty, "\(dashboard.path): \(title) has no query")
                let refIds = targets.map { $0["refId"] as? String ?? "" }
                #expect(Set(refIds).count == refIds.count && !refIds.contains(""), "\(dashboard.path): \(title) refIds \(refIds)")
                for target in targets {
                    #expect(!(target["expr"] as? String ?? "").isEmpty, "\(dashboard.path): \(title) has an empty query")
                }
            }
        }
    }

    @Test func panelsHaveUniqueIDsAndTileTheGridWithoutOverlapping() throws {
        for dashboard in try dashboards() {
            let panels = Self.panels(dashboard.json)
            let ids = panels.map { $0["id"] as? Int ?? 0 }
            #expect(Set(ids).count == ids.count && !ids.contains(0), "\(dashboard.path): ids \(ids)")
            var boxes: [(title: String, x: Int, y: Int, w: Int, h: Int)] = []
            for panel in panels {
                let title = panel["title"] as? String ?? "?"
                let position = try #require(panel["gridPos"] as? [String: Any], "\(dashboard.path): \(title) has no gridPos")
                let x = position["x"] as? Int ?? -1, y = position["y"] as? Int ?? -1
                let w = position["w"] as? Int ?? 0, h = position["h"] as? Int ?? 0
                #expect(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24, "\(dashboard.path): \(title) at \(position)")
                for box in boxes where x < box.x + box.w && box.x < x + w && y < box.y + box.h && box.y < y + h {
                    Issue.record("\(dashboard.path): \(title) overlaps \(box.title)")
                }
                boxes.append((title, x, y, w, h))
            }
        }
    }

    @Test func thresholdLinesFollowTheSettingsAndTheBudgetColours() throws {
        var custom = settings
        custom.datasetDriftShare = 0.3
        let customDashboards = try dashboards(custom)
        let health = try #require(Self.json(of: "model-health", in: customDashboards))
        let driftShare = try #require(Self.panel("Share of drifted features", in: health))
        let defaults = try #require((driftShare["fieldConfig"] as? [String: Any])?["defaults"] as? [String: Any])
        #expect(((defaults["custom"] as? [String: Any])?["thresholdsStyle"] as? [String: Any])?["mode"] as? String == "line")
        #expect(Self.thresholdValues(defaults) == [nil, 0.3])

        let defaultDashboards = try dashboards()
        let slos = try #require(Self.json(of: "slos", in: defaultDashboards))
        let budget = try #require(Self.panel("Error budget remaining", in: slos))
        #expect(budget["type"] as? String == "stat")
        let budgetDefaults = try #require((budget["fieldConfig"] as? [String: Any])?["defaults"] as? [String: Any])
        #expect(Self.thresholdValues(budgetDefaults) == [nil, 0, 0.25])
        let colours = ((budgetDefaults["thresholds"] as? [String: Any])?["steps"] as? [[String: Any]] ?? []).map { $0["color"] as? String ?? "" }
        #expect(colours == ["red", "yellow", "green"])
    }

    @Test func theProvisioningFilesParseWithAFileProviderAndAPrometheusDataSource() throws {
        let files = GrafanaDashboards.files(settings: settings)
        let providerFile = try #require(Self.file("grafana/provisioning/dashboards/vigil.yaml", in: files))
        let providerRoot = try Yams.load(yaml: providerFile.contents)
        let provider = try #require(providerRoot as? [String: Any])
        #expect(provider["apiVersion"] as? Int == 1)
        let providers = try #require(provider["providers"] as? [[String: Any]])
        #expect(providers.count == 1)
        #expect(providers.first?["name"] as? String == "Vigil")
        #expect(providers.first?["type"] as? String == "file")
        #expect(providers.first?["folder"] as? String == "Vigil")
        #expect(providers.first?["orgId"] as? Int == 1)
        #expect(providers.first?["allowUiUpdates"] as? Bool == true)
        let options = try #require(providers.first?["options"] as? [String: Any])
        #expect(options["path"] as? String == "/var/lib/grafana/dashboards/vigil")
        #expect(options["foldersFromFilesStructure"] as? Bool == false)

        let datasourceFile = try #require(Self.file("grafana/provisioning/datasources/vigil-prometheus.yaml", in: files))
        let datasourceRoot = try Yams.load(yaml: datasourceFile.contents)
        let datasources = try #require(datasourceRoot as? [String: Any])
        #expect(datasources["apiVersion"] as? Int == 1)
        let prometheus = try #require((datasources["datasources"] as? [[String: Any]])?.first)
        #expect(prometheus["type"] as? String == "prometheus")
        #expect(prometheus["access"] as? String == "proxy")
        #expect(prometheus["url"] as? String == "http://localhost:9090")
        #expect(prometheus["uid"] as? String == "prometheus")
        #expect(prometheus["isDefault"] as? Bool == true)
    }

    // MARK: Reading the dashboards

    /// Each exported dashboard's path, text and JSON object.
    func dashboards(_ settings: ExportSettings? = nil) throws -> [(path: String, text: String, json: [String: Any])] {
        var dashboards: [(path: String, text: String, json: [String: Any])] = []
        for file in GrafanaDashboards.files(settings: settings ?? self.settings) where file.path.hasSuffix(".json") {
            let object = try JSONSerialization.jsonObject(with: Data(file.contents.utf8))
            let json = try #require(object as? [String: Any], "\(file.path) is not a JSON object")
            dashboards.append((path: file.path, text: file.contents, json: json))
        }
        return dashboards
    }

    /// `operational` for `grafana/dashboards/operational.json`.
    static func slug(_ path: String) -> String {
        String(path.dropFirst("grafana/dashboards/".count).dropLast(".json".count))
    }

    /// The dashboard's panels, with those inside collapsed rows.
    static func panels(_ dashboard: [String: Any]) -> [[String: Any]] {
        let top = dashboard["panels"] as? [[String: Any]] ?? []
        return top.flatMap { panel -> [[String: Any]] in [panel] + (panel["panels"] as? [[String: Any]] ?? []) }
    }

    /// The JSON of the dashboard whose file is `<slug>.json`.
    static func json(of slug: String, in dashboards: [(path: String, text: String, json: [String: Any])]) -> [String: Any]? {
        dashboards.first { Self.slug($0.path) == slug }?.json
    }

    /// The first panel titled `title`.
    static func panel(_ title: String, in dashboard: [String: Any]) -> [String: Any]? {
        panels(dashboard).first { $0["title"] as? String == title }
    }

    static func file(_ path: String, in files: [ExportedFile]) -> ExportedFile? {
        files.first { $0.path == path }
    }

    static func variables(_ dashboard: [String: Any]) -> [[String: Any]] {
        (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
    }

    static func annotations(_ dashboard: [String: Any]) -> [[String: Any]] {
        (dashboard["annotations"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
    }

    static func targets(_ panel: [String: Any]) -> [[String: Any]] {
        panel["targets"] as? [[String: Any]] ?? []
    }

    static func datasourceUID(_ object: [String: Any]) -> String? {
        (object["datasource"] as? [String: Any])?["uid"] as? String
    }

    /// Every PromQL query of the dashboard: its panels' targets and its annotations.
    static func exprs(_ dashboard: [String: Any]) -> [(panel: String, expr: String)] {
        var exprs: [(panel: String, expr: String)] = []
        for panel in panels(dashboard) {
            for target in targets(panel) {
                exprs.append((panel: panel["title"] as? String ?? "?", expr: target["expr"] as? String ?? ""))
            }
        }
        for annotation in annotations(dashboard) {
            if let expr = annotation["expr"] as? String { exprs.append((panel: annotation["name"] as? String ?? "?", expr: expr)) }
        }
        return exprs
    }

    static func thresholdValues(_ defaults: [String: Any]) -> [Double?] {
        let steps = (defaults["thresholds"] as? [String: Any])?["steps"] as? [[String: Any]] ?? []
        return steps.map { $0["value"] as? Double }
    }

    /// The names after `$` in `text` (`$model`, `$__rate_interval`).
    static func variablesUsed(in text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            rest = rest[rest.index(after: dollar)...]
            let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !name.isEmpty { names.insert(String(name)) }
        }
        return names
    }

    /// The series selectors of `expr` (outside quoted strings) for Vigil's, Prometheus' `ALERTS` and process
    /// series: the metric, its matchers (nil without braces) and the text just before it.
    static func selectors(in expr: String) -> [(metric: String, matchers: String?, preceding: String)] {
        var found: [(metric: String, matchers: String?, preceding: String)] = []
        let characters = Array(expr)
        func isNameCharacter(_ character: Character) -> Bool {
            character.isLetter || character.isNumber || character == "_" || character == ":"
        }
        var index = 0
        var quoted = false
        while index < characters.count {
            let character = characters[index]
            if character == "\"" { quoted.toggle() }
            guard !quoted, character.isLetter || character == "_", index == 0 || !isNameCharacter(characters[index - 1]) else {
                index += 1
                continue
            }
            var end = index
            while end < characters.count, isNameCharacter(characters[end]) { end += 1 }
            let name = String(characters[index..<end])
            let preceding = String(characters[max(0, index - 9)..<index])
            if name.hasPrefix("ml_") || name.hasPrefix("vigil_") || name.hasPrefix("process_") || name == "ALERTS" {
                if end < characters.count, characters[end] == "{", let close = characters[end...].firstIndex(of: "}") {
                    found.append((metric: name, matchers: String(characters[(end + 1)..<close]), preceding: preceding))
                    index = close + 1
                    continue
                }
                found.append((metric: name, matchers: nil, preceding: preceding))
            }
            index = end
        }
        return found
    }

    /// The contents of each `[…]` range of `expr`, outside quoted strings.
    static func ranges(in expr: String) -> [String] {
        var ranges: [String] = []
        var current: String?
        var quoted = false
        for character in expr {
            if character == "\"" { quoted.toggle() }
            if quoted { continue }
            switch character {
            case "[": current = ""
            case "]":
                if let range = current { ranges.append(range) }
                current = nil
            default: current?.append(character)
            }
        }
        return ranges
    }

    /// Whether the brackets of `expr` pair up outside quoted strings and every quoted string is closed.
    static func isBalanced(_ expr: String) -> Bool {
        let opening: [Character: Character] = [")": "(", "]": "[", "}": "{"]
        var open: [Character] = []
        var quoted = false
        var escaped = false
        for character in expr {
            if quoted {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    quoted = false
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case "(", "[", "{": open.append(character)
            case ")", "]", "}":
                guard open.popLast() == opening[character] else { return false }
            default: break
            }
        }
        return open.isEmpty && !quoted
    }
}
