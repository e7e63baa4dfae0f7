import ArgumentParser
import Foundation
import Logging
import VigilServer

/// `vigil serve`: the monitoring server on the embedded store.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the monitoring server: ingest predictions and labels, serve the JSON API and /metrics."
    )

    @Option(help: "Address to listen on (default 127.0.0.1; other addresses need API tokens in the config).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free port (default 8080).")
    var port: Int?

    @Option(name: .customLong("data-dir"), help: "Directory of the embedded store (default ./vigil-data).")
    var dataDirectory: String?

    @Option(help: "A YAML settings file: tokens, limits, cardinality, live buckets, retention, monitoring.")
    var config: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: "Log format: json (one object per line) or text.")
    var logFormat: String = "json"

    func run() async throws {
        var configuration = ServerConfiguration()
        if let config { try ServeConfigurationFile.apply(config, to: &configuration, environment: ProcessInfo.processInfo.environment) }
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        do { try configuration.validate() } catch { throw ValidationError(error.description) }
        let logger = try Self.makeLogger(level: logLevel, format: logFormat)
        let dataDirectory = URL(fileURLWithPath: configuration.dataDirectory).standardizedFileURL.path
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let open = configuration.tokens.isEmpty
        let server = try await VigilServer.make(configuration: configuration, logger: logger) { port in
            var banner = "vigil serve: listening on http://\(host):\(port) — data in \(dataDirectory)\n"
            if open { banner += "vigil serve: no API tokens configured, so only this machine (loopback) can connect\n" }
            FileHandle.standardOutput.write(Data(banner.utf8))
        }
        try await server.run()
    }

    static func makeLogger(level: String, format: String) throws -> Logger {
        guard let level = Logger.Level(rawValue: level) else { throw ValidationError("--log-level \(level) is not one of trace, debug, info, notice, warning, error, critical") }
        switch format {
        case "json":
            var logger = Logger(label: "vigil") { JSONLogHandler(label: $0, level: level) }
            logger.logLevel = level
            return logger
        case "text":
            var logger = Logger(label: "vigil") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = level
            return logger
        default:
            throw ValidationError("--log-format \(format) is not json or text")
        }
    }
}
