import Testing
import VigilAlerting

/// Routing as Alertmanager routes: groups on `group_wait`, `group_interval` and `repeat_interval`, resolutions
/// per receiver, silences, inhibition, child routes.
@Suite struct NotificationDispatcherTests {
    static let second: Int64 = 1000

    func alert(_ name: String, model: String = "fraud", severity: String = "critical", state: AlertInstance.State = .firing, at time: Int64 = 0) -> AlertInstance {
        let labels = ["alertname": name, "model_name": model, "severity": severity]
        return AlertInstance(
            fingerprint: AlertInstance.fingerprint(labels), rule: name, labels: labels, annotations: ["summary": "\(name) of \(model)"], state: state, activeAt: time,
            firedAt: time, resolvedAt: state == .resolved ? time : nil, lastTrueAt: time, value: 1
        )
    }

    let route = NotificationRoute(receiver: "oncall", groupBy: ["model_name"])

    @Test func aGroupWaitsThenNotifiesChangesEachIntervalAndRepeatsUnchangedOnes() {
        var dispatcher = NotificationDispatcher()
        func step(_ alerts: [AlertInstance], at seconds: Int64) -> [NotificationDispatcher.Notification] {
            dispatcher.step(alerts: alerts, route: route, muted: [:], sendResolved: { _ in true }, now: seconds * Self.second)
        }
        let errors = alert("Errors")
        let latency = alert("Latency")
        #expect(step([errors], at: 0).isEmpty)
        #expect(step([errors], at: 29).isEmpty)
        let first = step([errors], at: 30)
        #expect(first.map(\.firing.count) == [1])
        #expect(first.first?.groupLabels == ["model_name": "fraud"])
        // A second alert joins: it waits for the group interval (5 minutes after the last flush).
        #expect(step([errors, latency], at: 40).isEmpty)
        #expect(step([errors, latency], at: 329).isEmpty)
        #expect(step([errors, latency], at: 330).map(\.firing.count) == [2])
        // Unchanged, the group is checked every interval but only repeated after four hours.
        #expect(step([errors, latency], at: 630).isEmpty)
        #expect(step([errors, latency], at: 330 + 14_400).map(\.firing.count) == [2])
    }

    @Test func resolutionsGoToReceiversThatWantThemAndAnEmptyGroupEnds() {
        for wants in [true, false] {
            var dispatcher = NotificationDispatcher()
            let firing = alert("Errors")
            _ = dispatcher.step(alerts: [firing], route: route, muted: [:], sendResolved: { _ in wants }, now: 0)
            #expect(dispatcher.step(alerts: [firing], route: route, muted: [:], sendResolved: { _ in wants }, now: 30 * Self.second).count == 1)
            let resolved = alert("Errors", state: .resolved, at: 100 * Self.second)
            let sent = dispatcher.step(alerts: [resolved], route: route, muted: [:], sendResolved: { _ in wants }, now: 330 * Self.second)
            #expect(sent.map(\.status) == (wants ? ["resolved"] : []))
            #expect(sent.first?.resolved.map(\.fingerprint) == (wants ? [resolved.fingerprint] : nil))
            #expect(dispatcher.groups.isEmpty)
            // A resolution alone opens no group.
            #expect(dispatcher.step(alerts: [resolved], route: route, muted: [:], sendResolved: { _ in wants }, now: 700 * Self.second).isEmpty)
        }
    }

