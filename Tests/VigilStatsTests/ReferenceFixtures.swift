import Foundation
import Testing

/// The reference values written by `scripts/generate_stats_fixtures.py` (scipy, scikit-learn, Evidently).
struct ReferenceFixtures: Decodable {
    struct Special: Decodable {
        struct Normal: Decodable { var x, cdf, sf: Double }
        struct ChiSquare: Decodable { var x, df, sf: Double }
        struct Gamma: Decodable { var a, x, p, q: Double }
        struct Kolmogorov: Decodable { var z, sf: Double }
        struct KSTwo: Decodable { var d, n, sf: Double }
        struct Bessel: Decodable { var x, kv: Double }
        var normal: [Normal]
        var chi2: [ChiSquare]
        var gamma: [Gamma]
        var kolmogorov: [Kolmogorov]
        var kstwo: [KSTwo]
        var besselK025: [Bessel]
    }

    struct NumericCase: Decodable, CustomTestStringConvertible {
        var name: String
        var reference: [Double]
        var current: [Double]
        var ksStatistic: Double
        var ksPValue: Double
        var wasserstein: Double
        var wassersteinNormed: Double
        var cvmStatistic: Double?
        var cvmPValue: Double?
        var evidentlyPSI: Double?
        var evidentlyJensenShannon: Double?
        var evidentlyKL: Double?
        var hellingerSturges: Double?
        var psiDeciles: Double?
        var testDescription: String { name }
    }

    struct CategoricalCase: Decodable, CustomTestStringConvertible {
        var name: String
        var reference: [String]
        var current: [String]
        var chiSquare: Double
        var chiSquarePValue: Double
        var chiSquareDegrees: Int
        var zPValue: Double?
        var evidentlyPSI: Double
        var evidentlyJensenShannon: Double
        var evidentlyKL: Double
        var hellinger: Double
        var testDescription: String { name }
    }

    /// A column whose values are numbers in numeric cases and strings in categorical ones.
    enum Column: Decodable {
        case numbers([Double])
        case strings([String])
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let numbers = try? container.decode([Double].self) { self = .numbers(numbers) } else {
                self = .strings(try container.decode([String].self))
            }
        }
    }

    struct SelectionCase: Decodable, CustomTestStringConvertible {
        var name: String
        var kind: String
        var reference: Column
        var current: Column
        var method: String
        var score: Double
        var drifted: Bool
        var testDescription: String { name }
    }

    struct Quality: Decodable {
        struct Binary: Decodable {
            var labels: [Bool]
            var scores: [Double]
            var rocAUC, averagePrecision, logLoss, brier, expectedCalibrationError: Double
        }
        struct Averaged: Decodable { var precision, recall, f1: Double }
        struct PerClass: Decodable { var precision, recall, f1: Double; var support: Int }
        struct Multiclass: Decodable {
            var actual, predicted: [String]
            var accuracy: Double
            var perClass: [String: PerClass]
            var macro, micro, weighted: Averaged
        }
        struct Regression: Decodable {
            var actual, predicted: [Double]
            var mae, rmse, mape, r2: Double
        }
        struct MulticlassScores: Decodable {
            var actual: [String]
            var scores: [[String: Double]]
            var macroRocAUC: Double
            var rocAUCByClass: [String: Double]
        }
        var binary: Binary
        var multiclass: Multiclass
        var multiclassScores: MulticlassScores
        var regression: Regression
    }

    struct MomentsCase: Decodable, CustomTestStringConvertible {
        var name: String
        var values: [Double]
        var mean, variance, std, min, max: Double
        var quantiles: [String: Double]
        var testDescription: String { name }
    }

    var special: Special
    var numeric: [NumericCase]
    var categorical: [CategoricalCase]
    var selection: [SelectionCase]
    var quality: Quality
    var moments: [MomentsCase]

    static let shared: ReferenceFixtures = {
        guard let url = Bundle.module.url(forResource: "reference-values", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url)
        else { fatalError("Fixtures/reference-values.json is missing: run scripts/generate_stats_fixtures.py") }
        do { return try JSONDecoder().decode(ReferenceFixtures.self, from: data) } catch {
            fatalError("Fixtures/reference-values.json does not decode: \(error)")
        }
    }()
}

/// Whether `actual` is within `relative` of `expected` (or within `absolute`, for values near zero).
func isClose(_ actual: Double, _ expected: Double, relative: Double, absolute: Double = 0) -> Bool {
    if actual == expected { return true }
    return abs(actual - expected) <= max(absolute, relative * abs(expected))
}
