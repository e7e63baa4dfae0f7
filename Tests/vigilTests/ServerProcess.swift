import ChildProcess
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A running `vigil serve` child process and the port it printed.
///
/// A server of its own process, unlike the in-process test servers, answers whatever the test process's
/// own threads are doing; and starting it never blocks a thread: its first line is awaited by polling the
/// file its standard output goes to.
final class ServerProcess: Sendable {
    let process: Process
    let port: Int

    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    static func start(dataDirectory: String, config: String) async throws -> ServerProcess {
        let process = Process()
        process.executableURL = VigilProcess.executable
        process.arguments = ["serve", "--port", "0", "--data-dir", dataDirectory, "--config", config, "--log-level", "warning"]
        let outputPath = VigilProcess.temporaryPath(".out")
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line says where it listens: "vigil serve: listening on http://127.0.0.1:PORT — …".
        for _ in 0..<600 {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n", omittingEmptySubsequences: false).first, text.contains("\n") {
                guard let range = line.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression),
                      let port = Int(line[range].split(separator: ":").last ?? "")
                else { throw StartFailure(description: "vigil serve printed no address: \(line)") }
                return ServerProcess(process: process, port: port)
            }
            guard process.isRunning else { throw StartFailure(description: "vigil serve exited with status \(process.terminationStatus) before listening") }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw StartFailure(description: "vigil serve did not say where it listens within 30 s")
    }

    func kill() async {
        Foundation.kill(process.processIdentifier, SIGKILL)
        await ChildProcess.waitForExit(process)
    }

    func terminate() async {
        process.terminate()
        await ChildProcess.waitForExit(process)
    }

    static func post(port: Int, _ path: String, _ body: String) async throws -> (Int, Data) {
        try await send("POST", port: port, path, body)
    }

    /// An NDJSON body sent with `method`; the status and the answer.
    static func send(_ method: String, port: Int, _ path: String, _ body: String) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = Data(body.utf8)
        request.setValue("application/x-ndjson", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, data)
    }

    /// `GET …/performance` over the last 30 days.
    func performance(_ model: String) async throws -> [String: Any] {
        let url = URL(string: "http://127.0.0.1:\(port)/v1/models/\(model)/performance?window=30d")!
        let (data, _) = try await URLSession.shared.data(from: url)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func summary(_ model: String) async throws -> [String: Any] {
        let url = URL(string: "http://127.0.0.1:\(port)/v1/models/\(model)/summary?window=30d")!
        let (data, _) = try await URLSession.shared.data(from: url)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}
