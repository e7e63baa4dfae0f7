import ArgumentParser
import Foundation
import VigilCore
import VigilRender
import VigilStats

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `vigil compare`: a candidate version against a baseline, from a running server or from two files of
/// labelled predictions, with an exit status a deployment pipeline gates on.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a candidate model version against a baseline: promote, hold or reject.",
        discussion: """
            From a server:  vigil compare --server http://localhost:8080 --model churn --baseline v1 --candidate v2
            From files:     vigil compare --baseline-file v1.csv --candidate-file v2.csv --target label --prediction predicted
            Shadow traffic: vigil compare --baseline-file v1.csv --candidate-file v2.csv --paired-by request_id --target label --prediction predicted
                            vigil compare --server http://localhost:8080 --model churn --baseline v1 --candidate v2 --paired-by request_id

            The default test is sequential: its intervals stay valid however often the comparison is run. Label-based
            metrics (accuracy, mae) count only predictions whose labels have had time to arrive (the server judges
            this from the p95 label delay). Exit status: 0 promote, 1 reject, 3 hold, 2 a usage or input error.
            """
    )

    @Option(help: "A Vigil server's URL: compare the versions it has seen.")
    var server: String?

    @Option(help: "With --server: the model.")
    var model: String?

    @Option(help: "The baseline version's name (with --server, required; with files, a label for the output).")
    var baseline: String?

    @Option(help: "The candidate version's name.")
    var candidate: String?

    @Option(help: "With --server: the window, a duration ending now (default 24h).")
    var window: String?

    @Option(help: "With --server: an API token (default: the VIGIL_TOKEN environment variable).")
    var token: String?

    @Option(name: .customLong("baseline-file"), help: "The baseline's predictions (CSV, or NDJSON with .ndjson/.jsonl).")
    var baselineFile: String?

    @Option(name: .customLong("candidate-file"), help: "The candidate's predictions.")
    var candidateFile: String?

    @OptionGroup var dataset: DatasetOptions

    @Option(help: "With files: the latency column, in milliseconds (enables the latency guardrails).")
    var latency: String?

    @Option(
        name: .customLong("paired-by"),
        help:
            "Shadow traffic (both versions scored the same requests): with files, the request id column; with --server, request_id (the predictions' field). Accuracy, mae and latency_mean are then tested request by request (McNemar's exact test, paired t, or the paired confidence sequence)."
    )
    var pairedBy: String?

    @Option(help: "With files: a business metric column (repeatable); compared as metric:NAME.")
    var metric: [String] = []

    @Option(help: "Primary metrics, comma-separated: accuracy, mae, error_rate, latency_mean, latency_p50/p90/p95/p99, metric:NAME.")
    var metrics: String?

    @Option(help: "Guardrails as metric[:tolerance], comma-separated (default error_rate:0.01,latency_p99:0.1 where the data has them).")
    var guardrails: String?

    @Option(help: "sequential (default: valid at every look) or fixed (one look at a sample size fixed in advance).")
    var mode: String?

    @Option(help: "Sequential mode: N*, the total sample size at which decisions are expected (default 5000).")
    var tuning: String?

    @Option(help: "Significance level (default 0.05).")
    var alpha: String?

    @Option(help: "Correction over the primary metrics: holm (default), bh or none.")
    var correction: String?

    @Option(help: "The declared traffic split, baseline first (90,10): checked for a sample-ratio mismatch.")
    var split: String?

    @Option(help: "Also write the comparison as JSON (schema vigil.compare.v1) to this file; '-' prints it instead of the table.")
    var json: String?

    func validate() throws {
        let files = baselineFile != nil || candidateFile != nil
        if server != nil && files { throw ValidationError("give --server or --baseline-file/--candidate-file, not both") }
        if let server {
            guard URL(string: server)?.scheme?.hasPrefix("http") == true else {
                throw ValidationError("--server must be an http(s) URL (got \"\(server)\")")
            }
            guard model != nil, baseline != nil, candidate != nil else { throw ValidationError("--server needs --model, --baseline and --candidate") }
        } else {
            guard baselineFile != nil, candidateFile != nil else {
                throw ValidationError("give --server (with --model, --baseline, --candidate) or both --baseline-file and --candidate-file")
            }
            if window != nil || model != nil { throw ValidationError("--window and --model go with --server") }
        }
        if let pairedBy, server != nil, pairedBy != "request_id" {
            throw ValidationError("--paired-by with --server is request_id (the server pairs predictions by their request_id field), not \"\(pairedBy)\"")
        }
    }

    func run() async throws {
        let document = server != nil ? try await fromServer() : try fromFiles()
        if json == "-" {
            FileHandle.standardOutput.write(try document.encoded() + Data("\n".utf8))
        } else {
            print(document.terminalText(), terminator: "")
            if let json { try document.encoded().write(to: URL(fileURLWithPath: json)) }
        }
        if document.exitStatus != 0 { throw ExitCode(document.exitStatus) }
    }

    private func plan() throws -> ComparisonPlan {
        do {
            return try ComparisonPlan(
                metrics: metrics,
                guardrails: guardrails,
                mode: mode,
                tuning: tuning,
                alpha: alpha,
                correction: correction,
                split: split
            )
        } catch {
            throw ValidationError("--\(error.parameter): \(error.message)")
        }
    }

    private func fromFiles() throws -> ComparisonDocument {
        let plan = try plan()
        let options = try dataset.readOptions()
        guard dataset.target != nil, dataset.prediction != nil || metrics != nil else {
            throw ValidationError("with files, give --target and --prediction (or only business metrics with --metrics metric:NAME)")
        }
        let (a, b) = try DatasetLoader.load(baselineFile!, candidateFile!, options: options)
        func arm(_ profile: DatasetProfile, name: String) throws -> ComparisonArm {
            var latencySketch: NumericColumnSketch?
            if let latency {
                guard case .numeric(let sketch)? = profile.columns[latency] else {
                    throw ValidationError(
                        "\(name): --latency \"\(latency)\" is not a numeric column (columns: \(profile.columnNames.joined(separator: ", ")))"
                    )
                }
                latencySketch = sketch
            }
            var moments: [String: Moments] = [:]
            for column in metric {
                guard case .numeric(let sketch)? = profile.columns[column] else {
                    throw ValidationError("\(name): --metric \"\(column)\" is not a numeric column")
                }
                moments[column] = sketch.moments
            }
            return ComparisonArm(
                version: name,
                requests: profile.rowCount,
                errors: nil,
                latency: latencySketch,
                metrics: moments,
                quality: profile.quality ?? QualityProfile(),
                maturedPredictions: profile.rowCount
            )
        }
        let baselineName = baseline ?? baselineFile!
        let candidateName = candidate ?? candidateFile!
        let baselineArm = try arm(a, name: baselineName)
        let candidateArm = try arm(b, name: candidateName)
        var pairs: ShadowPairs?
        if let pairedBy {
            let columns = PairedRows.Columns(request: pairedBy, target: dataset.target, prediction: dataset.prediction, latency: latency)
            let regression = (a.quality?.regression.count ?? 0) > 0 && (a.quality?.confusion.total ?? 0) == 0
            pairs = try ShadowPairs.pair(
                try PairedRows.read(path: baselineFile!, columns: columns, format: options.format),
                try PairedRows.read(path: candidateFile!, columns: columns, format: options.format),
                regression: regression
            )
            if pairs!.paired == 0 {
                throw ValidationError("no request id of --paired-by \"\(pairedBy)\" appears in both files: nothing to pair")
            }
        }
        let comparison = plan.run(baseline: baselineArm, candidate: candidateArm, pairs: pairs)
        return ComparisonDocument(comparison, model: nil, baseline: baselineName, candidate: candidateName, window: nil, pairedBy: pairedBy)
    }

    private func fromServer() async throws -> ComparisonDocument {
        _ = try plan()  // the same checks as the server's, before any request
        var components = URLComponents(string: server!.hasSuffix("/") ? String(server!.dropLast()) : server!)!
        components.percentEncodedPath +=
            "/v1/models/" + (model!.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? model!) + "/compare"
        let query: [(String, String?)] = [
            ("baseline", baseline), ("candidate", candidate), ("window", window), ("metrics", metrics), ("guardrails", guardrails), ("mode", mode),
            ("tuning", tuning), ("alpha", alpha), ("correction", correction), ("split", split),
            ("paired", pairedBy != nil ? "true" : nil),
        ]
        components.queryItems = query.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        var request = URLRequest(url: components.url!)
        request.timeoutInterval = 60
        if let token = token ?? ProcessInfo.processInfo.environment["VIGIL_TOKEN"] {
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw ValidationError("cannot reach \(server!): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            let detail = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["detail"] as? String
            throw ValidationError("\(server!) answered \(status): \(detail ?? String(decoding: data.prefix(300), as: UTF8.self))")
        }
        do {
            return try JSONDecoder().decode(ComparisonDocument.self, from: data)
        } catch {
            throw ValidationError("\(server!) answered a document that is not vigil.compare.v1: \(error)")
        }
    }
}
