import Foundation

/// Runs scripts/bench_stats_peers.py on the same sizes and prints Vigil's throughput as ratios.
enum PeerBenchmark {
    struct PeerFigures: Decodable {
        var numpyNumericValuesPerSecond: Double?
        var whylogsNumericValuesPerSecond: Double?
        var whylogsCategoricalValuesPerSecond: Double?
        var versions: [String: String]
    }

    /// Runs a peer script with `python` from the repository root; its standard output, or nil (and a line
    /// saying so) when it failed.
    static func runScript(python: String, _ arguments: [String], needs: String) throws -> Data? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            print("peer benchmark failed (exit \(process.terminationStatus)); is \(python) a Python with \(needs)?")
            return nil
        }
        return data
    }

    static func run(python: String, rows: Int, swiftNumericRate: Double, swiftCategoricalRate: Double, categoricalRows: Int) throws {
        let arguments = ["scripts/bench_stats_peers.py", "--rows", String(rows), "--categorical-rows", String(categoricalRows)]
        guard let data = try runScript(python: python, arguments, needs: "numpy") else { return }
        let figures = try JSONDecoder().decode(PeerFigures.self, from: data)
        print("\npeers, same machine, same sizes (\(figures.versions.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", "))):")
        func line(_ name: String, _ peer: Double?, _ ours: Double) {
            guard let peer else { return }
            print(name.padding(toLength: 44, withPad: " ", startingAt: 0) + "\(format(peer)) values/s".padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: "Vigil is %.1f×", ours / peer))
        }
        line("numpy mean/std/min/max/percentiles", figures.numpyNumericValuesPerSecond, swiftNumericRate)
        line("whylogs numeric column profile", figures.whylogsNumericValuesPerSecond, swiftNumericRate)
        line("whylogs categorical column profile", figures.whylogsCategoricalValuesPerSecond, swiftCategoricalRate)
    }
}
