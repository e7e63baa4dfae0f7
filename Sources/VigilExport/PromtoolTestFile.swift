/// A `promtool test rules` file: synthetic series, and the alerts expected at given evaluation times.
public struct PromtoolTestFile: Sendable, Equatable, Encodable {
    /// One test: its own series and expectations.
    public struct Test: Sendable, Equatable, Encodable {
        /// Shown by promtool when the test fails.
        public var name: String
        /// Time between samples of ``inputSeries``.
        public var interval: String
        /// The series, in promtool's expanding notation (`0+10x60`).
        public var inputSeries: [Series]
        /// The alerts expected at each evaluation time (an empty list: none firing).
        public var alertRuleTest: [AlertCheck]

        enum CodingKeys: String, CodingKey {
            case name, interval, inputSeries = "input_series", alertRuleTest = "alert_rule_test"
        }
    }

    /// One input series.
    public struct Series: Sendable, Equatable, Encodable {
        /// `name{label="value"}`.
        public var series: String
        /// Its values.
        public var values: String
    }

    /// The firing alerts of one name at one time.
    public struct AlertCheck: Sendable, Equatable, Encodable {
        /// `10m` after the start.
        public var evalTime: String
        /// The alert's name.
        public var alertname: String
        /// Every firing alert of that name, with its labels (without `alertname`) and expanded annotations.
        public var expAlerts: [ExpectedAlert]

        enum CodingKeys: String, CodingKey {
            case evalTime = "eval_time", alertname, expAlerts = "exp_alerts"
        }
    }

    /// One firing alert.
    public struct ExpectedAlert: Sendable, Equatable, Encodable {
        /// Its labels, without `alertname`.
        public var expLabels: SortedMap
        /// Its annotations as Prometheus expands them.
        public var expAnnotations: SortedMap

        enum CodingKeys: String, CodingKey {
            case expLabels = "exp_labels", expAnnotations = "exp_annotations"
        }
    }

    /// The rule files the tests load, relative to the test file.
    public var ruleFiles: [String]
    /// How often the rules are evaluated.
    public var evaluationInterval: String
    /// The tests.
    public var tests: [Test]

    enum CodingKeys: String, CodingKey {
        case ruleFiles = "rule_files", evaluationInterval = "evaluation_interval", tests
    }
}
