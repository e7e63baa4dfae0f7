import ArgumentParser
import Foundation
import VigilAlerting
import VigilCore
import Yams

/// Reads the `alerting:` section of the server's YAML into an ``AlertingConfiguration``, strictly: an unknown
/// key, a value of the wrong kind or an impossible one is an error naming the file, line and key path.
///
/// ```yaml
/// alerting:
///   evaluation_interval: 15s
///   external_url: http://vigil.example.com:8080     # for the links in alerts
///   alertmanager: {url: "http://127.0.0.1:9093", resend_delay: 1m, timeout: 10s}
///   builtin_rules: true                            # the seeds' table, on by default
///   disable: [MLModelDown]                          # built-in rules turned off by name
///   rules:
///     - name: FraudErrors
///       model: fraud            # every model when left out
///       metric: error_rate
///       window: 5m
///       above: 0.01             # or below:
///       resolve_threshold: 0.008
///       for: 10m
///       severity: critical
///     - name: MLModelHighLatency  # a built-in's name changes only the fields given
///       above: 300
/// ```
struct AlertingConfigurationFile {
    let path: String

    static let sectionKeys: Set<String> = ["evaluation_interval", "external_url", "alertmanager", "builtin_rules", "disable", "rules", "slos", "receivers", "route", "inhibit_rules", "hooks"]
    static let hookKeys: Set<String> = ["name", "command", "http", "matchers", "on", "timeout", "cooldown", "dry_run", "approval"]
    static let receiverKeys: Set<String> = ["name", "webhook", "slack", "telegram", "email", "send_resolved"]
    static let emailKeys: Set<String> = ["to", "from", "smarthost", "auth_username", "auth_password_env", "require_tls", "ca_file", "hello"]
    static let routeKeys: Set<String> = ["receiver", "matchers", "group_by", "group_wait", "group_interval", "repeat_interval", "continue", "routes"]
    static let inhibitKeys: Set<String> = ["source_matchers", "target_matchers", "equal"]
    static let sloKeys: Set<String> = [
        "name", "model", "version", "indicator", "latency_threshold", "metric", "target", "window", "min_labels", "objective", "period", "tiers", "min_events",
        "labels",
    ]
    static let tierKeys: Set<String> = ["name", "long", "short", "factor", "budget_percent", "for", "severity"]
    static let alertmanagerKeys: Set<String> = ["url", "resend_delay", "timeout"]
    static let ruleKeys: Set<String> = [
        "name", "model", "version", "per_version", "metric", "feature", "class", "business_metric", "segment", "window", "above", "below", "resolve_threshold",
        "for", "keep_firing_for", "min_events", "no_data", "severity", "labels", "annotations",
    ]
    /// Labels Vigil sets itself on every alert.
    static let reservedLabels: Set<String> = ["alertname", "severity", "model_name", "model_version", "feature_name", "class", "business_metric"]

    /// An error at a node: `FILE:LINE: alerting.rules[0].above: MESSAGE`.
    func error(_ node: Node?, _ keyPath: String, _ message: String) -> ValidationError {
        let line = node?.mark.map { ":\($0.line)" } ?? ""
        return ValidationError("\(path)\(line): \(keyPath): \(message)")
    }

