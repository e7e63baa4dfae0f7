import Foundation
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL

/// Sends one message over SMTP (RFC 5321): EHLO, STARTTLS when the server offers it (required unless turned
/// off), AUTH PLAIN when a user is given (only over TLS), MAIL, RCPT, DATA, QUIT.
enum SMTPClient {
    struct Settings: Sendable {
        var host: String
        var port: Int
        var hello: String
        var username: String?
        var password: String?
        /// Refuse to send (or authenticate) without STARTTLS, as Alertmanager's `smtp_require_tls` (default true).
        var requireTLS: Bool
        /// Certificates to trust instead of the system's (a private CA, or a test server's own).
        var caFile: String?
        /// Milliseconds for the whole exchange.
        var timeout: Int64
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Delivers `message` (RFC 5322 text with CRLF line ends) from `from` to `recipients`.
    static func send(_ message: String, from: String, to recipients: [String], settings: Settings) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(settings.timeout))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let exchange = Task {
            try await channel.executeThenClose { inbound, outbound in
                var lines = inbound.makeAsyncIterator()
                /// A reply: its code and lines (`250-…` continues, `250 …` ends).
                func reply() async throws -> (code: Int, lines: [String]) {
                    var texts: [String] = []
                    while let buffer = try await lines.next() {
                        var line = String(buffer: buffer)
                        if line.hasSuffix("\r") { line.removeLast() }
                        texts.append(line)
                        let characters = Array(line)
                        if characters.count < 4 || characters[3] == " " {
                            guard let code = Int(String(characters.prefix(3))) else { throw Failure(description: "the server answered \"\(line)\"") }
                            return (code, texts)
                        }
                    }
                    throw Failure(description: "the server closed the connection")
                }
                func command(_ text: String, expect codes: Set<Int>, shown: String? = nil) async throws -> [String] {
                    try await outbound.write(ByteBuffer(string: text + "\r\n"))
                    let (code, texts) = try await reply()
                    guard codes.contains(code) else { throw Failure(description: "\(shown ?? text) was answered \(texts.joined(separator: " "))") }
                    return texts
                }
                let (greeting, banner) = try await reply()
                guard greeting == 220 else { throw Failure(description: "the server greeted with \(banner.joined(separator: " "))") }
                var extensions = try await command("EHLO \(settings.hello)", expect: [250])
                if extensions.contains(where: { $0.dropFirst(4).uppercased().hasPrefix("STARTTLS") }) {
                    _ = try await command("STARTTLS", expect: [220])
                    var tls = TLSConfiguration.makeClientConfiguration()
                    if let caFile = settings.caFile { tls.trustRoots = .file(caFile) }
                    let context = try NIOSSLContext(configuration: tls)
                    let pipeline = channel.channel.pipeline
                    let host = settings.host
                    // The TLS handler goes below the line decoder, on the channel's own event loop.
                    try await channel.channel.eventLoop.submit {
                        try pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: host), position: .first)
                    }.get()
                    extensions = try await command("EHLO \(settings.hello)", expect: [250])
                } else if settings.requireTLS {
                    throw Failure(description: "\(settings.host) does not offer STARTTLS, and require_tls is on")
                }
                if let username = settings.username {
                    let secret = Data("\0\(username)\0\(settings.password ?? "")".utf8).base64EncodedString()
                    _ = try await command("AUTH PLAIN \(secret)", expect: [235], shown: "AUTH PLAIN (credentials)")
                }
                _ = try await command("MAIL FROM:<\(from)>", expect: [250])
                for recipient in recipients { _ = try await command("RCPT TO:<\(recipient)>", expect: [250, 251]) }
                _ = try await command("DATA", expect: [354])
                // Dot-stuffing: a line starting with "." gets another.
                let body = message.replacingOccurrences(of: "\r\n.", with: "\r\n..")
                _ = try await command((body.hasPrefix(".") ? "." : "") + body + "\r\n.", expect: [250], shown: "the message")
                _ = try? await command("QUIT", expect: [221])
            }
        }
        let timer = Task {
            try await Task.sleep(for: .milliseconds(settings.timeout))
            exchange.cancel()
            try? await channel.channel.close()
        }
        defer { timer.cancel() }
        do { try await exchange.value } catch is CancellationError {
            throw Failure(description: "no answer within \(settings.timeout / 1000) s")
        }
    }

    /// The message as RFC 5322 text: headers, a blank line, the body; CRLF line ends.
    static func message(from: String, to recipients: [String], subject: String, body: String, date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let headers = [
            "From: Vigil <\(from)>", "To: \(recipients.joined(separator: ", "))", "Subject: \(subject)", "Date: \(formatter.string(from: date))",
            "Message-ID: <\(UUID().uuidString.lowercased())@vigil>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ]
        let text = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + text
    }
}
