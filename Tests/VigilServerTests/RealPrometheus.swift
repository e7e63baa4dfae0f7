import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A Prometheus server (Debian's `prometheus`) on a free loopback port, for tests that scrape Vigil and query
/// what it saw; stopped with ``stop()``.
struct RealPrometheus {
    let process: Process
    let port: Int

    /// Starts Prometheus on `config` (a `prometheus.yml` path; its rule files resolve beside it), storing its data
    /// under `directory`.
    static func start(binary: String, config: String, directory: String) throws -> RealPrometheus {
        let port = try TestServer.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--config.file=\(config)", "--storage.tsdb.path=\(directory)/data", "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return RealPrometheus(process: process, port: port)
    }

    func stop() { process.terminate() }

    /// An instant query's answer: the series with their values, or Prometheus' error.
    func query(_ promql: String) async throws -> Result<[(labels: [String: String], value: String)], QueryError> {
        var components = URLComponents(string: "http://127.0.0.1:\(port)/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: promql)]
        let (data, _) = try await URLSession.shared.data(from: components.url!)
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        guard json?["status"] as? String == "success" else { return .failure(QueryError(text: "\(json?["error"] ?? "no answer")")) }
        let result = (json?["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
        return .success(result.map { (($0["metric"] as? [String: String]) ?? [:], (($0["value"] as? [Any])?.last as? String) ?? "") })
    }

    /// The first series' value, when the query succeeds and has one.
    func value(_ promql: String) async throws -> Double? {
        guard case .success(let series) = try await query(promql) else { return nil }
        return series.first.flatMap { Double($0.value) }
    }

    struct QueryError: Error, CustomStringConvertible {
        var text: String
        var description: String { text }
    }
}
