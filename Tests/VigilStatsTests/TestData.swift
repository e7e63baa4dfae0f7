import Foundation
@testable import VigilStats

/// Deterministic test distributions drawn from a seeded SplitMix64, so every run sees the same values.
enum TestData {
    static func uniform(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Double(generator.next() >> 11) * 0x1p-53 }
    }

    static func normal(_ count: Int, mean: Double = 0, standardDeviation: Double = 1, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        func unit() -> Double { (Double(generator.next() >> 11) + 0.5) * 0x1p-53 }
        return (0..<count).map { _ in mean + standardDeviation * (-2 * log(unit())).squareRoot() * cos(2 * .pi * unit()) }
    }

    static func lognormal(_ count: Int, seed: UInt64) -> [Double] { normal(count, seed: seed).map { exp($0) } }

    static func bimodal(_ count: Int, seed: UInt64) -> [Double] {
        let base = normal(count, seed: seed)
        return base.enumerated().map { $0.offset % 3 == 0 ? $0.element * 0.5 + 8 : $0.element }
    }

    static func integers(_ count: Int, range: Int, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Double(generator.next() % UInt64(range)) }
    }

    static func categories(_ count: Int, distinct: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(seed: seed)
        let names = (0..<distinct).map { "category-\($0)" }
        return (0..<count).map { _ in names[Int(generator.next() % UInt64(distinct))] }
    }

    static let distributions: [(name: String, values: @Sendable (Int, UInt64) -> [Double])] = [
        ("normal", { normal($0, seed: $1) }),
        ("lognormal", { lognormal($0, seed: $1) }),
        ("uniform", { uniform($0, seed: $1) }),
        ("bimodal", { bimodal($0, seed: $1) }),
        ("integers", { integers($0, range: 5000, seed: $1) }),
    ]
}
