import Testing
import VigilAlerting
import VigilCore

/// Rules evaluated on model windows built from predictions: one alert per model version and per feature or
/// class, the built-in table, rules that leave the configuration, forgetting resolved alerts.
@Suite struct AlertEvaluatorTests {
    static let minute: Int64 = 60_000

    /// A window of `count` predictions of which `errors` failed, each with one feature `amount`.
    func window(model: String = "fraud", version: String = "v1", count: Int, errors: Int = 0, latency: Double = 20, classes: [String] = ["no"], missingEvery: Int = 0) -> ModelWindow {
        var profile = LiveProfile()
        for index in 0..<count {
            let features: [String: FeatureValue] = missingEvery > 0 && index % missingEvery == 0 ? ["amount": .null] : ["amount": .number(Double(index))]
            profile.add(
                PredictionEvent(
                    id: "\(index)", timestampMilliseconds: 0, version: version, features: features, prediction: .label(classes[index % classes.count]),
                    latencyMilliseconds: latency, status: index < errors ? "error" : "ok"
                )
            )
        }
        return ModelWindow(model: model, version: version, range: 0..<(5 * Self.minute), traffic: profile)
    }

    func key(_ model: String = "fraud", _ version: String? = "v1", _ length: Int64 = 5 * minute) -> AlertEvaluator.WindowKey {
        AlertEvaluator.WindowKey(model: model, version: version, length: length)
    }

    @Test func theIssueExampleFiresAfterItsForAndNamesTheModelVersion() throws {
        let rule = AlertRule(
            name: "FraudErrors", model: "fraud", metric: .errorRate, window: 5 * Self.minute, direction: .above, threshold: 0.01, holdFor: 10 * Self.minute,
            severity: .critical
        )
        let evaluator = AlertEvaluator(rules: [rule])
        var instances: [String: AlertInstance] = [:]
        var transitions: [AlertTransition] = []
        for minute in stride(from: Int64(0), through: 10, by: 5) {
            let result = evaluator.evaluate(windows: [key(): window(count: 1000, errors: 20)], instances: instances, now: minute * Self.minute)
            instances = result.instances
            transitions += result.transitions
        }
        let alert = try #require(instances.values.first)
        #expect(alert.state == .firing)
        #expect(alert.labels == ["alertname": "FraudErrors", "severity": "critical", "model_name": "fraud", "model_version": "v1"])
        #expect(alert.value == 0.02)
        #expect(alert.annotations["summary"] == "error_rate of fraud v1 is above 0.01")
        #expect(alert.annotations["description"] == "error_rate over 5m is 0.02 for fraud v1 (threshold: above 0.01).")
        #expect(transitions.map(\.to) == ["pending", "firing"])
        // Other models are not watched by a rule that names one.
        let other = evaluator.evaluate(windows: [key("churn"): window(model: "churn", count: 1000, errors: 500)], instances: [:], now: 0)
        #expect(other.instances.isEmpty)
    }

    @Test func alertsLinkToTheirRunbookSectionUnlessTheyNameTheirOwn() throws {
        let builtIn = try #require(BuiltInRules.all.first { $0.name == "MLModelHighErrorRate" })
        let own = AlertRule(name: "FraudErrors", model: "fraud", metric: .errorRate, window: 5 * Self.minute, direction: .above, threshold: 0.01)
        var linked = own
        linked.name = "FraudErrorsLinked"
        linked.annotations["runbook_url"] = "https://runbooks.example/fraud"
        var evaluator = AlertEvaluator(rules: [builtIn, own, linked])
        evaluator.runbookURL = "http://vigil:8080/runbooks"
        let alerts = evaluator.evaluate(windows: [key(): window(count: 1000, errors: 500)], instances: [:], now: 0).instances.values
        let links = Dictionary(uniqueKeysWithValues: alerts.map { ($0.rule, $0.annotations["runbook_url"]) })
        #expect(links["MLModelHighErrorRate"] == "http://vigil:8080/runbooks#mlmodelhigherrorrate")
        #expect(links["FraudErrors"] == "http://vigil:8080/runbooks#your-own-rules")
        #expect(links["FraudErrorsLinked"] == "https://runbooks.example/fraud")
    }
    @Test func perFeatureMetricsGiveOneAlertPerFeatureAndTemplatesAreFilledIn() {
        let rule = AlertRule(
            name: "Missing", metric: .dataQuality(.missing), window: 5 * Self.minute, direction: .above, threshold: 0.1,
            annotations: ["summary": "{{ $labels.feature_name }} missing in {{ $value }} of {{ $labels.model_name }}"]
        )
        let result = AlertEvaluator(rules: [rule]).evaluate(windows: [key(): window(count: 100, missingEvery: 4)], instances: [:], now: 0)
        #expect(result.instances.count == 1)
        let alert = result.instances.values.first
        #expect(alert?.labels["feature_name"] == "amount")
        #expect(alert?.annotations["summary"] == "amount missing in 0.25 of fraud")
    }

