import Foundation
import Testing
import VigilAlerting
import VigilCore

@testable import VigilExport

/// The rule file's content: what the expressions say, exact thresholds, the mixin annotations, and what is
/// left to Vigil; and the generator's own promises.
struct RuleExportTests {
    static let rules = PrometheusRules(ExportFixtures.everyFeature, settings: ExportSettings())

    static func alert(_ name: String) throws -> ExportedAlert {
        try #require(rules.alerts.first { $0.rule.name == name }, "no exported alert \(name)")
    }

    @Test func burnRateThresholdsAreExactDecimals() throws {
        let availability = try #require(Self.rules.slos.first { $0.slo.name == "fraud-availability" })
        #expect(availability.thresholds == ["page_fast": "0.0144", "page_slow": "0.006", "ticket_fast": "0.003", "ticket_slow": "0.001"])
        let latency = try #require(Self.rules.slos.first { $0.slo.name == "fraud-latency" })
        #expect(latency.thresholds["page_fast"] == "0.144")
        let expressions = availability.group.rules.filter { $0.alert != nil }.map(\.expr)
        #expect(expressions.first?.contains("slo:sli_error:ratio_rate5m{slo=\"fraud-availability\"} > 0.0144") == true)
        #expect(!expressions.joined().contains("0.000999"), "no float noise in thresholds")
    }

    @Test(arguments: ["fraud-latency-300", "fraud-accuracy"])
    func anSLOPrometheusCannotCountReadsVigilsBurnRateGauges(name: String) throws {
        let slo = try #require(Self.rules.slos.first { $0.slo.name == name })
        #expect(!slo.fromRawSeries)
        #expect(slo.group.rules.contains { $0.expr.contains("ml_slo_burn_rate") && $0.annotations?.entries["vigil_export_note"] != nil })
    }

    @Test func everyAlertCarriesTheMixinLabelsAndAnnotations() {
        let all = Self.rules.alerts.map(\.prometheusRule) + Self.rules.slos.flatMap { $0.group.rules.filter { $0.alert != nil } }
        for rule in all {
            #expect(["critical", "warning", "info"].contains(rule.labels?.entries["severity"] ?? ""), "\(rule.alert ?? "")")
            for annotation in ["summary", "description", "runbook_url", "dashboard_url"] {
                #expect(rule.annotations?.entries[annotation]?.isEmpty == false, "\(rule.alert ?? "") has no \(annotation)")
            }
        }
    }

