import ArgumentParser

/// Benchmarks run by hand in release mode: `swift run -c release vigil-bench <suite>`.
/// They print their figures with the command line that reproduces them; they are never unit tests.
@main
struct VigilBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-bench",
        abstract: "Vigil's benchmarks (build with -c release).",
        subcommands: [StatsBenchmark.self, IngestBenchmark.self, WindowBenchmark.self, EmbeddingBenchmark.self, QualityBenchmark.self, AlertBenchmark.self, DashboardBenchmark.self, ShadowBenchmark.self]
    )
}
