import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import VigilServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A real Vigil server on a free port, for the benchmarks that feed and read it over HTTP as clients would.
struct BenchServer {
    let server: VigilServer
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts a server with `configuration` (its port is set to a free one); logs only errors.
    static func start(_ configuration: ServerConfiguration) async throws -> BenchServer {
        var configuration = configuration
        configuration.port = 0
        var logger = Logger(label: "vigil-bench")
        logger.logLevel = .error
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = try await VigilServer.make(configuration: configuration, logger: logger) { continuation.yield($0) }
        let group = server.serviceGroup(gracefulShutdownSignals: [])
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw ValidationError("the server did not start") }
        return BenchServer(server: server, port: port, group: group, task: task)
    }

    /// Sends a request and returns the answer's body.
    /// - Throws: when the answer is not 2xx, with its status and the start of its body.
    @discardableResult
    func send(_ method: String, _ path: String, _ body: String = "", contentType: String = "application/json") async throws -> Data {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if method != "GET" {
            request.httpBody = Data(body.utf8)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        request.timeoutInterval = 600
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let status = (response as? HTTPURLResponse)?.statusCode, (200..<300).contains(status) else {
            throw ValidationError(
                "\(method) \(path) answered \((response as? HTTPURLResponse)?.statusCode ?? 0): \(String(decoding: data, as: UTF8.self).prefix(300))"
            )
        }
        return data
    }

    /// Shuts the server down gracefully and waits for it.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
