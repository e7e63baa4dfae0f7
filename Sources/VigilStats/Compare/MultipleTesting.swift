import Foundation

/// Adjusts the p-values of several metrics tested at once, so that the verdict keeps its error promise
/// however many metrics are compared (as `statsmodels.stats.multitest.multipletests`).
public enum MultipleTesting: String, Sendable, Codable, CaseIterable {
    /// Holm–Bonferroni: controls the chance of any false finding (family-wise error).
    case holm
    /// Benjamini–Hochberg: controls the expected share of false findings (false discovery rate).
    case benjaminiHochberg = "bh"
    /// No adjustment (one metric, or a choice made knowingly).
    case none

    /// The adjusted p-values, in the order given.
    public func adjust(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        guard m > 1, self != .none else { return pValues }
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: 1, count: m)
        switch self {
        case .holm:
            var running = 0.0
            for (rank, index) in order.enumerated() {
                running = Swift.max(running, Swift.min(1, Double(m - rank) * pValues[index]))
                adjusted[index] = running
            }
        case .benjaminiHochberg:
            var running = 1.0
            for (rank, index) in order.enumerated().reversed() {
                running = Swift.min(running, Double(m) / Double(rank + 1) * pValues[index])
                adjusted[index] = Swift.min(1, running)
            }
        case .none:
            return pValues
        }
        return adjusted
    }
}
