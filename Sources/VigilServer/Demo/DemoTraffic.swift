import Foundation
import VigilStats

/// Simulated traffic of a fraud model with two versions, for `vigil demo`: a first-time user sees every
/// number move within a minute.
///
/// Before `driftAfterSeconds` the traffic looks like the reference; after it, transaction amounts grow by
/// 60%, a new country appears, a new kind of merchant shows in the merchant embeddings, version v2 gets
/// slower and starts timing out, and requests through the partner API (segment `channel`) take twice as long.
/// The new country's transactions are often fraud: v1 (retrained) knows it, v2 does not, so v2's quality
/// drops once their labels come in.
struct DemoTraffic: Sendable {
    static let model = "fraud-detector"
    static let countries = ["DE", "FR", "US", "GB", "ES"]
    var driftAfterSeconds: Double
    /// How long after its prediction a label comes, in seconds.
    var labelDelaySeconds: Range<Double> = 2..<20

    /// One prediction as the API takes it, and the label that arrives later (if any) after `labelDelay` seconds.
    struct Event {
        var json: String
        var id: String
        var label: String?
        var labelDelay: Double = 0
        var version = ""
    }

    /// Features drawn from the pre-drift distribution, for the reference: NDJSON, since one is a vector.
    static func referenceNDJSON(rows: Int, seed: UInt64 = 7) -> String {
        var random = SplitMix64(seed: seed)
        var lines = [String]()
        for _ in 0..<rows {
            let f = Self.features(drifted: false, random: &random)
            lines.append("{" + Self.featureFields(f, embedding: Self.merchantEmbedding(drifted: false, random: &random)) + "}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func featureFields(_ f: (amount: Double, age: Int, country: String, device: String, accountAge: Int), embedding: [Double]) -> String {
        let vector = embedding.map { "\(($0 * 1000).rounded() / 1000)" }.joined(separator: ",")
        return #""amount":\#(f.amount),"customer_age":\#(f.age),"country":"\#(f.country)","device":"\#(f.device)","account_age_days":\#(f.accountAge),"merchant_embedding":[\#(vector)]"#
    }

    /// Merchant-description embeddings: unit vectors around four merchant categories. After the drift a
    /// fifth category (one the reference never saw) takes a third of the traffic.
    static let merchantCategories: [[Double]] = {
        var random = SplitMix64(seed: 11)
        return (0..<5).map { _ in (0..<16).map { _ in normal(&random) } }
    }()

    private static func merchantEmbedding(drifted: Bool, random: inout SplitMix64) -> [Double] {
        let category = drifted && Double.random(in: 0..<1, using: &random) < 0.35 ? 4 : Int.random(in: 0..<4, using: &random)
        let vector = merchantCategories[category].map { $0 + 0.5 * normal(&random) }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }

    private static func features(drifted: Bool, random: inout SplitMix64) -> (amount: Double, age: Int, country: String, device: String, accountAge: Int) {
        let amount = (exp(3.5 + 0.9 * normal(&random)) * (drifted ? 1.6 : 1)).rounded() / 1
        let age = max(18, Int(40 + 12 * normal(&random)))
        let country = drifted && Double.random(in: 0..<1, using: &random) < 0.25
            ? "BR" : countries[Int.random(in: 0..<countries.count, using: &random)]
        let device = Double.random(in: 0..<1, using: &random) < 0.6 ? "mobile" : "desktop"
        let accountAge = Int.random(in: 1...2000, using: &random)
        return (amount, age, country, device, accountAge)
    }

    /// A standard normal draw (Box–Muller).
    private static func normal(_ random: inout SplitMix64) -> Double {
        let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &random)
        let v = Double.random(in: 0..<1, using: &random)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// The events of one tick at `elapsed` seconds into the demo.
    func events(count: Int, elapsed: Double, sequence: Int, random: inout SplitMix64) -> [Event] {
        let drifted = elapsed >= driftAfterSeconds
        return (0..<count).map { offset in
            let id = "demo-\(sequence)-\(offset)"
            let version = Double.random(in: 0..<1, using: &random) < 0.7 ? "v1" : "v2"
            let f = Self.features(drifted: drifted, random: &random)
            // A plausible model: large amounts on young accounts look like fraud.
            let logit = -4 + 0.012 * f.amount - 0.001 * Double(f.accountAge) + (f.device == "desktop" ? 0.3 : 0)
            // After the drift, fraud from the new country is common: the world's odds rise, and only v1 knows.
            let world = logit + (f.country == "BR" ? 6 : 0)
            let fraud = min(max(1 / (1 + exp(-(version == "v1" ? world : logit))), 0.001), 0.999)
            let trueFraud = 1 / (1 + exp(-world))
            // The channel a request came through, as a segment tag: the summary breaks traffic down by it, and
            // after the drift the partner API's requests take twice as long.
            let channel = Double.random(in: 0..<1, using: &random) < 0.1 ? "partner_api" : f.device == "mobile" ? "app" : "web"
            let slow = version == "v2" && drifted
            let latency = exp(log(slow ? 60 : 18) + 0.35 * Self.normal(&random)) * (drifted && channel == "partner_api" ? 2 : 1)
            let failed = version == "v2" && drifted && Double.random(in: 0..<1, using: &random) < 0.06
            var json = #"{"id":"\#(id)","version":"\#(version)","latency_ms":\#((latency * 10).rounded() / 10),"segment":{"channel":"\#(channel)"},"#
            json += #""features":{"# + Self.featureFields(f, embedding: Self.merchantEmbedding(drifted: drifted, random: &random)) + "}"
            if failed {
                json += #","status":"error","error_type":"\#(Bool.random(using: &random) ? "timeout" : "feature_store_unavailable")"}"#
                return Event(json: json, id: id, label: nil)
            }
            json += #","prediction":{"fraud":\#((fraud * 1000).rounded() / 1000),"legit":\#(((1 - fraud) * 1000).rounded() / 1000)}}"#
            let truth = Double.random(in: 0..<1, using: &random) < trueFraud ? "fraud" : "legit"
            // 60 % of predictions get a label, 2 to 20 s later by default (chargebacks, in a demo's time): coverage fills in.
            let labelled = Double.random(in: 0..<1, using: &random) < 0.6
            return Event(json: json, id: id, label: labelled ? truth : nil, labelDelay: Double.random(in: labelDelaySeconds, using: &random), version: version)
        }
    }
}