    @Test func theBuiltInTableFiresOnSkewAndSlownessButNotOnAHealthyModel() {
        let evaluator = AlertEvaluator(rules: BuiltInRules.all)
        let healthy = [key(): window(count: 1000, classes: ["yes", "no"]), key("fraud", nil): window(count: 1000), key("fraud", "v1", 3_600_000): window(count: 1000, classes: ["yes", "no"])]
        #expect(evaluator.evaluate(windows: healthy, instances: [:], now: 0).instances.isEmpty)
        let slow = [key(): window(count: 1000, latency: 2500), key("fraud", nil): window(count: 1000), key("fraud", "v1", 3_600_000): window(count: 1000)]
        let pending = evaluator.evaluate(windows: slow, instances: [:], now: 0).instances.values.map { $0.labels["alertname"]! }.sorted()
        #expect(pending == ["MLModelHighLatency", "MLModelPredictionSkew", "MLModelVeryHighLatency"])
    }

    @Test func segmentRulesMeasureEachValueOfATagOrOne() {
        var profile = LiveProfile()
        for index in 0..<200 {
            let partner = index % 2 == 0
            profile.add(
                PredictionEvent(
                    id: "\(index)", timestampMilliseconds: 0, version: "v1", prediction: .label("no"), latencyMilliseconds: partner ? 900 : 20,
                    status: partner && index % 10 == 0 ? "error" : "ok", segment: ["channel": partner ? "partner-api" : "web"]
                )
            )
        }
        let window = ModelWindow(model: "fraud", version: "v1", range: 0..<(5 * Self.minute), traffic: profile)
        let latency = window.samples(.latency(quantile: 0.99), ModelWindow.Selector(segmentTag: "channel"))
        #expect(latency.map(\.labels) == [["segment_channel": "partner-api"], ["segment_channel": "web"]])
        #expect(latency.map(\.events) == [100, 100])
        #expect(abs(latency[0].value - 900) < 1e-9 && abs(latency[1].value - 20) < 1e-9)
        let errors = window.samples(.errorRate, ModelWindow.Selector(segmentTag: "channel", segmentValue: "partner-api"))
        #expect(errors == [ModelWindow.Sample(labels: ["segment_channel": "partner-api"], value: 0.2, events: 100)])
        let rule = AlertRule(
            name: "PartnerSlow", metric: .latency(quantile: 0.99), selector: ModelWindow.Selector(segmentTag: "channel"), window: 5 * Self.minute, direction: .above,
            threshold: 500
        )
        let alerts = AlertEvaluator(rules: [rule]).evaluate(windows: [key(): window], instances: [:], now: 0).instances.values
        #expect(alerts.map { $0.labels["segment_channel"] } == ["partner-api"])
        #expect(alerts.first?.annotations["summary"] == "latency_p99 of fraud v1 channel=partner-api is above 500")
    }

    @Test func modelDownFiresForAModelWithoutPredictionsAfterFiveMinutes() {
        let evaluator = AlertEvaluator(rules: BuiltInRules.all.filter { $0.name == "MLModelDown" })
        let requests = evaluator.windowRequests(models: [(model: "fraud", versions: ["v1", "v2"])])
        #expect(requests.map(\.key) == [key("fraud", nil)])
        var instances: [String: AlertInstance] = [:]
        for minute: Int64 in [0, 5] {
            instances = evaluator.evaluate(windows: [key("fraud", nil): window(count: 0)], instances: instances, now: minute * Self.minute).instances
        }
        #expect(instances.values.first?.state == .firing)
        #expect(instances.values.first?.labels["model_version"] == nil)
    }