    @Test func latencyThresholdsBecomeSecondsOnTheHistogram() throws {
        let slow = try Self.alert("FraudSlowCanary")
        #expect(
            slow.prometheusRule.expr.hasPrefix(
                "(histogram_quantile(0.95, model_name_model_version_le:ml_prediction_latency_seconds_bucket:rate5m{model_name=\"fraud\",model_version=\"v2\"}) > 0.25 or"
            )
        )
        #expect(
            slow.prometheusRule.expr.contains("> 0.1 and on (model_name, model_version) ALERTS{alertname=\"FraudSlowCanary\",severity=\"warning\"}")
        )
        #expect(slow.notes.isEmpty, "250 ms and 100 ms are bucket bounds")
    }

    @Test func rulesOnWhatOnlyVigilComputesReadItsGaugesAndSaySo() throws {
        let drift = try Self.alert("AmountDrift")
        #expect(
            drift.prometheusRule.expr.contains(
                "max by (model_name, model_version, feature_name) (ml_feature_drift_score{feature_name=\"amount\",model_name=\"fraud\"})"
            )
        )
        #expect(drift.prometheusRule.annotations?.entries["vigil_export_note"]?.contains("computed by Vigil") == true)
        let psi = try Self.alert("MLFeatureDriftPSI")
        #expect(psi.prometheusRule.expr.contains("ml_feature_psi"))
        let f1 = try Self.alert("LowF1")
        #expect(f1.prometheusRule.expr.contains("ml_model_quality{metric=\"f1_macro\",model_name=\"fraud\",window=\"7d\"}"))
        #expect(f1.prometheusRule.expr.contains("ml_labelled_predictions{model_name=\"fraud\",window=\"7d\"}) >= 50"))
    }

    /// A rule on a comparison's verdict reads `ml_version_comparison_verdict`, one series per challenger and
    /// baseline, over the comparison window Vigil publishes it for (a day by default).
    @Test func aComparisonVerdictRuleReadsTheVerdictGauge() throws {
        let rejected = try Self.alert("ChallengerRejected")
        #expect(
            rejected.prometheusRule.expr.contains(
                "max by (model_name, model_version, baseline) (ml_version_comparison_verdict{model_name=\"fraud\"}) < -0.5"
            ),
            "\(rejected.prometheusRule.expr)"
        )
        #expect(rejected.prometheusRule.annotations?.entries["vigil_export_note"] != nil)
        let skipped = Dictionary(uniqueKeysWithValues: Self.rules.skipped.map { ($0.name, $0.reason) })
        #expect(skipped["ChallengerRejectedHourly"]?.contains("comparison window (1d)") == true, "\(skipped)")
        var settings = ExportSettings()
        settings.comparisonWindow = 3_600_000
        let hourly = PrometheusRules(ExportFixtures.everyFeature, settings: settings)
        #expect(
            hourly.alerts.contains { $0.rule.name == "ChallengerRejectedHourly" } && !hourly.alerts.contains { $0.rule.name == "ChallengerRejected" }
        )
    }

    @Test func rulesWithoutAPrometheusEquivalentAreListedWithTheirReason() {
        let skipped = Dictionary(uniqueKeysWithValues: Self.rules.skipped.map { ($0.name, $0.reason) })
        #expect(skipped["PartnerErrors"]?.contains("segment") == true)
        #expect(skipped["AccuracyThreeDays"]?.contains("3d") == true)
        #expect(!Self.rules.alerts.contains { $0.rule.name == "PartnerErrors" })
    }

    @Test func theGeneratedScenariosFireWhenTheyMustAndStayQuietWhenTheyMust() {
        let tests = PromtoolTests(Self.rules, settings: ExportSettings(), modelRuleFile: "r.yaml", sloRuleFile: "s.yaml")
        #expect(!tests.outcomes.isEmpty)
        for outcome in tests.outcomes where outcome.mustFire != nil {
            #expect(outcome.fired == outcome.mustFire, "\(outcome.name): fired \(outcome.fired)")
        }
        // Every exported alert has a firing and a quiet scenario, unless it says why not.
        for alert in Self.rules.alerts where !tests.untested.contains(where: { $0.name == alert.rule.name }) {
            #expect(tests.outcomes.contains { $0.name == "\(alert.rule.name) fires" })
            #expect(tests.outcomes.contains { $0.name == "\(alert.rule.name) stays quiet" })
        }
    }

    @Test(arguments: [
        (1_234_567.0, "1.234567e+06"), (0.05, "0.05"), (100_000.0, "100000"), (0.00001, "1e-05"), (0.0001, "0.0001"), (2.5, "2.5"), (-3.0, "-3"),
    ])
    func valuesPrintAsGoPrintsThem(value: Double, expected: String) {
        #expect(GoTemplate.formatValue(value) == expected)
    }

    @Test func humanizedValuesMatchPrometheusTemplates() {
        #expect(GoTemplate.humanize(1234.5) == "1.234k")
        #expect(GoTemplate.humanize(0.25) == "250m")
        #expect(GoTemplate.humanizePercentage(0.0512) == "5.12%")
        #expect(GoTemplate.humanizeDuration(0.375) == "375ms")
        #expect(GoTemplate.humanizeDuration(90) == "1m 30s")
        #expect(
            GoTemplate.render("{{ $labels.model_name }} at {{ $value | humanizePercentage }}", labels: ["model_name": "fraud"], value: 0.5)
                == "fraud at 50%"
        )
    }

    @Test func seriesUseExpandingNotation() {
        #expect(RuleScenario.expanding([0, 10, 20, 30, 30, 30, 0.5, nil, nil]) == "0+10x3 30+0x1 0.5 _x2")
    }

    @Test func histogramQuantileInterpolatesAsPrometheusDoes() {
        // 100 observations in (0.1, 0.25]: the median is half-way through the bucket.
        let value = SyntheticSeries.histogramQuantile(0.5, [(0.1, 0), (0.25, 100), (.infinity, 100)])
        #expect(abs(value - 0.175) < 1e-12)
        #expect(SyntheticSeries.histogramQuantile(0.99, [(0.1, 0), (.infinity, 10)]) == 0.1)
    }
}
