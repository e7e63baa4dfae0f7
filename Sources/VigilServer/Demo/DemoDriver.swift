public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
public import Logging
import VigilStats

/// Feeds ``DemoTraffic`` to a running server over its public HTTP API, as a model service would: a
/// reference first, then predictions every tick and, for most of them, labels 2 to 20 seconds later. Once the
/// labels of the traffic before the drift are in (or 150 per version), it fits the performance estimators
/// (CBPE) on that traffic, so that `/performance` shows estimated quality beside the realized one: after the
/// drift v2's scores stay confident while its labels say it is wrong, the gap CBPE cannot see and labels can.
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

    /// Sends traffic until the task is cancelled or `duration` seconds have passed (and at least
    /// `minimumTicksAfterDrift` ticks of drifted traffic were sent, however slowly a busy machine sends them);
    /// returns when the drift began (the first drifted prediction was sent), if it did.
    @discardableResult
    public func run(duration: Double?, minimumTicksAfterDrift: Int = 0) async throws -> Date? {
        try await send("PUT", "/v1/models/\(DemoTraffic.model)/reference?source=demo-training-data.ndjson", body: DemoTraffic.referenceNDJSON(rows: 5000), contentType: "application/x-ndjson")
        var random = SplitMix64(seed: 2026)
        let start = ContinuousClock.now
        let startDate = Date()
        var estimatorsFitted = false
        // Labels sent for predictions made before the drift, per version, and those still to come.
        var preDriftLabels: [String: Int] = [:]
        var preDriftPending = 0
        let tick = Duration.milliseconds(100)
        var pendingLabels: [(due: ContinuousClock.Instant, rows: [String], preDriftVersion: String?)] = []
        var sequence = 0
        var driftBegan: Date?
        var ticksAfterDrift = 0
        // Labelled predictions sent before the drift, per version: the drift waits for enough of them to fit the
        // estimators, so that a machine too busy to send many ticks in the first seconds still gets its estimates.
        var preDriftLabelled: [String: Int] = [:]
        while !Task.isCancelled {
            var elapsed = (ContinuousClock.now - start).seconds
            if let duration, elapsed >= duration, ticksAfterDrift >= minimumTicksAfterDrift { break }
            let readyToDrift = preDriftLabelled.count == 2 && preDriftLabelled.values.allSatisfy { $0 >= Self.labelsToFit }
            if elapsed >= traffic.driftAfterSeconds, driftBegan == nil, !readyToDrift {
                elapsed = traffic.driftAfterSeconds.nextDown
            }
            if elapsed >= traffic.driftAfterSeconds {
                if driftBegan == nil { driftBegan = Date() }
                ticksAfterDrift += 1
            }
            let events = traffic.events(count: max(1, eventsPerSecond / 10), elapsed: elapsed, sequence: sequence, random: &random)
            sequence += 1
            try await send("POST", "/v1/models/\(DemoTraffic.model)/predictions", body: events.map(\.json).joined(separator: "\n"), contentType: "application/x-ndjson")
            let preDrift = elapsed < traffic.driftAfterSeconds
            for event in events where preDrift && event.label != nil { preDriftLabelled[event.version, default: 0] += 1 }
            for event in events {
                guard let label = event.label else { continue }
                pendingLabels.append((
                    ContinuousClock.now + .milliseconds(Int(event.labelDelay * 1000)), [#"{"prediction_id":"\#(event.id)","label":"\#(label)"}"#],
                    preDrift ? event.version : nil
                ))
                if preDrift { preDriftPending += 1 }
            }
            let now = ContinuousClock.now
            let due = pendingLabels.filter { $0.due <= now }
            pendingLabels.removeAll { $0.due <= now }
            if !due.isEmpty {
                try await send("POST", "/v1/models/\(DemoTraffic.model)/labels", body: due.flatMap(\.rows).joined(separator: "\n"), contentType: "application/x-ndjson")
                for version in due.compactMap(\.preDriftVersion) {
                    preDriftLabels[version, default: 0] += 1
                    preDriftPending -= 1
                }
            }
            let enough = preDriftLabels.count == 2 && preDriftLabels.values.allSatisfy { $0 >= Self.labelsToFit }
            if !estimatorsFitted && (enough || (!preDrift && preDriftPending == 0)) {
                estimatorsFitted = true
                try await fitEstimators(from: startDate, to: driftBegan ?? Date())
            }
            if sequence % 100 == 0 {
                logger.info("demo traffic", metadata: ["events": "\(sequence * max(1, eventsPerSecond / 10))", "drifted": "\(elapsed >= traffic.driftAfterSeconds)"])
            }
            try? await Task.sleep(for: tick)
        }
        // A demo stopped before the condition above held (a busy machine, a short run) fits them on the way out.
        if !estimatorsFitted, (ContinuousClock.now - start).seconds >= traffic.driftAfterSeconds {
            try await fitEstimators(from: startDate, to: driftBegan ?? Date())
        }
        return driftBegan
    }

    /// Labelled predictions per version the estimators are fitted on (the server needs 100).
    static let labelsToFit = 150

    /// Fits the estimators on the labelled traffic before the drift; a version with too few labels (a very
    /// short demo) is left without one, as the server's answer says.
    private func fitEstimators(from: Date, to: Date) async throws {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let path = "/v1/models/\(DemoTraffic.model)/estimator?from=\(format.string(from: from.addingTimeInterval(-1)))&to=\(format.string(from: to))&positive_class=fraud"
        var request = URLRequest(url: URL(string: path, relativeTo: baseURL)!)
        request.httpMethod = "PUT"
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if status == 200 {
            logger.info("demo fitted its performance estimators", metadata: ["answer": "\(String(decoding: data, as: UTF8.self).prefix(300))"])
        } else {
            logger.info("demo traffic too short to fit performance estimators", metadata: ["status": "\(status)"])
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
