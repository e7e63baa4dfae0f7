import Foundation

/// GrowthBook's `gbstats` 0.8.0, scipy and statsmodels on fixed inputs, written by
/// `scripts/generate_compare_fixtures.py`.
struct CompareFixtures: Decodable {
    struct Arm: Decodable {
        var n: Int
        var successes: Double?
        var sum: Double?
        var sumOfSquares: Double?
        var numeratorSum: Double?
        var numeratorSumOfSquares: Double?
        var denominatorSum: Double?
        var denominatorSumOfSquares: Double?
        var sumOfProducts: Double?
        var level: Double?
        var estimate: Double?
        var lower: Double?
        var upper: Double?
    }
    struct Effect: Decodable {
        var name, kind, difference: String
        var tuning: Double?
        var alpha: Double
        var baseline, candidate: Arm
        var baselineMean, baselineVariance, candidateMean, candidateVariance: Double
        var estimate, lower, upper, pValue, degreesOfFreedom: Double
    }
    struct SRM: Decodable {
        var observed: [Double]
        var weights: [Double]
        var pValue: Double
    }
    struct Coverage: Decodable {
        var successes: [Double]
        var trials: [Double]
        var statistic, pValue: Double
    }
    struct McNemar: Decodable {
        var baselineOnly, candidateOnly: Int
        var pValue: Double
    }
    struct Multiple: Decodable {
        var pValues, holm, bh: [Double]
    }
    struct Special: Decodable {
        struct T: Decodable { var x, df, cdf, sf: Double }
        struct TQuantile: Decodable { var p, df, ppf: Double }
        struct NormalQuantile: Decodable { var p, ppf: Double }
        struct Beta: Decodable { var a, b, x, value: Double }
        var t: [T]
        var tQuantile: [TQuantile]
        var normalQuantile: [NormalQuantile]
        var beta: [Beta]
    }
    var effects: [Effect]
    var srm: [SRM]
    var coverage: [Coverage]
    var mcnemar: [McNemar]
    var multiple: [Multiple]
    var special: Special

    static let shared: CompareFixtures = {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/compare/compare-expected.json")
        do { return try JSONDecoder().decode(CompareFixtures.self, from: Data(contentsOf: url)) } catch {
            fatalError("Fixtures/compare/compare-expected.json is missing or damaged (\(error)): run scripts/generate_compare_fixtures.py")
        }
    }()
}
