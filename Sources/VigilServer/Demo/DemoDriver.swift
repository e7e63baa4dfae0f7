public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
public import Logging
import VigilStats

/// Feeds ``DemoTraffic`` to a running server over its public HTTP API, as a model service would: a
/// reference first, then predictions every tick and, for most of them, labels 2 to 20 seconds later.
public struct DemoDriver: Sendable {
    let baseURL: URL
    let eventsPerSecond: Int
    let traffic: DemoTraffic
    let logger: Logger

    /// - Parameter labelDelaySeconds: how long after its prediction a label comes.
    public init(baseURL: URL, eventsPerSecond: Int = 200, driftAfterSeconds: Double = 30, labelDelaySeconds: Range<Double> = 2..<20, logger: Logger) {
        self.baseURL = baseURL
        self.eventsPerSecond = eventsPerSecond
        traffic = DemoTraffic(driftAfterSeconds: driftAfterSeconds, labelDelaySeconds: labelDelaySeconds)
        self.logger = logger
    }

    /// The model the demo feeds.
    public static var model: String { DemoTraffic.model }

    /// Sends traffic until the task is cancelled or `duration` seconds have passed.
    public func run(duration: Double?) async throws {
        try await send("PUT", "/v1/models/\(DemoTraffic.model)/reference?source=demo-training-data.ndjson", body: DemoTraffic.referenceNDJSON(rows: 5000), contentType: "application/x-ndjson")
        var random = SplitMix64(seed: 2026)
        let start = ContinuousClock.now
        let tick = Duration.milliseconds(100)
        var pendingLabels: [(due: ContinuousClock.Instant, rows: [String])] = []
        var sequence = 0
        while !Task.isCancelled {
            let elapsed = (ContinuousClock.now - start).seconds
            if let duration, elapsed >= duration { break }
            let events = traffic.events(count: max(1, eventsPerSecond / 10), elapsed: elapsed, sequence: sequence, random: &random)
            sequence += 1
            try await send("POST", "/v1/models/\(DemoTraffic.model)/predictions", body: events.map(\.json).joined(separator: "\n"), contentType: "application/x-ndjson")
            for event in events {
                guard let label = event.label else { continue }
                pendingLabels.append((ContinuousClock.now + .milliseconds(Int(event.labelDelay * 1000)), [#"{"prediction_id":"\#(event.id)","label":"\#(label)"}"#]))
            }
            let now = ContinuousClock.now
            let due = pendingLabels.filter { $0.due <= now }.flatMap(\.rows)
            pendingLabels.removeAll { $0.due <= now }
            if !due.isEmpty {
                try await send("POST", "/v1/models/\(DemoTraffic.model)/labels", body: due.joined(separator: "\n"), contentType: "application/x-ndjson")
            }
            if sequence % 100 == 0 {
                logger.info("demo traffic", metadata: ["events": "\(sequence * max(1, eventsPerSecond / 10))", "drifted": "\(elapsed >= traffic.driftAfterSeconds)"])
            }
            try? await Task.sleep(for: tick)
        }
    }

    private func send(_ method: String, _ path: String, body: String, contentType: String) async throws {
        var request = URLRequest(url: URL(string: path, relativeTo: baseURL)!)
        request.httpMethod = method
        request.httpBody = Data(body.utf8)
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw DemoError("\(method) \(path) answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
    }
}

/// The demo could not feed the server.
public struct DemoError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