    /// The mapping at `node`, with every key checked against `known`.
    func mapping(_ node: Node, _ keyPath: String, known: Set<String>) throws -> [(key: String, value: Node)] {
        guard let mapping = node.mapping else { throw error(node, keyPath, "must be a mapping of settings") }
        var entries: [(key: String, value: Node)] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw error(key, keyPath, "keys must be names") }
            guard known.contains(name) else {
                throw error(key, "\(keyPath).\(name)", "unknown setting (known: \(known.sorted().joined(separator: ", ")))")
            }
            entries.append((name, value))
        }
        return entries
    }

    func string(_ node: Node, _ keyPath: String) throws -> String {
        guard let scalar = node.scalar, !scalar.string.isEmpty else { throw error(node, keyPath, "must be a non-empty text") }
        return scalar.string
    }

    func number(_ node: Node, _ keyPath: String) throws -> Double {
        guard let scalar = node.scalar, let value = Double(scalar.string), value.isFinite else { throw error(node, keyPath, "must be a number") }
        return value
    }

    func duration(_ node: Node, _ keyPath: String, positive: Bool = false) throws -> Int64 {
        guard let text = node.scalar?.string, let value = PrometheusDuration.milliseconds(text) else {
            throw error(node, keyPath, "must be a duration such as 15s, 5m, 1h30m or 7d")
        }
        if positive, value <= 0 { throw error(node, keyPath, "must be longer than 0") }
        return value
    }

    func bool(_ node: Node, _ keyPath: String) throws -> Bool {
        guard let value = node.bool else { throw error(node, keyPath, "must be true or false") }
        return value
    }

    func url(_ node: Node, _ keyPath: String) throws -> String {
        let text = try string(node, keyPath)
        guard text.hasPrefix("http://") || text.hasPrefix("https://"), text.count > 8 else {
            throw error(node, keyPath, "must be an http:// or https:// URL")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    func labelMap(_ node: Node, _ keyPath: String, checkNames: Bool) throws -> [String: String] {
        guard let mapping = node.mapping else { throw error(node, keyPath, "must be a mapping of names to texts") }
        var result: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw error(key, keyPath, "keys must be names") }
            if checkNames {
                guard Self.isLabelName(name) else { throw error(key, "\(keyPath).\(name)", "a label name must match [a-zA-Z_][a-zA-Z0-9_]*") }
                guard !Self.reservedLabels.contains(name) else { throw error(key, "\(keyPath).\(name)", "is set by Vigil itself") }
            }
            guard let text = value.scalar?.string else { throw error(value, "\(keyPath).\(name)", "must be a text") }
            result[name] = text
        }
        return result
    }

    static func isLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// Decodes the section at `node` (the value of the top-level `alerting` key).
    func decode(_ node: Node) throws -> AlertingConfiguration {
        var configuration = AlertingConfiguration()
        var builtIn = true
        var disabled: [(name: String, node: Node)] = []
        var ruleNodes: [Node] = []
        var sloNodes: [Node] = []
        var receiverNodes: [Node] = []
        var routeNode: Node?
        var inhibitNode: Node?
        var hookNodes: [Node] = []
        for (key, value) in try mapping(node, "alerting", known: Self.sectionKeys) {
            let keyPath = "alerting.\(key)"
            switch key {
            case "evaluation_interval": configuration.evaluationInterval = try duration(value, keyPath, positive: true)
            case "external_url": configuration.externalURL = try url(value, keyPath)
            case "builtin_rules": builtIn = try bool(value, keyPath)
            case "disable":
                guard let sequence = value.sequence else { throw error(value, keyPath, "must be a list of built-in rule names") }
                disabled = try sequence.enumerated().map { index, item in (try string(item, "\(keyPath)[\(index)]"), item) }
            case "rules":
                guard let sequence = value.sequence else { throw error(value, keyPath, "must be a list of rules") }
                ruleNodes = Array(sequence)
            case "slos":
                guard let sequence = value.sequence else { throw error(value, keyPath, "must be a list of SLOs") }
                sloNodes = Array(sequence)
            case "receivers":
                guard let sequence = value.sequence else { throw error(value, keyPath, "must be a list of receivers") }
                receiverNodes = Array(sequence)
            case "route": routeNode = value
            case "inhibit_rules": inhibitNode = value
            case "hooks":
                guard let sequence = value.sequence else { throw error(value, keyPath, "must be a list of hooks") }
                hookNodes = Array(sequence)
            case "alertmanager":
                for (name, setting) in try mapping(value, keyPath, known: Self.alertmanagerKeys) {
                    switch name {
                    case "url": configuration.alertmanagerURL = try url(setting, "\(keyPath).url")
                    case "resend_delay": configuration.resendDelay = try duration(setting, "\(keyPath).resend_delay", positive: true)
                    default: configuration.timeout = try duration(setting, "\(keyPath).timeout", positive: true)
                    }
                }
            default: break
            }
        }
        let builtIns = Dictionary(uniqueKeysWithValues: BuiltInRules.all.map { ($0.name, $0) })
        for (index, entry) in disabled.enumerated() where builtIns[entry.name] == nil {
            throw error(entry.node, "alerting.disable[\(index)]", "no built-in rule is called \(entry.name) (built-in: \(BuiltInRules.all.map(\.name).joined(separator: ", ")))")
        }
        var rules = builtIn ? BuiltInRules.all.filter { rule in !disabled.contains { $0.name == rule.name } } : []
        var seen: [String: Int] = [:]
        for (index, ruleNode) in ruleNodes.enumerated() {
            let rule = try decodeRule(ruleNode, "alerting.rules[\(index)]", builtIns: builtIns)
            if let first = seen[rule.name] {
                throw error(ruleNode, "alerting.rules[\(index)].name", "\(rule.name) is already the name of alerting.rules[\(first)]")
            }
            seen[rule.name] = index
            if let existing = rules.firstIndex(where: { $0.name == rule.name }) { rules[existing] = rule } else { rules.append(rule) }
        }
        configuration.rules = rules
        var sloNames: [String: Int] = [:]
        for (index, sloNode) in sloNodes.enumerated() {
            let slo = try decodeSLO(sloNode, "alerting.slos[\(index)]")
            if let first = sloNames[slo.name] {
                throw error(sloNode, "alerting.slos[\(index)].name", "\(slo.name) is already the name of alerting.slos[\(first)]")
            }
            sloNames[slo.name] = index
            configuration.slos.append(slo)
        }
        for (index, node) in receiverNodes.enumerated() {
            let receiver = try decodeReceiver(node, "alerting.receivers[\(index)]")
            if let first = configuration.receivers.firstIndex(where: { $0.name == receiver.name }) {
                throw error(node, "alerting.receivers[\(index)].name", "\(receiver.name) is already the name of alerting.receivers[\(first)]")
            }
            configuration.receivers.append(receiver)
        }
        if let routeNode {
            configuration.route = try decodeRoute(routeNode, "alerting.route", parent: nil, receivers: Set(configuration.receivers.map(\.name)))
        } else if !configuration.receivers.isEmpty {
            throw error(node, "alerting", "receivers are given but no route says which alerts go to them (route: {receiver: \(configuration.receivers[0].name)})")
        }
        if let inhibitNode {
            guard let sequence = inhibitNode.sequence else { throw error(inhibitNode, "alerting.inhibit_rules", "must be a list of inhibition rules") }
            configuration.inhibitRules = try sequence.enumerated().map { index, item in
                let path = "alerting.inhibit_rules[\(index)]"
                let values = Dictionary(try mapping(item, path, known: Self.inhibitKeys).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
                return InhibitRule(
                    source: try matchers(values["source_matchers"], "\(path).source_matchers"), target: try matchers(values["target_matchers"], "\(path).target_matchers"),
                    equal: try values["equal"].map { try strings($0, "\(path).equal") } ?? []
                )
            }
        }
        for (index, node) in hookNodes.enumerated() {
            let hook = try decodeHook(node, "alerting.hooks[\(index)]")
            if let first = configuration.hooks.firstIndex(where: { $0.name == hook.name }) {
                throw error(node, "alerting.hooks[\(index)].name", "\(hook.name) is already the name of alerting.hooks[\(first)]")
            }
            configuration.hooks.append(hook)
        }
        return configuration
    }

    func decodeHook(_ node: Node, _ keyPath: String) throws -> RemediationHook {
        let values = Dictionary(try mapping(node, keyPath, known: Self.hookKeys).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard let nameNode = values["name"] else { throw error(node, keyPath, "a hook needs a name") }
        let name = try string(nameNode, "\(keyPath).name")
        let action: RemediationHook.Action
        switch (values["command"], values["http"]) {
        case (let command?, nil):
            let argv = try strings(command, "\(keyPath).command")
            guard let program = argv.first, program.hasPrefix("/") else {
                throw error(command, "\(keyPath).command", "must start with the program's absolute path (it runs without a shell), such as [/usr/local/bin/rollback, --model, fraud]")
            }
            action = .command(argv)
        case (nil, let http?):
            let settings = Dictionary(try mapping(http, "\(keyPath).http", known: ["url"]).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            guard let url = settings["url"] else { throw error(http, "\(keyPath).http", "an HTTP hook needs url") }
            action = .http(url: try self.url(url, "\(keyPath).http.url"))
        default:
            throw error(node, keyPath, "hook \(name) needs command or http, one of them")
        }
        var hook = RemediationHook(name: name, action: action, matchers: try matchers(values["matchers"], "\(keyPath).matchers"))
        if let node = values["on"] {
            let triggers = try strings(node, "\(keyPath).on")
            hook.on = []
            for (index, text) in triggers.enumerated() {
                guard let trigger = RemediationHook.Trigger(rawValue: text) else { throw error(node, "\(keyPath).on[\(index)]", "must be firing or resolved") }
                hook.on.insert(trigger)
            }
        }
        if let node = values["timeout"] { hook.timeout = try duration(node, "\(keyPath).timeout", positive: true) }
        if let node = values["cooldown"] { hook.cooldown = try duration(node, "\(keyPath).cooldown") }
        if let node = values["dry_run"] { hook.dryRun = try bool(node, "\(keyPath).dry_run") }
        if let node = values["approval"] { hook.requiresApproval = try bool(node, "\(keyPath).approval") }
        return hook
    }

    func strings(_ node: Node, _ keyPath: String) throws -> [String] {
        guard let sequence = node.sequence else { throw error(node, keyPath, "must be a list") }
        return try sequence.enumerated().map { index, item in try string(item, "\(keyPath)[\(index)]") }
    }

    /// Matchers as Alertmanager writes them: `severity="critical"`, `model_name=~"fraud|churn"`.
    func matchers(_ node: Node?, _ keyPath: String) throws -> [LabelMatcher] {
        guard let node else { return [] }
        guard let sequence = node.sequence else { throw error(node, keyPath, "must be a list of matchers such as severity=\"critical\"") }
        return try sequence.enumerated().map { index, item in
            let text = try string(item, "\(keyPath)[\(index)]")
            guard let matcher = LabelMatcher(parsing: text) else {
                throw error(item, "\(keyPath)[\(index)]", "\(text) is not a matcher (name=\"value\", name!=\"value\", name=~\"regex\" or name!~\"regex\")")
            }
            return matcher
        }
    }

    func decodeReceiver(_ node: Node, _ keyPath: String) throws -> Receiver {
        let values = Dictionary(try mapping(node, keyPath, known: Self.receiverKeys).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard let nameNode = values["name"] else { throw error(node, keyPath, "a receiver needs a name") }
        let name = try string(nameNode, "\(keyPath).name")
        let kinds = ["webhook", "slack", "telegram", "email"].filter { values[$0] != nil }
        guard kinds.count == 1 else { throw error(node, keyPath, "receiver \(name) needs exactly one of webhook, slack, telegram, email") }
        let kindNode = values[kinds[0]]!
        let path = "\(keyPath).\(kinds[0])"
        let kind: Receiver.Kind
        switch kinds[0] {
        case "webhook":
            let settings = Dictionary(try mapping(kindNode, path, known: ["url"]).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            guard let url = settings["url"] else { throw error(kindNode, path, "a webhook needs url") }
            kind = .webhook(url: try self.url(url, "\(path).url"))
        case "slack":
            let settings = Dictionary(try mapping(kindNode, path, known: ["url_env"]).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            guard let variable = settings["url_env"] else { throw error(kindNode, path, "Slack needs url_env: the environment variable holding the incoming-webhook URL") }
            kind = .slack(urlVariable: try string(variable, "\(path).url_env"))
        case "email":
            let settings = Dictionary(try mapping(kindNode, path, known: Self.emailKeys).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            guard let toNode = settings["to"], let fromNode = settings["from"], let hostNode = settings["smarthost"] else {
                throw error(kindNode, path, "email needs to, from and smarthost (host:port)")
            }
            let to = toNode.sequence != nil ? try strings(toNode, "\(path).to") : [try string(toNode, "\(path).to")]
            let smarthost = try string(hostNode, "\(path).smarthost")
            guard let colon = smarthost.lastIndex(of: ":"), let port = Int(smarthost[smarthost.index(after: colon)...]), (1...65535).contains(port), colon != smarthost.startIndex else {
                throw error(hostNode, "\(path).smarthost", "must be host:port, such as smtp.example.com:587")
            }
            var email = Receiver.Email(to: to, from: try string(fromNode, "\(path).from"), host: String(smarthost[..<colon]), port: port)
            if let node = settings["auth_username"] { email.username = try string(node, "\(path).auth_username") }
            if let node = settings["auth_password_env"] { email.passwordVariable = try string(node, "\(path).auth_password_env") }
            if let node = settings["require_tls"] { email.requireTLS = try bool(node, "\(path).require_tls") }
            if let node = settings["ca_file"] { email.caFile = try string(node, "\(path).ca_file") }
            if let node = settings["hello"] { email.hello = try string(node, "\(path).hello") }
            if email.username != nil, !email.requireTLS {
                throw error(settings["require_tls"], "\(path).require_tls", "a password is never sent without TLS: keep require_tls on when auth_username is set")
            }
            kind = .email(email)
        default:
            let settings = Dictionary(try mapping(kindNode, path, known: ["token_env", "chat_id", "api_url"]).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            guard let variable = settings["token_env"], let chat = settings["chat_id"] else {
                throw error(kindNode, path, "Telegram needs token_env (the environment variable holding the bot token) and chat_id")
            }
            kind = .telegram(
                tokenVariable: try string(variable, "\(path).token_env"), chatID: try string(chat, "\(path).chat_id"),
                apiURL: try settings["api_url"].map { try url($0, "\(path).api_url") } ?? "https://api.telegram.org"
            )
        }
        return Receiver(name: name, kind: kind, sendResolved: try values["send_resolved"].map { try bool($0, "\(keyPath).send_resolved") })
    }

    /// A route; a child takes its parent's receiver, grouping and timers unless it gives its own.
    func decodeRoute(_ node: Node, _ keyPath: String, parent: NotificationRoute?, receivers: Set<String>) throws -> NotificationRoute {
        let values = Dictionary(try mapping(node, keyPath, known: Self.routeKeys).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        var route = parent.map { NotificationRoute(receiver: $0.receiver, groupBy: $0.groupBy, groupWait: $0.groupWait, groupInterval: $0.groupInterval, repeatInterval: $0.repeatInterval) }
            ?? NotificationRoute(receiver: "")
        if let receiverNode = values["receiver"] {
            route.receiver = try string(receiverNode, "\(keyPath).receiver")
            guard receivers.contains(route.receiver) else {
                throw error(receiverNode, "\(keyPath).receiver", "no receiver is called \(route.receiver) (receivers: \(receivers.sorted().joined(separator: ", ")))")
            }
        } else if parent == nil {
            throw error(node, keyPath, "the root route needs a receiver")
        }
        if parent == nil, values["matchers"] != nil { throw error(values["matchers"], "\(keyPath).matchers", "the root route takes every alert; give matchers to its routes") }
        route.matchers = try matchers(values["matchers"], "\(keyPath).matchers")
        if let node = values["group_by"] { route.groupBy = try strings(node, "\(keyPath).group_by") }
        if let node = values["group_wait"] { route.groupWait = try duration(node, "\(keyPath).group_wait") }
        if let node = values["group_interval"] { route.groupInterval = try duration(node, "\(keyPath).group_interval", positive: true) }
        if let node = values["repeat_interval"] { route.repeatInterval = try duration(node, "\(keyPath).repeat_interval", positive: true) }
        if let node = values["continue"] { route.continueMatching = try bool(node, "\(keyPath).continue") }
        if let node = values["routes"] {
            guard let sequence = node.sequence else { throw error(node, "\(keyPath).routes", "must be a list of routes") }
            route.routes = try sequence.enumerated().map { index, child in try decodeRoute(child, "\(keyPath).routes[\(index)]", parent: route, receivers: receivers) }
        }
        return route
    }

    /// An objective as a share (`0.999`) or a percentage (`99.9%`), strictly between 0 and 1.
    func objective(_ node: Node, _ keyPath: String) throws -> Double {
        guard let text = node.scalar?.string else { throw error(node, keyPath, "must be a share such as 0.999 or a percentage such as 99.9%") }
        let value = text.hasSuffix("%") ? Double(text.dropLast().trimmingCharacters(in: .whitespaces)).map { $0 / 100 } : Double(text)
        guard let value, value > 0, value < 1 else { throw error(node, keyPath, "must be a share between 0 and 1 (0.999) or a percentage below 100 (99.9%)") }
        return value
    }

    func decodeSLO(_ node: Node, _ keyPath: String) throws -> ServiceLevelObjective {
        let entries = try mapping(node, keyPath, known: Self.sloKeys)
        let values = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        for required in ["name", "model", "objective"] where values[required] == nil { throw error(node, keyPath, "an SLO needs \(required)") }
        let name = try string(values["name"]!, "\(keyPath).name")
        guard name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0)) }) else {
            throw error(values["name"], "\(keyPath).name", "an SLO name may hold letters, digits, _, . and -")
        }
        var slo = ServiceLevelObjective(
            name: name, model: try string(values["model"]!, "\(keyPath).model"), indicator: .availability, objective: try objective(values["objective"]!, "\(keyPath).objective")
        )
        if let node = values["version"] { slo.version = try string(node, "\(keyPath).version") }
        if let node = values["period"] { slo.period = try duration(node, "\(keyPath).period", positive: true) }
        if let node = values["min_events"] {
            guard let count = node.int, count >= 0 else { throw error(node, "\(keyPath).min_events", "must be a whole number, 0 or more") }
            slo.minimumEvents = count
        }
        if let node = values["labels"] { slo.labels = try labelMap(node, "\(keyPath).labels", checkNames: true) }
        let indicator = try values["indicator"].map { try string($0, "\(keyPath).indicator") } ?? "availability"
        if indicator != "latency", let node = values["latency_threshold"] { throw error(node, "\(keyPath).latency_threshold", "only a latency SLO has a latency threshold") }
        if indicator != "quality" {
            for key in ["metric", "target", "window", "min_labels"] {
                if let node = values[key] { throw error(node, "\(keyPath).\(key)", "only a quality SLO (indicator: quality) has \(key)") }
            }
        }
        switch indicator {
        case "availability":
            break
        case "latency":
            guard let node = values["latency_threshold"] else { throw error(values["indicator"], keyPath, "a latency SLO needs latency_threshold (such as 250ms)") }
            slo.indicator = .latency(thresholdMilliseconds: Double(try duration(node, "\(keyPath).latency_threshold", positive: true)))
        case "quality":
            slo.indicator = .quality(try decodeQualityIndicator(values, node, keyPath, period: slo.period))
            if values["min_events"] == nil { slo.minimumEvents = 1 }
        default:
            throw error(values["indicator"], "\(keyPath).indicator", "must be availability, latency or quality")
        }
        var defaults = ServiceLevelObjective.defaultTiers(period: slo.period)
        if case .quality(let quality) = slo.indicator { defaults = defaults.map { $0.fitted(to: quality.window) } }
        if let node = values["tiers"] {
            guard let sequence = node.sequence else { throw error(node, "\(keyPath).tiers", "must be a list of tier names or tiers") }
            slo.tiers = try sequence.enumerated().map { index, item in try decodeTier(item, "\(keyPath).tiers[\(index)]", defaults: defaults, period: slo.period) }
        } else {
            slo.tiers = defaults
        }
        for (index, tier) in slo.tiers.enumerated() {
            let path = values["tiers"] == nil ? "\(keyPath).objective" : "\(keyPath).tiers[\(index)]"
            let at = values["tiers"]?.sequence.map { Array($0)[index] } ?? values["objective"]
            if tier.long > slo.period {
                throw error(at, path, "tier \(tier.name)'s long window \(PrometheusDuration.format(milliseconds: tier.long)) is longer than the period \(PrometheusDuration.format(milliseconds: slo.period))")
            }
            if tier.factor * slo.errorBudget > 1 {
                throw error(
                    at, path,
                    "tier \(tier.name) can never fire: it needs an error ratio of \(AlertRule.formatted(tier.factor)) × \(AlertRule.formatted(slo.errorBudget)) = \(AlertRule.formatted(tier.factor * slo.errorBudget)), above 1 (raise the objective or drop the tier)"
                )
            }
        }
        return slo
    }

    /// A quality SLO's indicator: `metric` (a model-quality figure), `target`, `window` (1h) and `min_labels` (50).
    func decodeQualityIndicator(_ values: [String: Node], _ node: Node, _ keyPath: String, period: Int64) throws -> ServiceLevelObjective.QualityIndicator {
        guard let metricNode = values["metric"], let targetNode = values["target"] else {
            throw error(node, keyPath, "a quality SLO needs metric (such as accuracy) and target (such as 0.9)")
        }
        let metric = try string(metricNode, "\(keyPath).metric")
        guard WindowMetric.qualityNames.contains(metric), metric != "mean_error" else {
            let names = WindowMetric.qualityNames.subtracting(["mean_error"]).sorted().joined(separator: ", ")
            throw error(metricNode, "\(keyPath).metric", "must be a model-quality figure with a better side (\(names))")
        }
        var indicator = ServiceLevelObjective.QualityIndicator(metric: metric, target: try number(targetNode, "\(keyPath).target"))
        if let window = values["window"] {
            indicator.window = try duration(window, "\(keyPath).window", positive: true)
            guard indicator.window <= period else { throw error(window, "\(keyPath).window", "must not be longer than the period") }
        }
        if let minimum = values["min_labels"] {
            guard let count = minimum.int, count >= 1 else { throw error(minimum, "\(keyPath).min_labels", "must be a whole number, 1 or more") }
            indicator.minimumLabelled = count
        }
        return indicator
    }

    /// A tier: a default tier's name, or a mapping (a default tier's name with fields to change, or a new tier
    /// with long, short, factor or budget_percent, for and severity).
    func decodeTier(_ node: Node, _ keyPath: String, defaults: [ServiceLevelObjective.Tier], period: Int64) throws -> ServiceLevelObjective.Tier {
        let names = defaults.map(\.name).joined(separator: ", ")
        if let text = node.scalar?.string {
            guard let tier = defaults.first(where: { $0.name == text }) else { throw error(node, keyPath, "no default tier is called \(text) (\(names))") }
            return tier
        }
        let entries = try mapping(node, keyPath, known: Self.tierKeys)
        let values = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard let nameNode = values["name"] else { throw error(node, keyPath, "a tier needs a name") }
        let name = try string(nameNode, "\(keyPath).name")
        var tier: ServiceLevelObjective.Tier
        if let base = defaults.first(where: { $0.name == name }) {
            tier = base
        } else {
            for required in ["long", "for", "severity"] where values[required] == nil {
                throw error(node, keyPath, "tier \(name) is not a default tier (\(names)), so it needs \(required)")
            }
            guard values["factor"] != nil || values["budget_percent"] != nil else { throw error(node, keyPath, "tier \(name) needs factor or budget_percent") }
            tier = ServiceLevelObjective.Tier(name: name, long: 0, short: 0, factor: 0, holdFor: 0, severity: .warning)
        }
        if values["factor"] != nil, values["budget_percent"] != nil { throw error(values["factor"], keyPath, "give factor or budget_percent, not both") }
        if let node = values["long"] {
            tier.long = try duration(node, "\(keyPath).long", positive: true)
            tier.short = tier.long / 12
        }
        if let node = values["short"] { tier.short = try duration(node, "\(keyPath).short", positive: true) }
        if let node = values["factor"] {
            tier.factor = try number(node, "\(keyPath).factor")
            guard tier.factor > 0 else { throw error(node, "\(keyPath).factor", "must be above 0") }
        }
        if let node = values["budget_percent"] {
            guard let percent = node.int, (1...100).contains(percent) else { throw error(node, "\(keyPath).budget_percent", "must be a whole percentage from 1 to 100") }
            tier.factor = ServiceLevelObjective.Tier.spending(percent, of: period, in: tier.long, name: name, holdFor: 0, severity: .warning).factor
        }
        if let node = values["for"] { tier.holdFor = try duration(node, "\(keyPath).for") }
        if let node = values["severity"] {
            guard let text = node.scalar?.string, let severity = AlertRule.Severity(rawValue: text) else {
                throw error(node, "\(keyPath).severity", "must be one of critical, warning, info")
            }
            tier.severity = severity
        }
        guard tier.short < tier.long else {
            throw error(values["short"] ?? node, keyPath, "the short window (\(PrometheusDuration.format(milliseconds: tier.short))) must be shorter than the long one")
        }
        return tier
    }

    func decodeRule(_ node: Node, _ keyPath: String, builtIns: [String: AlertRule]) throws -> AlertRule {
        let entries = try mapping(node, keyPath, known: Self.ruleKeys)
        let values = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard let nameNode = values["name"] else { throw error(node, keyPath, "a rule needs a name") }
        let name = try string(nameNode, "\(keyPath).name")
        guard Self.isLabelName(name) else { throw error(nameNode, "\(keyPath).name", "an alert name must match [a-zA-Z_][a-zA-Z0-9_]*") }
        var rule: AlertRule
        if let builtIn = builtIns[name] {
            rule = builtIn
        } else {
            for required in ["metric", "window"] where values[required] == nil {
                throw error(node, keyPath, "rule \(name) needs \(required) (or the name of a built-in rule, to change it)")
            }
            guard values["above"] != nil || values["below"] != nil else { throw error(node, keyPath, "rule \(name) needs above: or below:") }
            rule = AlertRule(name: name, metric: .requests, window: 0, direction: .above, threshold: 0)
        }
        rule.isBuiltIn = false
        if values["above"] != nil, values["below"] != nil { throw error(values["below"], keyPath, "give above: or below:, not both") }
        for (key, value) in entries {
            let path = "\(keyPath).\(key)"
            switch key {
            case "model": rule.model = try string(value, path)
            case "version": rule.version = try string(value, path)
            case "per_version": rule.perVersion = try bool(value, path)
            case "metric":
                let text = try string(value, path)
                guard let metric = WindowMetric(name: text) else {
                    throw error(value, path, "unknown metric \(text) (known: \(WindowMetric.simpleNames.joined(separator: ", ")), latency_pNN, confidence_pNN, or a quality metric such as \(WindowMetric.qualityNames.sorted().prefix(6).joined(separator: ", "))…)")
                }
                rule.metric = metric
            case "feature": rule.selector.feature = try string(value, path)
            case "class": rule.selector.className = try string(value, path)
            case "business_metric": rule.selector.businessMetric = try string(value, path)
            case "segment":
                // `segment: channel` measures every value of the tag; `segment: {channel: partner-api}` one value.
                if let tag = value.scalar?.string, !tag.isEmpty {
                    rule.selector.segmentTag = tag
                } else if let entries = value.mapping, entries.count == 1, let entry = entries.first, let tag = entry.key.string, let tagValue = entry.value.scalar?.string {
                    rule.selector.segmentTag = tag
                    rule.selector.segmentValue = tagValue
                } else {
                    throw error(value, path, "must be a segment tag (channel) or one tag and its value ({channel: partner-api})")
                }
            case "window": rule.window = try duration(value, path, positive: true)
            case "above", "below":
                rule.direction = key == "above" ? .above : .below
                rule.threshold = try number(value, path)
            case "resolve_threshold": rule.resolveThreshold = try number(value, path)
            case "for": rule.holdFor = try duration(value, path)
            case "keep_firing_for": rule.keepFiringFor = try duration(value, path)
            case "min_events":
                guard let count = value.int, count >= 0 else { throw error(value, path, "must be a whole number, 0 or more") }
                rule.minimumEvents = count
            case "no_data":
                guard let text = value.scalar?.string, let policy = AlertRule.NoDataPolicy(rawValue: text) else {
                    throw error(value, path, "must be one of \(AlertRule.NoDataPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                rule.noData = policy
            case "severity":
                guard let text = value.scalar?.string, let severity = AlertRule.Severity(rawValue: text) else {
                    throw error(value, path, "must be one of critical, warning, info")
                }
                rule.severity = severity
            case "labels": rule.labels = try labelMap(value, path, checkNames: true)
            case "annotations": rule.annotations = rule.annotations.merging(try labelMap(value, path, checkNames: false)) { _, new in new }
            default: break
            }
        }
        if rule.selector.feature != nil, !rule.metric.isPerFeature {
            throw error(values["feature"], "\(keyPath).feature", "\(rule.metric) is not measured per feature")
        }
        if rule.selector.className != nil, rule.metric != .classShare {
            throw error(values["class"], "\(keyPath).class", "only class_share is measured per class")
        }
        if rule.selector.businessMetric != nil, rule.metric != .businessMean {
            throw error(values["business_metric"], "\(keyPath).business_metric", "only the business_metric metric names a business metric")
        }
        if rule.selector.segmentTag != nil, !ModelWindow.measuresSegments(rule.metric) {
            throw error(values["segment"], "\(keyPath).segment", "segments are measured on requests, request_rate, error_rate and latency_pNN, not \(rule.metric)")
        }
        if rule.version != nil, !rule.perVersion { throw error(values["version"], "\(keyPath).version", "a rule with per_version: false watches every version") }
        if let resolve = rule.resolveThreshold {
            let wrongSide = rule.direction == .above ? resolve > rule.threshold : resolve < rule.threshold
            if wrongSide {
                throw error(
                    values["resolve_threshold"], "\(keyPath).resolve_threshold",
                    "\(resolve) would clear the alert before it fires: it must be \(rule.direction == .above ? "at most" : "at least") the threshold \(rule.threshold)"
                )
            }
        }
        return rule
    }
}
