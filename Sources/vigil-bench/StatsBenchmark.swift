import ArgumentParser
import Foundation
import VigilCore
import VigilStats

/// Throughput, merge cost, serialized size and drift latency of the statistics engine.
struct StatsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Profile-update throughput, merge time, serialized size, and drift time for many features."
    )

    @Option(help: "Numeric values for the throughput run.")
    var rows = 20_000_000

    @Option(help: "Features in each profile for the drift run.")
    var features = 100

    @Option(help: "Rows per profile for the drift run.")
    var profileRows = 100_000

    @Option(help: "Repetitions; the median is reported.")
    var repetitions = 5

    @Option(help: "A Python with numpy (and optionally whylogs) to time the same work as a peer, via scripts/bench_stats_peers.py.")
    var peerPython: String?

    func run() throws {
        #if DEBUG
        print("warning: this is a debug build; run `swift run -c release vigil-bench stats` for real figures\n")
        #endif
        print("command: swift run -c release vigil-bench stats --rows \(rows) --features \(features) --profile-rows \(profileRows) --repetitions \(repetitions)\(peerPython.map { " --peer-python \($0)" } ?? "")")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, single-threaded figures (values/s per core)\n")

        let numeric = BenchmarkData.normal(rows, seed: 1)
        let numericSeconds = median(repetitions) {
            var sketch = NumericColumnSketch()
            numeric.withUnsafeBufferPointer { sketch.add(contentsOf: $0) }
            return sketch.count
        }
        let numericRate = Double(rows) / numericSeconds
        report("numeric column profile update", "\(format(numericRate)) values/s", "(\(rows) normal values: moments, KLL k=\(QuantileSketch.defaultK), distinct, min/max)")

        let componentSeconds: [(String, Double)] = [
            ("moments", median(repetitions) {
                var moments = Moments()
                numeric.withUnsafeBufferPointer { moments.add(contentsOf: $0) }
                return moments.count
            }),
            ("quantile sketch", median(repetitions) {
                var sketch = QuantileSketch()
                numeric.withUnsafeBufferPointer { sketch.add(contentsOf: $0) }
                return sketch.count
            }),
            ("distinct count", median(repetitions) {
                var sketch = DistinctCountSketch()
                for value in numeric { sketch.add(value) }
                return Int(sketch.estimate)
            }),
        ]
        for (name, seconds) in componentSeconds {
            report("  of which \(name) alone", "\(format(Double(rows) / seconds)) values/s", "")
        }

        let integerValues = BenchmarkData.integers(rows, range: 100, seed: 2)
        let integerSeconds = median(repetitions) {
            var sketch = NumericColumnSketch()
            integerValues.withUnsafeBufferPointer { sketch.add(contentsOf: $0) }
            return sketch.count
        }
        report("low-cardinality numeric update", "\(format(Double(rows) / integerSeconds)) values/s", "(100 distinct integers: exact value counts kept)")

        let categoricalRows = rows / 4
        let categories = BenchmarkData.categories(categoricalRows, distinct: 1000, seed: 3)
        let categoricalSeconds = median(repetitions) {
            var sketch = CategoricalColumnSketch()
            for value in categories { sketch.add(value) }
            return sketch.count
        }
        report("categorical column profile update", "\(format(Double(categoricalRows) / categoricalSeconds)) values/s", "(\(categoricalRows) strings, 1000 categories)")

        let sortSeconds = median(repetitions) {
            var copy = numeric
            copy.sort()
            return copy.count
        }
        report("peer: sorting the same column (exact path)", "\(format(Double(rows) / sortSeconds)) values/s", "→ sketch update is \(String(format: "%.1f", sortSeconds / numericSeconds))× faster than sorting")

        var half = NumericColumnSketch()
        var otherHalf = NumericColumnSketch()
        numeric[0..<(rows / 2)].withUnsafeBufferPointer { half.add(contentsOf: $0) }
        numeric[(rows / 2)...].withUnsafeBufferPointer { otherHalf.add(contentsOf: $0) }
        let mergeSeconds = median(repetitions * 20) {
            var merged = half
            try? merged.merge(otherHalf)
            return merged.count
        }
        let sampleSeconds = median(repetitions * 20) { half.quantiles.weightedSample.values.count }
        report("sorted weighted sample of one sketch", "\(format(sampleSeconds * 1e6)) µs", "(\(half.quantiles.weightedSample.values.count) points)")
        report("merge two numeric column sketches", "\(format(mergeSeconds * 1e6)) µs", "")
        report("serialized numeric column", "\(half.serialized().count) bytes", "(\(rows / 2) values)")
        var categorical = CategoricalColumnSketch()
        for value in categories { categorical.add(value) }
        report("serialized categorical column", "\(categorical.serialized().count) bytes", "(1000 categories)")

        let reference = try BenchmarkData.profile(features: features, rows: profileRows, shift: 0, seed: 10)
        let current = try BenchmarkData.profile(features: features, rows: profileRows, shift: 0.1, seed: 20)
        report("serialized \(features)-feature profile", "\(reference.serialized().count) bytes", "(\(profileRows) rows, 80% numeric, 20% categorical)")
        let profileMergeSeconds = median(repetitions) {
            var merged = reference
            try? merged.merge(current)
            return merged.rowCount
        }
        report("merge two \(features)-feature profiles", "\(format(profileMergeSeconds * 1e3)) ms", "")
        var drifted = 0
        let driftSeconds = median(repetitions * 4) {
            let drift = DatasetDrift.analyze(reference: reference, current: current)
            drifted = drift.driftedColumnCount
            return drift.columns.count
        }
        report("drift for \(features) features from two profiles", "\(format(driftSeconds * 1e3)) ms", "(\(drifted) drifted; target < 10 ms)")

        if let peerPython {
            try PeerBenchmark.run(python: peerPython, rows: rows, swiftNumericRate: numericRate, swiftCategoricalRate: Double(categoricalRows) / categoricalSeconds, categoricalRows: categoricalRows)
        }
    }

    private func report(_ name: String, _ value: String, _ note: String) {
        print(name.padding(toLength: 44, withPad: " ", startingAt: 0) + value.padding(toLength: 22, withPad: " ", startingAt: 0) + note)
    }
}

/// The median wall time of `repetitions` runs of `body`; the returned value keeps the work observable.
func median(_ repetitions: Int, _ body: () throws -> Int) rethrows -> Double {
    var times = [Double]()
    var sink = 0
    for _ in 0..<max(1, repetitions) {
        let start = ContinuousClock.now
        sink &+= try body()
        let elapsed = ContinuousClock.now - start
        times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    if sink == Int.min { print(sink) }
    return times.sorted()[times.count / 2]
}

func format(_ value: Double) -> String {
    switch value {
    case 1e9...: String(format: "%.2f G", value / 1e9)
    case 1e6...: String(format: "%.1f M", value / 1e6)
    case 1e3...: String(format: "%.1f k", value / 1e3)
    default: String(format: "%.3f", value)
    }
}
