import Foundation
import GRDB
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import ServiceLifecycle
import VigilServer

/// A real `VigilServer` on a loopback port with a real SQLite store in a temporary directory, and a real
/// HTTP client (URLSession) talking to it.
struct TestServer {
    let port: Int
    let directory: String
    let group: ServiceGroup
    let task: Task<Void, any Error>

    static func temporaryDirectory() -> String { NSTemporaryDirectory() + "vigil-server-\(UUID().uuidString)" }

    /// Starts a server on `directory` (a new one by default) with the given settings.
    static func start(
        directory: String = temporaryDirectory(), clock: WallClock = .system, configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.dataDirectory = directory
        configuration.flushIntervalSeconds = 0.2
        configuration.monitorIntervalSeconds = 0.2
        configuration.qualityWindowIntervalSeconds = 0
        configure(&configuration)
        var logger = Logger(label: "vigil-test")
        logger.logLevel = .warning
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = try await VigilServer.make(configuration: configuration, logger: logger, clock: clock) { port in continuation.yield(port) }
        let group = server.serviceGroup(gracefulShutdownSignals: [])
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the server did not start") }
        return TestServer(port: port, directory: directory, group: group, task: task)
    }

    /// Stops the server the way SIGTERM does: drain, flush, close.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    struct Answer {
        var status: Int
        var body: Data
        var headers: [String: String]

        var text: String { String(decoding: body, as: UTF8.self) }

        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else { throw TestFailure("not a JSON object: \(text)") }
            return object
        }
    }

    func request(_ method: String, _ path: String, body: String? = nil, contentType: String? = "application/json", token: String? = nil) async throws -> Answer {
        try await request(method, path, data: body.map { Data($0.utf8) }, contentType: contentType, token: token)
    }

    func request(_ method: String, _ path: String, data: Data?, contentType: String? = "application/json", token: String? = nil) async throws -> Answer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = data
        if let contentType, data != nil { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (body, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers[String(describing: key).lowercased()] = String(describing: value) }
        return Answer(status: http.statusCode, body: body, headers: headers)
    }

    /// `GET /v1/models/{model}/summary` as JSON.
    func summary(_ model: String, query: String = "window=7d") async throws -> [String: Any] {
        let answer = try await request("GET", "/v1/models/\(model)/summary?\(query)")
        guard answer.status == 200 else { throw TestFailure("summary answered \(answer.status): \(answer.text)") }
        return try answer.json()
    }
}

extension TestServer {
    /// A port that was free a moment ago: bind to port 0 and read back what the kernel chose.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0 else { throw TestFailure("bind() failed") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A Python that can import `module`: `VIGIL_PYTHON` (set by .ci/run), else the CI venv's; nil without one.
func pythonWith(module: String) -> String? {
    let candidates = [ProcessInfo.processInfo.environment["VIGIL_PYTHON"], "/tmp/vigil-ci-venv/bin/python"].compactMap { $0 }
    return candidates.first { path in
        guard FileManager.default.isExecutableFile(atPath: path) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-c", "import \(module)"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Reads a nested value: `value(json, "requests", "count")`.
func value(_ object: Any?, _ path: String...) -> Any? {
    var current = object
    for key in path {
        if let index = Int(key), let array = current as? [Any] {
            current = index < array.count ? array[index] : nil
        } else {
            current = (current as? [String: Any])?[key]
        }
    }
    return current
}

func number(_ object: Any?, _ path: String...) -> Double? {
    var current = object
    for key in path { current = (current as? [String: Any])?[key] }
    return (current as? NSNumber)?.doubleValue
}

/// A prediction row as a model service would send it.
func predictionJSON(id: String? = nil, version: String = "v1", age: Double, city: String, score: Double = 0.8, latency: Double = 12, status: String? = nil, errorType: String? = nil, timestamp: String? = nil) -> String {
    var fields = [
        #""version":"\#(version)""#,
        #""features":{"age":\#(age),"city":"\#(city)"}"#,
        #""prediction":{"yes":\#(score),"no":\#(1 - score)}"#,
        #""latency_ms":\#(latency)"#,
    ]
    if let id { fields.append(#""id":"\#(id)""#) }
    if let status { fields.append(#""status":"\#(status)""#) }
    if let errorType { fields.append(#""error_type":"\#(errorType)""#) }
    if let timestamp { fields.append(#""timestamp":"\#(timestamp)""#) }
    return "{" + fields.joined(separator: ",") + "}"
}

/// A connection of the test's own to a store's database file. It waits for locks, as the store's own
/// connections do: the store's background checkpointer holds one for a few milliseconds at times.
func openDatabase(_ path: String) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.busyMode = .timeout(10)
    return try DatabaseQueue(path: path, configuration: configuration)
}
