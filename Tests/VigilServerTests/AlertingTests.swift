import ChildProcess
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import VigilAlerting
import VigilCore
import VigilServer

/// Alerts from a running Vigil: to a real Alertmanager (Debian's `prometheus-alertmanager`), and to a
/// recording receiver that counts every delivery across a restart.
@Suite(.serialized) struct AlertingTests {
    /// The issue's rule (error rate above 1 % over 5 minutes), evaluated every 250 ms. It resolves when enough
    /// successful predictions follow, so no test waits for a window to age and none depends on how fast a busy
    /// machine restarts a server.
    static func configure(_ configuration: inout ServerConfiguration, alertmanager: String, resendDelay: Int64 = 600_000) {
        configuration.alerting.evaluationInterval = 250
        configuration.alerting.resendDelay = resendDelay
        configuration.alerting.alertmanagerURL = alertmanager
        configuration.alerting.rules = [
            AlertRule(
                name: "FraudErrors", model: "fraud", metric: .errorRate, window: 300_000, direction: .above, threshold: 0.01, severity: .critical,
                labels: ["team": "risk"], annotations: ["runbook_url": "https://runbooks.example/fraud-errors"]
            )
        ]
    }

    /// Sends `rounds` batches of 20 predictions, 10 % failed, a little apart.
    static func sendErrors(_ server: TestServer, rounds: Int) async throws {
        try await PrometheusTests.feed(server, rounds: rounds, pause: .milliseconds(100))
    }

    /// Sends `count` successful predictions, enough to bring the window's error rate under 1 %.
    static func sendSuccesses(_ server: TestServer, count: Int) async throws {
        let rows = (0..<count).map { _ in predictionJSON(age: 30, city: "x", score: 0.9) }
        let answer = try await server.request("POST", "/v1/models/fraud/predictions", body: rows.joined(separator: "\n"), contentType: "application/x-ndjson")
        #expect(answer.status == 200, "\(answer.text)")
    }

    /// Polls `condition` every 100 ms for up to `seconds`.
    static func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    static func alerts(_ server: TestServer) async throws -> [[String: Any]] {
        (try await server.request("GET", "/v1/alerts").json()["alerts"] as? [[String: Any]]) ?? []
    }

    @Test(.enabled(if: PrometheusTests.tool("prometheus-alertmanager") != nil || PrometheusTests.inCI, "Alertmanager is not installed (apt-get install prometheus-alertmanager); .ci/run installs it"))
    func anAlertReachesAlertmanagerWithItsLabelsAndItsResolutionFollows() async throws {
        let binary = try #require(PrometheusTests.tool("prometheus-alertmanager"), "Alertmanager is required in CI")
        let alertmanager = try await RealAlertmanager.start(binary: binary)
        defer { alertmanager.stop() }
        let server = try await TestServer.start { Self.configure(&$0, alertmanager: alertmanager.url) }
        try await Self.sendErrors(server, rounds: 5)

        var received: [String: Any]?
        let arrived = try await Self.eventually(15) {
            received = try await alertmanager.alerts().first { value($0, "labels", "alertname") as? String == "FraudErrors" }
            return received != nil
        }
        #expect(arrived, "Alertmanager never received FraudErrors")
        let labels = value(received, "labels") as? [String: String]
        #expect(labels == ["alertname": "FraudErrors", "severity": "critical", "model_name": "fraud", "model_version": "v1", "team": "risk"])
        #expect(value(received, "annotations", "runbook_url") as? String == "https://runbooks.example/fraud-errors")
        #expect((value(received, "annotations", "summary") as? String)?.contains("error_rate of fraud v1 is above 0.01") == true)
        #expect((value(received, "generatorURL") as? String)?.hasPrefix("http://127.0.0.1:\(server.port)/alerts?fingerprint=") == true)
        #expect(value(received, "status", "state") as? String == "active")
        // Alertmanager keeps the alert until endsAt: four resend delays (4 minutes) ahead of the last delivery.
        let startsAt = try #require((value(received, "startsAt") as? String).flatMap(Timestamp.parseRFC3339))
        let endsAt = try #require((value(received, "endsAt") as? String).flatMap(Timestamp.parseRFC3339))
        #expect(endsAt - startsAt >= 230_000)

        // Successful traffic brings the error rate under 1 %: the alert resolves in Vigil, and the resolution
        // (endsAt = when it resolved) takes it out of Alertmanager's active alerts minutes before its endsAt.
        try await Self.sendSuccesses(server, count: 2_000)
        let gone = try await Self.eventually(20) { try await alertmanager.alerts().allSatisfy { value($0, "labels", "alertname") as? String != "FraudErrors" } }
        #expect(gone, "the resolution did not reach Alertmanager")
        let vigil = try await server.request("GET", "/v1/alerts").json()
        let states = (vigil["alerts"] as? [[String: Any]])?.compactMap { $0["state"] as? String }
        #expect(states == ["resolved"])
        let history = (vigil["history"] as? [[String: Any]])?.compactMap { $0["to"] as? String }
        #expect(history == ["resolved", "firing"])
        let metrics = try await server.request("GET", "/metrics").text
        #expect(metrics.contains(#"vigil_notifications_total{receiver="alertmanager",result="sent"}"#))
        try await server.stop()
    }

