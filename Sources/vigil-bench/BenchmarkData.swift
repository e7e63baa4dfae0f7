import Foundation
import VigilCore
import VigilStats

/// Deterministic benchmark inputs.
enum BenchmarkData {
    static func normal(_ count: Int, mean: Double = 0, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        var values = [Double]()
        values.reserveCapacity(count)
        while values.count < count {
            let u = (Double(generator.next() >> 11) + 0.5) * 0x1p-53
            let v = Double(generator.next() >> 11) * 0x1p-53
            let radius = (-2 * log(u)).squareRoot()
            values.append(mean + radius * cos(2 * .pi * v))
            if values.count < count { values.append(mean + radius * sin(2 * .pi * v)) }
        }
        return values
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

    /// A profile with `features` columns, one in five categorical; numeric columns shift by `shift`.
    static func profile(features: Int, rows: Int, shift: Double, seed: UInt64) throws -> DatasetProfile {
        let schema = (0..<features).map { index in (name: "f\(index)", kind: index % 5 == 4 ? ColumnKind.categorical : .numeric) }
        var builder = try ProfileBuilder(schema: schema)
        for (index, column) in schema.enumerated() {
            let columnSeed = seed &+ UInt64(index)
            switch column.kind {
            case .numeric:
                try normal(rows, mean: index % 2 == 0 ? shift : 0, seed: columnSeed).withUnsafeBufferPointer { try builder.append($0, to: column.name) }
            case .categorical:
                try builder.append(categories(rows, distinct: 50, seed: columnSeed).map(Optional.some), to: column.name)
            }
        }
        return try builder.finish()
    }
}