    @Test func anAlertWhoseRuleLeavesTheConfigurationResolvesAndIsForgottenAfterRetention() {
        let rule = AlertRule(name: "Errors", metric: .errorRate, window: 5 * Self.minute, direction: .above, threshold: 0.01)
        let firing = AlertEvaluator(rules: [rule]).evaluate(windows: [key(): window(count: 100, errors: 50)], instances: [:], now: 0).instances
        #expect(firing.values.first?.state == .firing)
        let without = AlertEvaluator(rules: [])
        let resolved = without.evaluate(windows: [:], instances: firing, now: Self.minute)
        #expect(resolved.instances.values.first?.state == .resolved)
        #expect(resolved.transitions.first?.reason == "rule removed")
        let forgotten = without.evaluate(windows: [:], instances: resolved.instances, now: 16 * Self.minute)
        #expect(forgotten.instances.isEmpty)
        #expect(forgotten.removed == Array(firing.keys))
    }

    @Test func windowRequestsAskOnceForEachWindowWithWhatItsRulesRead() {
        let rules = [
            AlertRule(name: "A", metric: .errorRate, window: 5 * Self.minute, direction: .above, threshold: 0.01),
            AlertRule(name: "B", metric: .psi, window: 5 * Self.minute, direction: .above, threshold: 0.15),
            AlertRule(name: "C", model: "churn", metric: .quality("accuracy"), window: 60 * Self.minute, direction: .below, threshold: 0.8),
        ]
        let requests = AlertEvaluator(rules: rules).windowRequests(models: [(model: "fraud", versions: ["v1"]), (model: "churn", versions: ["a"])])
        #expect(requests.count == 3)
        #expect(requests[0].key == key() && requests[0].needsPSI && !requests[0].needsQuality)
        #expect(requests[2].key == key("churn", "a", 60 * Self.minute) && requests[2].needsQuality)
    }

    @Test func fingerprintsDependOnLabelsNotOnTheirOrder() {
        let a = AlertInstance.fingerprint(["alertname": "X", "model_name": "fraud"])
        let b = AlertInstance.fingerprint(["model_name": "fraud", "alertname": "X"])
        #expect(a == b)
        #expect(a.count == 16)
        #expect(a != AlertInstance.fingerprint(["alertname": "X", "model_name": "churn"]))
        // The separators keep a label from running into the next: {ab: c} is not {a: bc}.
        #expect(AlertInstance.fingerprint(["ab": "c"]) != AlertInstance.fingerprint(["a": "bc"]))
    }
}

@Suite struct RuleVocabularyTests {
    @Test func metricNamesReadBackToThemselves() {
        for name in WindowMetric.simpleNames + ["latency_p99", "latency_p999", "latency_p50", "confidence_p25", "accuracy", "f1_macro", "rmse"] {
            #expect(WindowMetric(name: name)?.description == name)
        }
        #expect(WindowMetric(name: "latency_p99") == .latency(quantile: 0.99))
        for bad in ["latency", "latency_p0", "latency_p100", "f1", "error", "latency_pxx"] { #expect(WindowMetric(name: bad) == nil) }
    }

    @Test func durationsReadAndWriteAsPrometheusWritesThem() {
        #expect(PrometheusDuration.milliseconds("15s") == 15_000)
        #expect(PrometheusDuration.milliseconds("1h30m") == 5_400_000)
        #expect(PrometheusDuration.milliseconds("7d") == 604_800_000)
        #expect(PrometheusDuration.milliseconds("500ms") == 500)
        #expect(PrometheusDuration.milliseconds("0") == 0)
        for bad in ["", "5", "m", "30m1h", "1m1m", "1.5h", "-5m", "5 m"] { #expect(PrometheusDuration.milliseconds(bad) == nil) }
        #expect(PrometheusDuration.format(milliseconds: 5_400_000) == "1h30m")
        #expect(PrometheusDuration.format(milliseconds: 600_000) == "10m")
        #expect(PrometheusDuration.format(milliseconds: 604_800_000) == "7d")
    }
}
