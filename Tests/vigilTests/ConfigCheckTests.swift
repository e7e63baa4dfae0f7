import ChildProcess
import Foundation
import Testing

/// `vigil config check FILE`: the issue's example works as written, and every mistake is an error naming the
/// file, the line and the key.
struct ConfigCheckTests {
    static let example = """
        alerting:
          evaluation_interval: 15s
          alertmanager: {url: "http://127.0.0.1:9093"}
          rules:
            - name: FraudErrors
              model: fraud
              metric: error_rate
              window: 5m
              above: 0.01
              for: 10m
              severity: critical
        """

    func check(_ yaml: String) async throws -> (status: Int32, output: String, error: String) {
        let path = VigilProcess.temporaryPath(".yaml")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try await VigilProcess.run(["config", "check", path])
        return (run.status, run.standardOutput, run.standardError.replacingOccurrences(of: path, with: "FILE"))
    }

    @Test func theIssueExampleIsValidAndListedWithTheBuiltInRules() async throws {
        let result = try await check(Self.example)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("alerting: evaluated every 15s, Alertmanager http://127.0.0.1:9093 (resend every 1m)"))
        #expect(result.output.contains("rules (12, 11 built-in):"))
        let line = result.output.split(separator: "\n").first { $0.contains("FraudErrors") }.map(String.init) ?? ""
        #expect(line.contains("fraud") && line.contains("error_rate over 5m above 0.01") && line.contains("for 10m") && line.hasSuffix("critical"), "\(line)")
    }

    @Test func segmentRulesAreListedWithTheirSegment() async throws {
        let result = try await check("""
            alerting:
              builtin_rules: false
              rules:
                - {name: PartnerSlow, model: fraud, metric: latency_p99, window: 5m, above: 500, segment: {channel: partner-api}}
                - {name: ChannelErrors, metric: error_rate, window: 5m, above: 0.05, segment: channel}
            """)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("latency_p99[channel=partner-api] over 5m above 500"), "\(result.output)")
        #expect(result.output.contains("error_rate[each channel] over 5m above 0.05"))
    }

    @Test func aRuleWithABuiltInsNameChangesOnlyTheFieldsItGivesAndBuiltInsCanBeTurnedOff() async throws {
        let result = try await check("""
            alerting:
              disable: [MLModelDown, MLModelLowAccuracy]
              rules:
                - name: MLModelHighLatency
                  above: 300
            """)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("rules (9, 8 built-in):"))
        let line = result.output.split(separator: "\n").first { $0.hasPrefix("  MLModelHighLatency") }.map(String.init) ?? ""
        #expect(line.contains("latency_p99 over 5m above 300") && line.contains("for 5m, ≥ 20 events") && line.hasSuffix("warning"), "\(line)")
        #expect(!result.output.contains("MLModelDown"))
    }

    @Test(arguments: [
        ("alerting:\n  evaluation_intervall: 15s\n", "FILE:2: alerting.evaluation_intervall: unknown setting"),
        ("alerting:\n  evaluation_interval: fast\n", "FILE:2: alerting.evaluation_interval: must be a duration such as 15s"),
        ("alerting:\n  alertmanager: {url: 127.0.0.1:9093}\n", "FILE:2: alerting.alertmanager.url: must be an http:// or https:// URL"),
        ("alerting:\n  rules:\n    - name: A\n      metric: error_rte\n      window: 5m\n      above: 1\n", "FILE:4: alerting.rules[0].metric: unknown metric error_rte"),
        ("alerting:\n  rules:\n    - name: A\n      metric: error_rate\n      window: 5m\n", "FILE:3: alerting.rules[0]: rule A needs above: or below:"),
        ("alerting:\n  rules:\n    - name: A\n      metric: error_rate\n      window: 5m\n      above: 0.01\n      resolve_threshold: 0.05\n",
         "FILE:7: alerting.rules[0].resolve_threshold: 0.05 would clear the alert before it fires"),
        ("alerting:\n  rules:\n    - {name: A, metric: error_rate, window: 5m, above: 1}\n    - {name: A, metric: error_rate, window: 1h, above: 1}\n",
         "FILE:4: alerting.rules[1].name: A is already the name of alerting.rules[0]"),
        ("alerting:\n  rules:\n    - {name: A, metric: error_rate, window: 5m, above: 1, feature: amount}\n",
         "FILE:3: alerting.rules[0].feature: error_rate is not measured per feature"),
        ("alerting:\n  rules:\n    - {name: A, metric: psi, window: 5m, above: 0.2, labels: {severity: low}}\n",
         "FILE:3: alerting.rules[0].labels.severity: is set by Vigil itself"),
        ("alerting:\n  rules:\n    - {name: A, metric: psi, window: 5m, above: 0.2, no_data: maybe}\n", "FILE:3: alerting.rules[0].no_data: must be one of ok, keep, alerting"),
        ("alerting:\n  disable: [MLModelGone]\n", "FILE:2: alerting.disable[0]: no built-in rule is called MLModelGone"),
        ("alerting:\n  rules:\n    - {name: A, metric: psi, window: 5m, above: 0.2, segment: channel}\n", "FILE:3: alerting.rules[0].segment: segments are measured on requests"),
        ("alerting:\n  rules:\n    - {name: bad-name, metric: psi, window: 5m, above: 0.2}\n", "FILE:3: alerting.rules[0].name: an alert name must match"),
        ("alerting:\n  slos:\n    - {name: loose, model: fraud, objective: 0.9}\n",
         "FILE:3: alerting.slos[0].objective: tier page_fast can never fire: it needs an error ratio of 14.4 × 0.1 = 1.44, above 1"),
        ("alerting:\n  slos:\n    - name: loose\n      model: fraud\n      objective: 0.95\n      tiers:\n        - page_slow\n        - {name: x, long: 1h, factor: 30, for: 0s, severity: critical}\n",
         "FILE:8: alerting.slos[0].tiers[1]: tier x can never fire"),
        ("alerting:\n  slos:\n    - {name: a, model: fraud, objective: 1.2}\n", "FILE:3: alerting.slos[0].objective: must be a share between 0 and 1"),
        ("alerting:\n  slos:\n    - {name: a, model: fraud, objective: 0.99, indicator: latency}\n", "a latency SLO needs latency_threshold"),
        ("alerting:\n  slos:\n    - {name: a, model: fraud, objective: 0.99, tiers: [page_fastest]}\n", "FILE:3: alerting.slos[0].tiers[0]: no default tier is called page_fastest"),
        ("alerting:\n  slos:\n    - {name: a, model: fraud, objective: 0.99, period: 1d}\n", "tier ticket_slow's long window 3d is longer than the period 1d"),
        ("alerting:\n  slos:\n    - {name: a, model: fraud, objective: 0.9, indicator: quality, metric: accuracy}\n", "a quality SLO needs metric (such as accuracy) and target"),
        ("alerting:\n  slos:\n    - {name: a, model: fraud, objective: 0.9, indicator: quality, metric: mean_error, target: 0}\n",
         "FILE:3: alerting.slos[0].metric: must be a model-quality figure with a better side"),
        ("alerting:\n  slos:\n    - {name: a, model: fraud, objective: 0.9, target: 0.8}\n", "FILE:3: alerting.slos[0].target: only a quality SLO (indicator: quality) has target"),
        ("alerting:\n  slos:\n    - {name: a, model: fraud, objective: 0.9, indicator: quality, metric: accuracy, target: 0.8, min_labels: 0}\n",
         "FILE:3: alerting.slos[0].min_labels: must be a whole number, 1 or more"),
        ("alerting:\n  receivers: [{name: a, webhook: {url: \"http://x/y\"}}]\n", "FILE:2: alerting: receivers are given but no route"),
        ("alerting:\n  receivers: [{name: a, email: {to: x, from: y, smarthost: z}}]\n  route: {receiver: a}\n", "FILE:2: alerting.receivers[0].email.smarthost: must be host:port"),
        ("alerting:\n  receivers: [{name: a, email: {to: x, from: y, smarthost: \"z:25\", auth_username: u, require_tls: false}}]\n  route: {receiver: a}\n",
         "FILE:2: alerting.receivers[0].email.require_tls: a password is never sent without TLS"),
        ("alerting:\n  receivers: [{name: a, pager: {to: x}}]\n  route: {receiver: a}\n", "FILE:2: alerting.receivers[0].pager: unknown setting"),
        ("alerting:\n  receivers: [{name: a, slack: {url: x}}]\n  route: {receiver: a}\n", "FILE:2: alerting.receivers[0].slack.url: unknown setting"),
        ("alerting:\n  receivers: [{name: a, webhook: {url: \"http://x/y\"}}]\n  route: {receiver: b}\n", "FILE:3: alerting.route.receiver: no receiver is called b"),
        ("alerting:\n  receivers: [{name: a, webhook: {url: \"http://x/y\"}}]\n  route:\n    receiver: a\n    routes: [{matchers: ['severity'], receiver: a}]\n",
         "FILE:5: alerting.route.routes[0].matchers[0]"),
        ("alerting:\n  inhibit_rules: [{source_matchers: ['x=~\"(\"'], target_matchers: []}]\n", "FILE:2: alerting.inhibit_rules[0].source_matchers[0]"),
    ])
    func mistakesNameTheLineAndTheKey(_ yaml: String, _ message: String) async throws {
        let result = try await check(yaml)
        #expect(result.status != 0)
        #expect(result.error.contains(message), "\(result.error)")
    }

    @Test func sloTiersAreListedWithExactFactorsAndCanBeChanged() async throws {
        let result = try await check("""
            alerting:
              slos:
                - name: fraud-availability
                  model: fraud
                  objective: 99.9%
                - name: fraud-latency
                  model: fraud
                  indicator: latency
                  latency_threshold: 250ms
                  objective: 0.99
                  period: 28d
                  tiers: [page_fast, {name: ticket_slow, for: 1h}, {name: weekly, long: 7d, budget_percent: 25, for: 6h, severity: info}]
            """)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("  fraud-availability: fraud availability ≥ 99.9 % over 30d"))
        #expect(result.output.contains("    page_fast: burn > 14.4× over 1h/5m for 2m → critical"))
        #expect(result.output.contains("    ticket_slow: burn > 1× over 3d/6h for 3h → warning"))
        #expect(result.output.contains("  fraud-latency: fraud latency ≤ 250 ms ≥ 99 % over 28d"))
        #expect(result.output.contains("    page_fast: burn > 13.44× over 1h/5m for 2m → critical"))
        #expect(result.output.contains("    ticket_slow: burn > 0.933333× over 3d/6h for 1h → warning"))
        #expect(result.output.contains("    weekly: burn > 1× over 7d/14h for 6h → info"))
    }

    @Test func latencyThresholdsOffTheHistogramsBucketsAreWarnedAbout() async throws {
        let result = try await check("""
            alerting:
              rules:
                - {name: Slow, model: fraud, metric: latency_p95, window: 5m, above: 300}
                - {name: Slower, model: fraud, metric: latency_p99, window: 5m, above: 1000}
            """)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("warning: rule Slow: 300 ms is not a bucket bound of ml_prediction_latency_seconds"), "\(result.output)")
        #expect(!result.output.contains("rule Slower:"), "1 s is a bound")
    }

    @Test func aQualitySLOIsListedWithItsWindowsAndFittedTiers() async throws {
        let result = try await check("""
            alerting:
              slos:
                - {name: fraud-accuracy, model: fraud, indicator: quality, metric: accuracy, target: 0.9, min_labels: 20, objective: 95%}
                - {name: price-error, model: price, indicator: quality, metric: rmse, target: 12.5, window: 6h, objective: 0.95}
            """)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("  fraud-accuracy: fraud 1h windows with accuracy ≥ 0.9 (≥ 20 labels) ≥ 95 % over 30d"), "\(result.output)")
        #expect(result.output.contains("    page_fast: burn > 14.4× over 1h/1h for 2m → critical"))
        #expect(result.output.contains("  price-error: price 6h windows with rmse ≤ 12.5 (≥ 50 labels) ≥ 95 % over 30d"))
        #expect(result.output.contains("    page_slow: burn > 6× over 6h/6h for 15m → critical"))
    }

    @Test func receiversAndRoutesAreCheckedAndListed() async throws {
        let result = try await check("""
            alerting:
              receivers:
                - {name: oncall, webhook: {url: "http://127.0.0.1:9000/hook"}}
                - {name: ml-chat, slack: {url_env: SLACK_URL}}
                - {name: ml-bot, telegram: {token_env: BOT_TOKEN, chat_id: "-100123"}, send_resolved: false}
                - {name: ml-mail, email: {to: [ml@example.com], from: vigil@example.com, smarthost: "smtp.example.com:587", auth_username: vigil, auth_password_env: SMTP_PASSWORD}}
              route:
                receiver: oncall
                group_by: [alertname, model_name]
                routes:
                  - {matchers: ['severity="warning"'], receiver: ml-chat, continue: true}
                  - {matchers: ['model_name=~"fraud|churn"'], receiver: ml-bot, group_wait: 10s}
              inhibit_rules:
                - {source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: [model_name]}
            """)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("receivers: oncall (webhook), ml-chat (slack), ml-bot (telegram, no resolutions), ml-mail (email)"), "\(result.output)")
        #expect(result.output.contains("  0 → oncall, by alertname, model_name, wait 30s, interval 5m, repeat 4h"))
        #expect(result.output.contains("    severity=\"warning\" → ml-chat (continue), by alertname, model_name, wait 30s, interval 5m, repeat 4h"))
        #expect(result.output.contains("    model_name=~\"fraud|churn\" → ml-bot, by alertname, model_name, wait 10s, interval 5m, repeat 4h"))
    }

    @Test func hooksAreCheckedAndListed() async throws {
        let result = try await check("""
            alerting:
              hooks:
                - {name: rollback, command: [/usr/local/bin/rollback, --model, fraud], matchers: ['alertname="FraudErrors"'], approval: true}
                - {name: retrain, http: {url: "http://trainer.internal/retrain"}, on: [firing, resolved], dry_run: true, cooldown: 1h}
            """)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains(#"hook rollback: /usr/local/bin/rollback --model fraud for alertname="FraudErrors" (on firing, timeout 30s, cooldown 10m, needs approval)"#), "\(result.output)")
        #expect(result.output.contains("hook retrain: POST http://trainer.internal/retrain for every alert (on firing, resolved, timeout 30s, cooldown 1h, dry run)"))
        let relative = try await check("alerting:\n  hooks: [{name: r, command: [rollback.sh]}]\n")
        #expect(relative.error.contains("FILE:2: alerting.hooks[0].command: must start with the program's absolute path"), "\(relative.error)")
        let neither = try await check("alerting:\n  hooks: [{name: r}]\n")
        #expect(neither.error.contains("FILE:2: alerting.hooks[0]: hook r needs command or http"), "\(neither.error)")
    }

    @Test func aTokenVariableThatIsNotSetHereIsAWarningNotAnError() async throws {
        let result = try await check("tokens:\n  - {name: svc, token_env: VIGIL_TEST_UNSET_TOKEN_\(UInt32.random(in: 0...UInt32.max)), scopes: [ingest]}\n")
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("warning: tokens[0] (svc): environment variable VIGIL_TEST_UNSET_TOKEN_"))
    }

    @Test func comparisonsAndARuleOnTheirVerdictAreChecked() async throws {
        let good = try await check("""
            comparisons:
              window_seconds: 86400
              pairs:
                - {model: churn, baseline: v1, candidate: v2, metrics: accuracy, guardrails: "latency_p99:0.1", split: "90,10"}
                - {model: ranker, baseline: v3, candidate: v4-shadow, paired: true}
            alerting:
              builtin_rules: false
              rules:
                - {name: ChallengerRejected, metric: comparison_verdict, window: 1d, below: -0.5}
            """)
        #expect(good.status == 0, "\(good.error)")
        #expect(good.output.contains("comparison_verdict over 1d below -0.5"), "\(good.output)")
        #expect(good.output.contains("  churn: v2 against v1 on accuracy; guardrails latency_p99 within 0.1; sequential, split 90/10"), "\(good.output)")
        #expect(good.output.contains("  ranker: v4-shadow against v3 on accuracy or mae; guardrails error_rate, latency_p99; sequential, paired by request_id"), "\(good.output)")
        let bad = try await check("""
            comparisons:
              pairs:
                - {model: churn, baseline: v1, metrics: acuracy}
            """)
        #expect(bad.status == 2)
        #expect(bad.error.contains("comparisons.pairs[0] (churn): metrics: \"acuracy\" is not a metric"), "\(bad.error)")
        let unknown = try await check("comparisons: {windows: 3}\n")
        #expect(unknown.status == 2 && unknown.error.contains("unknown setting \"comparisons.windows\""), "\(unknown.error)")
    }
}
