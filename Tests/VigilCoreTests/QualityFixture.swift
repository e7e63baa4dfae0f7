import Foundation
import VigilCore

/// `Fixtures/quality-expected.json`, written by `scripts/generate_quality_fixtures.py`: three models'
/// predictions and labels as a client sends them, and the values scikit-learn, statsmodels and numpy compute
/// on the final labels.
struct QualityFixture: Sendable {
    struct Case: Sendable {
        var predictions: [PredictionEvent]
        /// In the order sent: a wrong label comes before its correction.
        var labels: [LabelEvent]
        /// Ids of labels sent before their prediction.
        var early: Set<String>
        var labelled: Int
        /// Expected figures by name; intervals as [lower, upper]; per-class figures by class.
        var numbers: [String: Double]
        var lists: [String: [Double]]
        var perClass: [String: [String: Double]]

        func number(_ key: String) -> Double { numbers[key]! }
        func pair(_ key: String) -> (Double, Double) { (lists[key]![0], lists[key]![1]) }
    }

    var window: Range<Int64>
    var cases: [String: Case]

    static let shared: QualityFixture = {
        let url = Bundle.module.url(forResource: "quality-expected", withExtension: "json", subdirectory: "Fixtures")!
        let root = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let window = root["window"] as! [String: NSNumber]
        var cases: [String: Case] = [:]
        for name in ["binary", "multiclass", "regression"] {
            let entry = root[name] as! [String: Any]
            let predictions = (entry["predictions"] as! [[String: Any]]).map { try! PredictionEvent(wireJSON: bytes($0)) }
            var early = Set<String>()
            let labels = (entry["labels"] as! [[String: Any]]).map { object -> LabelEvent in
                var object = object
                if object.removeValue(forKey: "order") as? String == "early" { early.insert(object["prediction_id"] as! String) }
                return try! LabelEvent(wireJSON: bytes(object))
            }
            let expected = entry["expected"] as! [String: Any]
            cases[name] = Case(
                predictions: predictions, labels: labels, early: early, labelled: entry["labelled"] as! Int,
                numbers: expected.compactMapValues { ($0 as? NSNumber)?.doubleValue },
                lists: expected.compactMapValues { ($0 as? [NSNumber])?.map(\.doubleValue) },
                perClass: (expected["per_class"] as? [String: [String: NSNumber]])?.mapValues { $0.mapValues(\.doubleValue) } ?? [:]
            )
        }
        return QualityFixture(window: window["from"]!.int64Value..<window["to"]!.int64Value, cases: cases)
    }()

    private static func bytes(_ object: [String: Any]) -> [UInt8] { [UInt8](try! JSONSerialization.data(withJSONObject: object)) }
}