    @Test(.enabled(if: PrometheusTests.tool("prometheus-alertmanager") != nil || PrometheusTests.inCI, "Alertmanager is not installed (apt-get install prometheus-alertmanager); .ci/run installs it"))
    func alertsRoutedThroughAlertmanagerGetVigilsHooksOncePerFiring() async throws {
        let binary = try #require(PrometheusTests.tool("prometheus-alertmanager"), "Alertmanager is required in CI")
        let recorded = TestServer.temporaryDirectory() + ".json"
        let server = try await TestServer.start { configuration in
            configuration.alerting.rules = []
            configuration.alerting.hooks = [
                RemediationHook(name: "restart-api", action: .command(["/usr/bin/tee", recorded]), matchers: [LabelMatcher("alertname", .equal, "APIDown")])
            ]
        }
        // Alertmanager routes to Vigil's webhook, and re-notifies the group every second while it changes.
        let alertmanager = try await RealAlertmanager.start(
            binary: binary,
            config: """
                route: {receiver: vigil, group_wait: 1s, group_interval: 1s, repeat_interval: 1m}
                receivers: [{name: vigil, webhook_configs: [{url: "http://127.0.0.1:\(server.port)/v1/alertmanager/webhook"}]}]
                """
        )
        defer { alertmanager.stop() }
        // A Prometheus rule's alert, posted as Prometheus posts it, then a second one that changes the group.
        let now = Timestamp.formatRFC3339(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        #expect(try await alertmanager.post(#"[{"labels": {"alertname": "APIDown", "service": "api"}, "annotations": {"summary": "api is down"}, "startsAt": "\#(now)"}]"#) == 200)
        func runs() async throws -> [[String: Any]] { try await server.request("GET", "/v1/hooks/runs").json()["runs"] as? [[String: Any]] ?? [] }
        let ran = try await Self.eventually(15) { try await runs().first?["state"] as? String == "succeeded" }
        let first = try await runs()
        #expect(ran, "\(first)")
        #expect(try await alertmanager.post(#"[{"labels": {"alertname": "DiskFull", "service": "db"}, "startsAt": "\#(now)"}]"#) == 200)
        try await Task.sleep(for: .seconds(3))
        let all = try await runs()
        #expect(all.count == 1, "Alertmanager's repeated messages ran the hook again: \(all.map { $0["key"] ?? "" })")
        #expect(value(all.first, "labels", "service") as? String == "api")
        let input = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: recorded))) as? [String: Any]
        #expect(value(input, "annotations", "summary") as? String == "api is down")
        try await server.stop()
    }

    @Test func aRestartNeitherPagesAgainNorResolvesAFiringAlert() async throws {
        let receiver = try await RecordingReceiver.start()
        let directory = TestServer.temporaryDirectory()
        let configure: (inout ServerConfiguration) -> Void = { Self.configure(&$0, alertmanager: receiver.url) }
        var server = try await TestServer.start(directory: directory, configure: configure)
        try await Self.sendErrors(server, rounds: 3)
        #expect(try await Self.eventually(10) { receiver.deliveries.count >= 1 }, "the alert was never delivered")
        let first = try #require(try await Self.alerts(server).first)
        try await server.stop()

        // Restarted with the errors still inside the window: the alert is the same firing alert (same
        // activation, same startsAt), and within the resend delay nothing is sent again.
        server = try await TestServer.start(directory: directory, configure: configure)
        try await Task.sleep(for: .milliseconds(800))
        let after = try #require(try await Self.alerts(server).first)
        #expect(after["state"] as? String == "firing")
        #expect(after["firedAt"] as? String == first["firedAt"] as? String)
        #expect(after["activeAt"] as? String == first["activeAt"] as? String)
        #expect(receiver.deliveries.count == 1)
        let history = try await server.request("GET", "/v1/alerts").json()["history"] as? [[String: Any]]
        #expect(history?.compactMap { $0["to"] as? String } == ["firing"])
        try await server.stop()
        try await receiver.stop()
    }

    /// A window read for a latency rule alone holds the latency sketch: windows without a drift rule beside them
    /// once read the traffic alone, so such a rule never saw a latency and never fired.
    @Test func aLatencyRuleAloneFiresOnTheWindowsLatency() async throws {
        let server = try await TestServer.start { configuration in
            configuration.alerting.evaluationInterval = 250
            configuration.alerting.rules = [
                AlertRule(name: "SlowFraud", model: "fraud", metric: .latency(quantile: 0.99), window: 300_000, direction: .above, threshold: 100, severity: .warning)
            ]
        }
        let rows = (0..<50).map { _ in predictionJSON(age: 30, city: "x", latency: 450) }
        let answer = try await server.request("POST", "/v1/models/fraud/predictions", body: rows.joined(separator: "\n"), contentType: "application/x-ndjson")
        #expect(answer.status == 200, "\(answer.text)")
        var alert: [String: Any]?
        let fired = try await Self.eventually(10) {
            alert = try await Self.alerts(server).first { value($0, "labels", "alertname") as? String == "SlowFraud" }
            return alert?["state"] as? String == "firing"
        }
        #expect(fired, "SlowFraud never fired: \(String(describing: alert))")
        let observed = try #require(alert?["value"] as? Double)
        #expect(abs(observed - 450) < 450 * 0.01, "p99 of 450 ms latencies read as \(observed)")
        try await server.stop()
    }

    @Test func aFailedDeliveryIsRetriedAtTheNextEvaluation() async throws {
        let receiver = try await RecordingReceiver.start(failFirst: 2)
        let server = try await TestServer.start { Self.configure(&$0, alertmanager: receiver.url) }
        try await Self.sendErrors(server, rounds: 3)
        #expect(try await Self.eventually(10) { receiver.deliveries.count >= 1 }, "the alert was never delivered after the receiver recovered")
        #expect(receiver.attempts >= 3)
        let metrics = try await server.request("GET", "/metrics").text
        #expect(metrics.contains(#"vigil_notifications_total{receiver="alertmanager",result="failed"} 2"#))
        try await server.stop()
        try await receiver.stop()
    }

    @Test func anAvailabilitySLOReportsItsBudgetAndItsFastTierPages() async throws {
        let receiver = try await RecordingReceiver.start()
        let server = try await TestServer.start { configuration in
            Self.configure(&configuration, alertmanager: receiver.url)
            configuration.alerting.rules = []
            var slo = ServiceLevelObjective(name: "fraud-availability", model: "fraud", indicator: .availability, objective: 0.99)
            // The fast page tier without its two minutes of `for`, so the test sees it fire at once.
            slo.tiers[0].holdFor = 0
            configuration.alerting.slos = [slo]
        }
        // 10 % of predictions fail: the budget (1 %) burns 10 times as fast as the period allows. That is below
        // the fast tier's 14.4, so nothing pages yet; the slower tiers (6, 3, 1) are pending for their `for`.
        try await Self.sendErrors(server, rounds: 5)
        // The SLO moves at the evaluator's next tick: read until an evaluation has seen all 100 predictions and the
        // slower tiers are pending (a fixed 600 ms was too short on a loaded machine, and an evaluation between two
        // rounds saw 80).
        var slos: [String: Any] = [:]
        let settled = try await Self.eventually(10) {
            slos = try await server.request("GET", "/v1/slos").json()
            let slo = (slos["slos"] as? [[String: Any]])?.first
            let tiers = (slo?["tiers"] as? [[String: Any]]) ?? []
            return slo?["events"] as? Int == 100 && tiers.map { $0["state"] as? String } == ["inactive", "pending", "pending", "pending"]
        }
        #expect(settled, "no evaluation saw the 100 predictions with the slower tiers pending")
        var slo = try #require((slos["slos"] as? [[String: Any]])?.first)
        #expect(slo["events"] as? Int == 100)
        #expect(abs((number(slo, "sli") ?? 0) - 0.9) < 1e-12)
        // 10 bad of the 1 allowed in 100 predictions: the budget is overspent nine times over.
        #expect(abs((number(slo, "errorBudgetRemaining") ?? 0) - -9) < 1e-9)
        let burns = slo["burnRates"] as? [[String: Any]] ?? []
        #expect(burns.map { $0["window"] as? String } == ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"])
        #expect(burns.allSatisfy { abs((number($0, "burnRate") ?? 0) - 10) < 1e-9 })
        #expect((slo["tiers"] as? [[String: Any]])?.map { $0["state"] as? String } == ["inactive", "pending", "pending", "pending"])
        #expect(receiver.deliveries.isEmpty)

        // Now one in five fails: the burn rate passes 14.4 over both the hour and five minutes, and it pages.
        let failing = (0..<60).map { _ in predictionJSON(age: 30, city: "x", status: "error", errorType: "timeout") }
        #expect(try await server.request("POST", "/v1/models/fraud/predictions", body: failing.joined(separator: "\n"), contentType: "application/x-ndjson").status == 200)
        #expect(try await Self.eventually(10) { !receiver.deliveries.isEmpty }, "the page_fast tier never paged")
        let delivered = try JSONSerialization.jsonObject(with: receiver.deliveries[0]) as? [[String: Any]]
        #expect(value(delivered?.first, "labels") as? [String: String] == [
            "alertname": "SLOErrorBudgetBurn", "slo": "fraud-availability", "model_name": "fraud", "tier": "page_fast", "long": "1h", "short": "5m",
            "severity": "critical",
        ])
        slos = try await server.request("GET", "/v1/slos").json()
        slo = try #require((slos["slos"] as? [[String: Any]])?.first)
        let tiers = slo["tiers"] as? [[String: Any]] ?? []
        #expect(tiers.map { $0["state"] as? String } == ["firing", "pending", "pending", "pending"])
        #expect(tiers.first.flatMap { number($0, "errorRatioThreshold") } == 0.144)
        let metrics = try await server.request("GET", "/metrics").text
        #expect(metrics.contains(#"ml_slo_error_budget_remaining{slo="fraud-availability",model_name="fraud"}"#))
        #expect(metrics.contains(#"ml_slo_burn_rate{slo="fraud-availability",model_name="fraud",window="1h"} 43.75"#), "\(metrics.split(separator: "\n").filter { $0.contains("ml_slo") })")
        try await server.stop()
        try await receiver.stop()
    }

    @Test func longSLOWindowsCountedIncrementallyEqualAFreshCountAsTimeMoves() async throws {
        let start: Int64 = 1_800_000_000_000
        let clock = ManualClock(milliseconds: start)
        let server = try await TestServer.start(clock: clock.clock) { configuration in
            configuration.alerting.evaluationInterval = 100
            configuration.alerting.rules = []
            configuration.alerting.slos = [ServiceLevelObjective(name: "fraud-availability", model: "fraud", indicator: .availability, objective: 0.99)]
        }
        func send(_ count: Int, at milliseconds: Int64, failed: Int = 0) async throws {
            let rows = (0..<count).map { index in
                predictionJSON(age: 30, city: "x", status: index < failed ? "error" : nil, timestamp: Timestamp.formatRFC3339(milliseconds: milliseconds))
            }
            #expect(try await server.request("POST", "/v1/models/fraud/predictions", body: rows.joined(separator: "\n"), contentType: "application/x-ndjson").status == 200)
        }
        /// Events per window once an evaluation has seen `total` predictions over the period. An evaluation reads
        /// its windows one after another, so one that ran while the predictions came may have counted them in
        /// some windows only: the answer is read again after the next evaluations (every 100 ms).
        func windows(total: Int) async throws -> [String: Int] {
            func read() async throws -> [String: Int] {
                let slo = (try await server.request("GET", "/v1/slos").json()["slos"] as? [[String: Any]])?.first
                return Dictionary(uniqueKeysWithValues: (slo?["burnRates"] as? [[String: Any]] ?? []).map { ($0["window"] as! String, $0["events"] as! Int) })
            }
            _ = try await Self.eventually(10) { try await read()["30d"] == total }
            try await Task.sleep(for: .seconds(1))
            return try await read()
        }
        let day: Int64 = 86_400_000
        try await send(10, at: start - 3 * day + 30_000, failed: 2)
        try await send(20, at: start - 3_600_000)
        try await send(5, at: start)
        var events = try await windows(total: 35)
        #expect(events["30d"] == 35 && events["3d"] == 35 && events["1d"] == 25 && events["1h"] == 25, "\(events)")

        // Two minutes on, the oldest ten leave the three-day window, and seven more arrive.
        clock.advance(by: .seconds(120))
        try await send(7, at: start + 120_000)
        events = try await windows(total: 42)
        #expect(events["3d"] == 32 && events["1d"] == 32 && events["5m"] == 12, "\(events)")
        // A day later still: only the period keeps the first twenty-five.
        clock.advance(by: .seconds(86_400))
        try await send(1, at: start + 120_000 + day)
        events = try await windows(total: 43)
        #expect(events["3d"] == 33 && events["1d"] == 8 && events["1h"] == 1, "\(events)")
        let slo = (try await server.request("GET", "/v1/slos").json()["slos"] as? [[String: Any]])?.first
        // 2 failed of 43 with a 1 % budget: 1 − 2 / 0.43.
        #expect(abs((number(slo, "errorBudgetRemaining") ?? 0) - (1 - 2 / 0.43)) < 1e-9)
        try await server.stop()
    }

    /// A quality SLO counts clock hours: an hour with enough labels is good when its accuracy reaches the target.
    @Test func aQualitySLOCountsGoodHoursOfAccuracyFromLabels() async throws {
        let hour: Int64 = 3_600_000
        let start: Int64 = 1_800_000_000_000 / hour * hour + 20 * 60_000
        let clock = ManualClock(milliseconds: start)
        let server = try await TestServer.start(clock: clock.clock) { configuration in
            configuration.alerting.evaluationInterval = 100
            configuration.alerting.rules = []
            configuration.alerting.slos = [
                ServiceLevelObjective(
                    name: "fraud-accuracy", model: "fraud", indicator: .quality(.init(metric: "accuracy", target: 0.8, minimumLabelled: 10)), objective: 0.9
                )
            ]
        }
        /// `count` predictions of "yes" in the hour starting `hoursAgo` hours before the current one, `wrong` of them labelled "no".
        func send(hoursAgo: Int64, count: Int, wrong: Int) async throws {
            let at = start / hour * hour - hoursAgo * hour + 60_000
            let rows = (0..<count).map { index in
                predictionJSON(id: "h\(hoursAgo)-\(index)", age: 30, city: "x", timestamp: Timestamp.formatRFC3339(milliseconds: at))
            }
            #expect(try await server.request("POST", "/v1/models/fraud/predictions", body: rows.joined(separator: "\n"), contentType: "application/x-ndjson").status == 200)
            let labels = (0..<count).map { #"{"prediction_id": "h\#(hoursAgo)-\#($0)", "label": "\#($0 < wrong ? "no" : "yes")"}"# }
            #expect(try await server.request("POST", "/v1/models/fraud/labels", body: labels.joined(separator: "\n"), contentType: "application/x-ndjson").status == 200)
        }
        try await send(hoursAgo: 4, count: 20, wrong: 0)  // good: accuracy 1
        try await send(hoursAgo: 3, count: 20, wrong: 10)  // bad: 0.5
        try await send(hoursAgo: 2, count: 5, wrong: 0)  // too few labels: not counted
        try await send(hoursAgo: 1, count: 20, wrong: 2)  // good: 0.9
        try await send(hoursAgo: 0, count: 20, wrong: 20)  // the current hour: still open, not counted
        func read() async throws -> [String: Any]? { (try await server.request("GET", "/v1/slos").json()["slos"] as? [[String: Any]])?.first }
        #expect(try await Self.eventually(10) { try await read()?["events"] as? Int == 3 }, "three complete hours with enough labels")
        let slo = try #require(try await read())
        #expect(slo["indicator"] as? String == "quality")
        #expect(abs((number(slo, "sli") ?? 0) - 2.0 / 3) < 1e-12)
        // One bad window of three against a budget of 10 % of windows: 1 − (1/3) / 0.1.
        #expect(abs((number(slo, "errorBudgetRemaining") ?? 0) - (1 - (1.0 / 3) / 0.1)) < 1e-9)
        let burns = Dictionary(uniqueKeysWithValues: (slo["burnRates"] as? [[String: Any]] ?? []).map { ($0["window"] as! String, $0) })
        #expect(burns["1h"]?["events"] as? Int == 1 && number(burns["1h"], "burnRate") == 0, "the last complete hour was good")
        #expect(burns["6h"]?["events"] as? Int == 3 && abs((number(burns["6h"], "burnRate") ?? 0) - 10.0 / 3) < 1e-9)
        // The SLO page draws the budget through the period from the same windows: full after the good first
        // hour, 1 − 1 / (0.1 × 3) after the bad one, unchanged after the last good one.
        let page = try await server.request("GET", "/slos").text
        #expect(page.contains("Error budget left through the"), "\(page.prefix(200))")
        #expect(page.contains("bad windows so far against the budget of the period&#39;s windows") || page.contains("bad windows so far against the budget of the period's windows"))
        let readouts = page.components(separatedBy: "data-readout=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        let budgets = readouts.compactMap { readout in readout.components(separatedBy: "budget left: ").last.map { String($0) } }
        // The period's other hours had no labels: they leave the budget as it was (at most 60 points are drawn).
        #expect(budgets.first == "100.0%" && budgets.last == "-233.3%" && Set(budgets) == ["100.0%", "-233.3%"] && budgets.count <= 60, "\(budgets)")

        // The hour closes with every prediction wrong: the fast page tier's single hour burns at 10 (1 / 0.1),
        // below its 14.4; the slow page tier (6h at 6, 1h) reads 2 bad of 4 windows = 5, below 6.
        clock.advance(by: .seconds(3600))
        #expect(try await Self.eventually(10) { try await read()?["events"] as? Int == 4 })
        let after = try #require(try await read())
        let later = Dictionary(uniqueKeysWithValues: (after["burnRates"] as? [[String: Any]] ?? []).map { ($0["window"] as! String, $0) })
        #expect(number(later["1h"], "burnRate") == 10)
        #expect(abs((number(later["6h"], "burnRate") ?? 0) - 5) < 1e-9)
        try await server.stop()
    }

    @Test func vigilsOwnReceiversGetGroupedMessagesAndSilencesMuteThem() async throws {
        let receiver = try await RecordingReceiver.start()
        let server = try await TestServer.start { configuration in
            Self.configure(&configuration, alertmanager: receiver.url)
            configuration.alerting.alertmanagerURL = nil
            configuration.environment = ["TEST_SLACK_URL": receiver.url + "/slack", "TEST_BOT_TOKEN": "123:secret"]
            configuration.alerting.receivers = [
                Receiver(name: "hook", kind: .webhook(url: receiver.url + "/hook")),
                Receiver(name: "chat", kind: .slack(urlVariable: "TEST_SLACK_URL")),
                Receiver(name: "bot", kind: .telegram(tokenVariable: "TEST_BOT_TOKEN", chatID: "-100", apiURL: receiver.url)),
            ]
            configuration.alerting.route = NotificationRoute(
                receiver: "hook", groupWait: 0, groupInterval: 500,
                routes: [
                    NotificationRoute(receiver: "chat", matchers: [LabelMatcher("severity", .equal, "critical")], groupWait: 0, groupInterval: 500, continueMatching: true),
                    NotificationRoute(receiver: "bot", matchers: [LabelMatcher("model_name", .equal, "fraud")], groupWait: 0, groupInterval: 500),
                ]
            )
        }
        try await Self.sendErrors(server, rounds: 3)
        #expect(try await Self.eventually(10) { Set(receiver.posts.map(\.path)).count == 2 }, "\(receiver.posts.map(\.path))")
        // A critical alert of fraud: the chat route matches and continues, the bot route matches and stops.
        let slack = try #require(receiver.posts.first { $0.path == "/slack" })
        let text = try #require((try JSONSerialization.jsonObject(with: slack.body) as? [String: String])?["text"])
        #expect(text.hasPrefix("[FIRING:1] FraudErrors fraud\n🔥 error_rate of fraud v1 is above 0.01"), "\(text)")
        let telegram = try #require(receiver.posts.first { $0.path.hasPrefix("/bot") })
        #expect(telegram.path == "/bot123:secret/sendMessage")
        #expect((try JSONSerialization.jsonObject(with: telegram.body) as? [String: String])?["chat_id"] == "-100")
        #expect(!receiver.posts.contains { $0.path == "/hook" })

        // Resolved: Telegram (send_resolved by default) hears of it, Slack (not by default) does not.
        try await Self.sendSuccesses(server, count: 2_000)
        #expect(try await Self.eventually(10) { receiver.posts.filter { $0.path.hasPrefix("/bot") }.count == 2 })
        let resolution = try JSONSerialization.jsonObject(with: receiver.posts.last { $0.path.hasPrefix("/bot") }!.body) as? [String: String]
        #expect(resolution?["text"]?.hasPrefix("[RESOLVED] FraudErrors fraud\n✅ resolved:") == true, "\(resolution ?? [:])")
        #expect(receiver.posts.filter { $0.path == "/slack" }.count == 1)
        // The receiver hears of a delivery a moment before the server has stored it: wait for the log to catch up.
        var log: [[String: Any]] = []
        let delivered = try await Self.eventually(10) {
            log = try await server.request("GET", "/v1/notifications").json()["notifications"] as? [[String: Any]] ?? []
            return log.count == 3 && log.allSatisfy { $0["deliveredAt"] != nil && $0["attempts"] as? Int == 1 }
        }
        #expect(delivered, "\(log)")

        // A silence on the model: the next firing is not sent, and /v1/alerts says why.
        let created = try await server.request(
            "POST", "/v1/silences", body: #"{"matchers": ["model_name=\"fraud\""], "duration": "1h", "createdBy": "ana", "comment": "retraining"}"#
        )
        #expect(created.status == 201, "\(created.text)")
        try await Self.sendErrors(server, rounds: 30)
        #expect(try await Self.eventually(10) { (try await Self.alerts(server)).first?["state"] as? String == "firing" })
        try await Task.sleep(for: .milliseconds(800))
        #expect(receiver.posts.count == 3)
        #expect(try await Self.alerts(server).first?["muted"] as? String == "silenced")
        let silences = try await server.request("GET", "/v1/silences").json()["silences"] as? [[String: Any]]
        #expect(silences?.first?["state"] as? String == "active")
        let bad = try await server.request("POST", "/v1/silences", body: #"{"matchers": ["model_name=~\"(\""], "duration": "1h", "createdBy": "ana", "comment": "x"}"#)
        #expect(bad.status == 400 && bad.text.contains("matchers[0]"), "\(bad.text)")
        try await server.stop()
        try await receiver.stop()
    }

    @Test func hooksRunOncePerFiringWithTheAlertOnTheirInputAndWaitForApproval() async throws {
        let directory = TestServer.temporaryDirectory()
        let recorded = TestServer.temporaryDirectory() + ".json"
        let configure: (inout ServerConfiguration) -> Void = { configuration in
            Self.configure(&configuration, alertmanager: "")
            configuration.alerting.alertmanagerURL = nil
            configuration.alerting.hooks = [
                RemediationHook(name: "record", action: .command(["/usr/bin/tee", recorded]), matchers: [LabelMatcher("alertname", .equal, "FraudErrors")]),
                RemediationHook(name: "environment", action: .command(["/usr/bin/env"])),
                RemediationHook(name: "rollback", action: .command(["/bin/sh", "-c", "echo rolled back $VIGIL_LABEL_MODEL_NAME"]), requiresApproval: true),
            ]
        }
        var server = try await TestServer.start(directory: directory, configure: configure)
        try await Self.sendErrors(server, rounds: 3)
        func runs() async throws -> [String: [String: Any]] {
            let list = try await server.request("GET", "/v1/hooks/runs").json()["runs"] as? [[String: Any]] ?? []
            return Dictionary(list.map { ($0["hook"] as! String, $0) }, uniquingKeysWith: { first, _ in first })
        }
        let settled = try await Self.eventually(10) {
            let current = try await runs()
            return current["record"]?["state"] as? String == "succeeded" && current["environment"]?["state"] as? String == "succeeded"
                && current["rollback"]?["state"] as? String == "awaiting_approval"
        }
        let seen = try await runs()
        #expect(settled, "\(seen)")
        // The alert on the command's input, as JSON.
        let input = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: recorded))) as? [String: Any]
        #expect(value(input, "labels", "alertname") as? String == "FraudErrors")
        #expect(input?["trigger"] as? String == "firing")
        #expect((input?["key"] as? String)?.hasPrefix("record/") == true)
        // And in its environment.
        let environment = try #require(try await runs()["environment"]?["output"] as? String)
        #expect(environment.contains("VIGIL_LABEL_MODEL_NAME=fraud") && environment.contains("VIGIL_ALERT_STATUS=firing") && environment.contains("VIGIL_ALERT_NAME=FraudErrors"))

        // Approved through the API, the rollback runs, once.
        let rollback = try #require(try await runs()["rollback"]?["id"] as? Int)
        let approved = try await server.request("POST", "/v1/hooks/runs/\(rollback)/approve")
        #expect(approved.status == 200, "\(approved.text)")
        #expect(try approved.json()["approvedBy"] as? String == "anonymous (loopback, no tokens)")
        #expect(try await Self.eventually(10) { try await runs()["rollback"]?["state"] as? String == "succeeded" })
        #expect(try await runs()["rollback"]?["output"] as? String == "rolled back fraud\n")
        #expect(try await server.request("POST", "/v1/hooks/runs/\(rollback)/approve").status == 409)
        try await server.stop()

        // Restarted with the alert still firing: the same activation, so no hook runs again.
        server = try await TestServer.start(directory: directory, configure: configure)
        try await Task.sleep(for: .milliseconds(800))
        let all = try await server.request("GET", "/v1/hooks/runs").json()["runs"] as? [[String: Any]] ?? []
        #expect(all.count == 3, "\(all.map { $0["key"] ?? "" })")
        try await server.stop()
    }
}