    @Test func silencesAndInhibitionMuteFiringAlerts() {
        let critical = alert("Errors", severity: "critical")
        let warning = alert("Latency", severity: "warning")
        let otherModel = alert("Latency", model: "churn", severity: "warning")
        let inhibited = NotificationDispatcher.muted([critical, warning, otherModel], silences: [], inhibitRules: [.criticalMutesWarningOfTheSameModel], now: 0)
        #expect(inhibited == [warning.fingerprint: .inhibited])
        let silence = Silence(id: "s", matchers: [#"model_name="churn""#], startsAt: 0, endsAt: 60 * Self.second, createdBy: "ana", comment: "retraining")
        let silenced = NotificationDispatcher.muted([critical, otherModel], silences: [silence], inhibitRules: [], now: 10 * Self.second)
        #expect(silenced == [otherModel.fingerprint: .silenced])
        #expect(NotificationDispatcher.muted([otherModel], silences: [silence], inhibitRules: [], now: 60 * Self.second).isEmpty)

        var dispatcher = NotificationDispatcher()
        let sent = dispatcher.step(alerts: [critical, warning], route: NotificationRoute(receiver: "r", groupBy: ["..."], groupWait: 0), muted: inhibited, sendResolved: { _ in true }, now: 0)
        #expect(sent.flatMap(\.firing).map(\.fingerprint) == [critical.fingerprint])
    }

    @Test func childRoutesTakeMatchingAlertsAndContinueLetsOneGoFurther() {
        let route = NotificationRoute(
            receiver: "default", groupWait: 0,
            routes: [
                NotificationRoute(receiver: "pager", matchers: [LabelMatcher("severity", .equal, "critical")], groupWait: 0, continueMatching: true),
                NotificationRoute(receiver: "chat", matchers: [LabelMatcher("model_name", .matches, "fraud|churn")], groupWait: 0),
            ]
        )
        #expect(route.destinations(for: alert("E").labels).map(\.route.receiver) == ["pager", "chat"])
        #expect(route.destinations(for: alert("E", severity: "warning").labels).map(\.route.receiver) == ["chat"])
        #expect(route.destinations(for: alert("E", model: "ads", severity: "warning").labels).map(\.route.receiver) == ["default"])
        var dispatcher = NotificationDispatcher()
        let sent = dispatcher.step(alerts: [alert("E")], route: route, muted: [:], sendResolved: { _ in true }, now: 0)
        #expect(sent.map(\.receiver).sorted() == ["chat", "pager"])
    }

    @Test func matchersReadAsAlertmanagerWritesThem() {
        #expect(LabelMatcher(parsing: #"severity="critical""#) == LabelMatcher("severity", .equal, "critical"))
        #expect(LabelMatcher(parsing: #"model_name=~"fraud|churn""#)?.matches(["model_name": "churn"]) == true)
        #expect(LabelMatcher(parsing: #"model_name=~"fraud|churn""#)?.matches(["model_name": "churner"]) == false)
        #expect(LabelMatcher(parsing: "team!=risk")?.matches([:]) == true)
        #expect(LabelMatcher(parsing: #"team!~"r.*""#)?.matches(["team": "risk"]) == false)
        #expect(LabelMatcher(parsing: "no operator") == nil)
        #expect(LabelMatcher(parsing: #"x=~"(""#) == nil)
    }

    @Test func theWebhookBodyIsAlertmanagersPayloadVersionFour() throws {
        var dispatcher = NotificationDispatcher()
        let sent = dispatcher.step(alerts: [alert("Errors", at: 1_800_000_000_000)], route: NotificationRoute(receiver: "hook", groupWait: 0), muted: [:], sendResolved: { _ in true }, now: 1_800_000_000_000)
        let message = try #require(sent.first)
        let body = try message.body(for: Receiver(name: "hook", kind: .webhook(url: "http://x")), externalURL: "http://vigil:8080", now: 0)
        let text = String(decoding: body, as: UTF8.self)
        for field in [#""version":"4""#, #""status":"firing""#, #""receiver":"hook""#, #""groupLabels":{"alertname":"Errors","model_name":"fraud"}"#,
                      #""startsAt":"2027-01-15T08:00:00.000Z""#, #""endsAt":"0001-01-01T00:00:00Z""#, #""externalURL":"http://vigil:8080""#,
                      #""generatorURL":"http://vigil:8080/alerts?fingerprint="#, #""truncatedAlerts":0"#] {
            #expect(text.contains(field), "\(field) in \(text)")
        }
        #expect(message.text(externalURL: "http://vigil:8080").hasPrefix("[FIRING:1] Errors fraud\n🔥 Errors of fraud"))
    }
}
