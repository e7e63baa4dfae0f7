import Foundation
public import Logging
import Synchronization
import VigilCore

/// A swift-log handler that writes one JSON object per line to standard error: `ts`, `level`, `logger`,
/// `msg`, and the metadata as string fields. Log shippers (Loki, Elasticsearch, CloudWatch) read it as is.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String

    public init(label: String, level: Logger.Level = .info) {
        self.label = label
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    private static let output = Mutex(())

    public func log(event: LogEvent) {
        var fields: [String: String] = [
            "ts": Self.timestamp(), "level": event.level.rawValue, "logger": label, "msg": event.message.description,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { fields[key] = value.description }
        guard var line = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(0x0A)
        Self.output.withLock { _ in FileHandle.standardError.write(line) }
    }

    private static func timestamp() -> String {
        let now = Date().timeIntervalSince1970
        let seconds = Int64(now)
        let millis = Int64((now - Double(seconds)) * 1000)
        return Timestamp.formatRFC3339(milliseconds: seconds * 1000 + millis)
    }
}
