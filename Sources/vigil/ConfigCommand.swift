import ArgumentParser
import Foundation
import VigilAlerting
import VigilCore
import VigilExport
import VigilServer
import VigilStats

/// `vigil config`: work with the server's configuration file without starting a server.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate the server's configuration file.",
        subcommands: [Check.self]
    )

    /// `vigil config check FILE`: decodes the file exactly as `vigil serve --config FILE` does and prints what it
    /// means; an error names the line and key.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check a `vigil serve` configuration file (every section, alert rules included) and list the rules it runs.",
            discussion: "Exits 0 when the file is valid. Unknown keys, values of the wrong kind and impossible rules are errors naming the line and key."
        )

        @Argument(help: "The YAML file given to `vigil serve --config`.")
        var file: String

        func run() throws {
            var configuration = ServerConfiguration()
            var warnings: [String] = []
            try ServeConfigurationFile.apply(file, to: &configuration, environment: ProcessInfo.processInfo.environment) { warnings.append($0) }
            print("\(file): valid")
            // Off a bucket bound, Prometheus interpolates inside the bucket where Vigil reads its sketch: an
            // exported copy of the rule (vigil export) could disagree with Vigil near the threshold.
            let bounds = ExportedAlert.latencyBuckets.map { $0 * 1000 }
            for rule in configuration.alerting.rules where rule.metric.description.hasPrefix("latency_p") {
                for limit in [rule.threshold] + (rule.resolveThreshold.map { [$0] } ?? []) where !bounds.contains(limit) {
                    warnings.append(
                        "rule \(rule.name): \(AlertRule.formatted(limit)) ms is not a bucket bound of ml_prediction_latency_seconds (\(bounds.map { AlertRule.formatted($0) }.joined(separator: ", ")) ms), so a Prometheus copy of it (vigil export) can disagree near the threshold"
                    )
                }
            }
            for slo in configuration.alerting.slos {
                guard case .latency(let bound) = slo.indicator, !bounds.contains(bound) else { continue }
                warnings.append("SLO \(slo.name): \(AlertRule.formatted(bound)) ms is not a bucket bound of ml_prediction_latency_seconds, so vigil export reads Vigil's burn-rate gauges for it")
            }
            for warning in warnings { print("warning: \(warning)") }
            print(Self.describe(configuration.alerting))
            print(Self.describe(configuration.comparisons))
        }

        /// The comparisons the server keeps, in words.
        static func describe(_ comparisons: ComparisonSettings) -> String {
            var lines = [
                "comparisons over \(PrometheusDuration.format(milliseconds: Int64(comparisons.windowSeconds) * 1000))"
                    + (comparisons.automatic ? "; a model without pairs: its busiest version against each other one" : "; configured pairs only")
            ]
            for pair in comparisons.pairs {
                let plan = pair.plan
                let metrics = plan.primaries.map { $0.map(\.name).joined(separator: ", ") } ?? "accuracy or mae"
                let guardrails = plan.guardrails.map { $0.map { "\($0.metric.name) within \(AlertRule.formatted($0.tolerance))" }.joined(separator: ", ") } ?? "error_rate, latency_p99"
                let split = plan.split.map { ", split \(AlertRule.formatted($0.baseline))/\(AlertRule.formatted($0.candidate))" } ?? ""
                lines.append("  \(pair.model): \(pair.candidate ?? "every other version") against \(pair.baseline) on \(metrics); guardrails \(guardrails); \(plan.mode.name)\(split)\(pair.paired ? ", paired by request_id" : "")")
            }
            return lines.joined(separator: "\n")
        }

        /// The alerting section in words and a table of rules.
        static func describe(_ alerting: AlertingConfiguration) -> String {
            var lines: [String] = []
            let delivery = alerting.alertmanagerURL.map { "Alertmanager \($0) (resend every \(PrometheusDuration.format(milliseconds: alerting.resendDelay)))" } ?? "no Alertmanager"
            lines.append("alerting: evaluated every \(PrometheusDuration.format(milliseconds: alerting.evaluationInterval)), \(delivery)")
            lines.append("rules (\(alerting.rules.count), \(alerting.rules.filter(\.isBuiltIn).count) built-in):")
            let rows = alerting.rules.map { rule -> [String] in
                let scope = (rule.model ?? "every model") + (rule.version.map { " \($0)" } ?? (rule.perVersion ? "" : " (all versions)"))
                let segment = rule.selector.segmentTag.map { tag in rule.selector.segmentValue.map { "\(tag)=\($0)" } ?? "each \(tag)" }
                let selector = [rule.selector.feature, rule.selector.className, rule.selector.businessMetric, segment].compactMap { $0 }.first.map { "[\($0)]" } ?? ""
                var condition = "\(rule.metric)\(selector) over \(PrometheusDuration.format(milliseconds: rule.window)) \(rule.direction.rawValue) \(AlertRule.formatted(rule.threshold))"
                if let resolve = rule.resolveThreshold { condition += ", clears at \(AlertRule.formatted(resolve))" }
                var guards: [String] = []
                if rule.holdFor > 0 { guards.append("for \(PrometheusDuration.format(milliseconds: rule.holdFor))") }
                if rule.keepFiringFor > 0 { guards.append("keep firing \(PrometheusDuration.format(milliseconds: rule.keepFiringFor))") }
                if rule.minimumEvents > 0 { guards.append("≥ \(rule.minimumEvents) events") }
                if rule.noData != .ok { guards.append("no data: \(rule.noData.rawValue)") }
                return [rule.name + (rule.isBuiltIn ? " *" : ""), scope, condition, guards.joined(separator: ", "), rule.severity.rawValue]
            }
            let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                let line = "  " + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                lines.append(String(line.reversed().drop { $0 == " " }.reversed()))
            }
            lines.append("* built in (turn off with builtin_rules: false or disable: [NAME]; change with a rule of the same name)")
            if !alerting.receivers.isEmpty {
                let receivers = alerting.receivers.map { receiver -> String in
                    let kind: String =
                        switch receiver.kind {
                        case .webhook: "webhook"
                        case .slack: "slack"
                        case .telegram: "telegram"
                        case .email: "email"
                        }
                    let defaultResolved = Receiver(name: receiver.name, kind: receiver.kind).sendResolved
                    let note = receiver.sendResolved == defaultResolved ? "" : receiver.sendResolved ? ", with resolutions" : ", no resolutions"
                    return "\(receiver.name) (\(kind)\(note))"
                }
                lines.append("receivers: \(receivers.joined(separator: ", "))")
            }
            if let route = alerting.route {
                lines.append("route:")
                func describe(_ route: NotificationRoute, depth: Int, root: Bool) {
                    let format = PrometheusDuration.format(milliseconds:)
                    let match = root ? "0" : route.matchers.map(\.description).joined(separator: ", ")
                    let grouping = route.groupBy.isEmpty ? "one group" : "by \(route.groupBy.joined(separator: ", "))"
                    lines.append(
                        String(repeating: "  ", count: depth + 1)
                            + "\(match) → \(route.receiver)\(route.continueMatching ? " (continue)" : ""), \(grouping), wait \(format(route.groupWait)), interval \(format(route.groupInterval)), repeat \(format(route.repeatInterval))"
                    )
                    for child in route.routes { describe(child, depth: depth + 1, root: false) }
                }
                describe(route, depth: 0, root: true)
            }
            for hook in alerting.hooks {
                let action: String =
                    switch hook.action {
                    case .command(let argv): argv.joined(separator: " ")
                    case .http(let url): "POST \(url)"
                    }
                let guards = [
                    "on \(hook.on.map(\.rawValue).sorted().joined(separator: ", "))", "timeout \(PrometheusDuration.format(milliseconds: hook.timeout))",
                    "cooldown \(PrometheusDuration.format(milliseconds: hook.cooldown))", hook.requiresApproval ? "needs approval" : nil, hook.dryRun ? "dry run" : nil,
                ].compactMap { $0 }
                let scope = hook.matchers.isEmpty ? "every alert" : hook.matchers.map(\.description).joined(separator: ", ")
                lines.append("hook \(hook.name): \(action) for \(scope) (\(guards.joined(separator: ", ")))")
            }
            if !alerting.slos.isEmpty { lines.append("SLOs (\(alerting.slos.count)):") }
            for slo in alerting.slos {
                let indicator: String =
                    switch slo.indicator {
                    case .availability: "availability"
                    case .latency(let bound): "latency ≤ \(AlertRule.formatted(bound)) ms"
                    case .quality(let quality):
                        "\(PrometheusDuration.format(milliseconds: quality.window)) windows with \(quality.metric) \(quality.higherIsBetter ? "≥" : "≤") \(AlertRule.formatted(quality.target)) (≥ \(quality.minimumLabelled) labels)"
                    }
                let scope = slo.model + (slo.version.map { " \($0)" } ?? "")
                lines.append("  \(slo.name): \(scope) \(indicator) ≥ \(AlertRule.formatted(slo.objective * 100)) % over \(PrometheusDuration.format(milliseconds: slo.period))")
                for tier in slo.tiers {
                    let windows = "\(PrometheusDuration.format(milliseconds: tier.long))/\(PrometheusDuration.format(milliseconds: tier.short))"
                    lines.append("    \(tier.name): burn > \(AlertRule.formatted(tier.factor))× over \(windows) for \(PrometheusDuration.format(milliseconds: tier.holdFor)) → \(tier.severity.rawValue)")
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}