/// Debian's Alertmanager on a free loopback port, with a route to a receiver that sends nothing.
struct RealAlertmanager {
    let process: Process
    let url: String

    static func start(binary: String, config: String = "route: {receiver: quiet, group_wait: 1s}\nreceivers: [{name: quiet}]\n") async throws -> RealAlertmanager {
        let directory = TestServer.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try config.write(toFile: directory + "/alertmanager.yml", atomically: true, encoding: .utf8)
        let port = try TestServer.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--config.file=\(directory)/alertmanager.yml", "--storage.path=\(directory)/data", "--web.listen-address=127.0.0.1:\(port)",
            "--cluster.listen-address=",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let manager = RealAlertmanager(process: process, url: "http://127.0.0.1:\(port)")
        let ready = try await AlertingTests.eventually(20) { (try? await manager.get("/-/ready")) == 200 }
        guard ready else {
            manager.stop()
            throw TestFailure("Alertmanager did not start on port \(port)")
        }
        return manager
    }

    func get(_ path: String) async throws -> Int {
        let (_, response) = try await URLSession.shared.data(from: URL(string: url + path)!)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    /// Posts alerts as Prometheus does.
    func post(_ json: String) async throws -> Int {
        var request = URLRequest(url: URL(string: url + "/api/v2/alerts")!)
        request.httpMethod = "POST"
        request.httpBody = Data(json.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    func alerts() async throws -> [[String: Any]] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url + "/api/v2/alerts")!)
        return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// An HTTP server that records every `POST /api/v2/alerts` body, and can refuse the first few.
final class RecordingReceiver: Sendable {
    private let recorded = Mutex<(attempts: Int, deliveries: [Data])>((0, []))
    private let other = Mutex<[(path: String, body: Data)]>([])
    private let failFirst: Int
    private let group: Mutex<(ServiceGroupBox?, Int)> = Mutex((nil, 0))

    init(failFirst: Int) { self.failFirst = failFirst }

    var deliveries: [Data] { recorded.withLock { $0.deliveries } }
    /// POSTs to any other path (webhooks, Slack, Telegram), in order.
    var posts: [(path: String, body: Data)] { other.withLock { $0 } }
    var attempts: Int { recorded.withLock { $0.attempts } }
    var url: String { "http://127.0.0.1:\(group.withLock { $0.1 })" }

    static func start(failFirst: Int = 0) async throws -> RecordingReceiver {
        let receiver = RecordingReceiver(failFirst: failFirst)
        let router = Router()
        router.post("/api/v2/alerts") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let refuse = receiver.recorded.withLock { state -> Bool in
                state.attempts += 1
                if state.attempts <= receiver.failFirst { return true }
                state.deliveries.append(Data(body.readableBytesView))
                return false
            }
            return refuse ? .serviceUnavailable : .ok
        }
        for path in ["/hook", "/slack", "/:bot/sendMessage"] {
            router.post(RouterPath(path)) { request, _ -> HTTPResponse.Status in
                let body = try await request.body.collect(upTo: 1 << 20)
                receiver.other.withLock { $0.append((request.uri.path, Data(body.readableBytesView))) }
                return .ok
            }
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "recording-receiver")
        logger.logLevel = .critical
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger
        )
        let box = ServiceGroupBox(application: application)
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the receiver did not start") }
        receiver.group.withLock { $0 = (box, port) }
        return receiver
    }

    func stop() async throws {
        guard let box = group.withLock({ $0.0 }) else { return }
        await box.stop()
    }
}

/// Runs a Hummingbird application until stopped, then shuts it down gracefully.
final class ServiceGroupBox: Sendable {
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(application: some Service) {
        var logger = Logger(label: "recording-receiver")
        logger.logLevel = .critical
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        self.group = group
        task = Task { try await group.run() }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
