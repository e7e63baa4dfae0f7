import Foundation
import Testing
import VigilAlerting
import VigilServer

/// Alert emails delivered to a real SMTP server (aiosmtpd, from PyPI) that requires STARTTLS and a login.
@Suite(.serialized) struct EmailTests {
    /// A Python with aiosmtpd: `VIGIL_PYTHON` (set by .ci/run), else the CI venv's.
    static let python = pythonWith(module: "aiosmtpd")

    /// aiosmtpd with STARTTLS required and one login (vigil / the password), writing each message as JSON lines.
    static let serverScript = """
        import asyncio, json, ssl, socket, sys, time
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult
        out, portfile, cert, key = sys.argv[1:5]
        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with open(out, 'a') as f:
                    f.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos, "data": envelope.content.decode(),
                                        "tls": session.ssl is not None, "login": session.auth_data.login.decode() if session.auth_data else None}) + "\\n")
                return '250 OK'
        def authenticate(server, session, envelope, mechanism, auth_data):
            return AuthResult(success=auth_data.login == b'vigil' and auth_data.password == b'smtp-secret', auth_data=auth_data)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        probe = socket.socket(); probe.bind(('127.0.0.1', 0)); port = probe.getsockname()[1]; probe.close()
        controller = Controller(Handler(), hostname='127.0.0.1', port=port, tls_context=context, require_starttls=True,
                                authenticator=authenticate, auth_require_tls=True, server_hostname='localhost')
        controller.start()
        open(portfile, 'w').write(str(port))
        while True: time.sleep(3600)
        """

    @Test(.enabled(if: python != nil || PrometheusTests.inCI, "aiosmtpd is not installed (pip install aiosmtpd into /tmp/vigil-ci-venv); .ci/run installs it"))
    func alertEmailsGoOverStartTLSWithALoginAndNameTheAlert() async throws {
        let python = try #require(Self.python, "a Python with aiosmtpd is required in CI")
        let directory = TestServer.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // A certificate for localhost, trusted through ca_file.
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(directory)/key.pem", "-out", "\(directory)/cert.pem", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0)
        let mailbox = "\(directory)/mailbox.jsonl"
        let portFile = "\(directory)/port"
        let smtp = Process()
        smtp.executableURL = URL(fileURLWithPath: python)
        smtp.arguments = ["-c", Self.serverScript, mailbox, portFile, "\(directory)/cert.pem", "\(directory)/key.pem"]
        smtp.standardOutput = FileHandle.nullDevice
        smtp.standardError = FileHandle.nullDevice
        try smtp.run()
        defer { kill(smtp.processIdentifier, SIGKILL) }
        #expect(try await AlertingTests.eventually(20) { ((try? String(contentsOfFile: portFile, encoding: .utf8)) ?? "").count > 1 }, "aiosmtpd did not start")
        let port = try #require(Int(try String(contentsOfFile: portFile, encoding: .utf8)))

        let server = try await TestServer.start { configuration in
            AlertingTests.configure(&configuration, alertmanager: "")
            configuration.alerting.alertmanagerURL = nil
            configuration.environment = ["TEST_SMTP_PASSWORD": "smtp-secret"]
            configuration.alerting.receivers = [
                Receiver(
                    name: "mail",
                    kind: .email(
                        Receiver.Email(
                            to: ["oncall@example.com", "ml@example.com"], from: "vigil@example.com", host: "localhost", port: port, username: "vigil",
                            passwordVariable: "TEST_SMTP_PASSWORD", caFile: "\(directory)/cert.pem"
                        )
                    )
                )
            ]
            configuration.alerting.route = NotificationRoute(receiver: "mail", groupWait: 0, groupInterval: 500)
        }
        try await AlertingTests.sendErrors(server, rounds: 3)
        #expect(try await AlertingTests.eventually(20) { FileManager.default.fileExists(atPath: mailbox) }, "no email arrived")
        let line = try String(contentsOfFile: mailbox, encoding: .utf8).split(separator: "\n").first.map(String.init) ?? ""
        let mail = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(mail?["tls"] as? Bool == true)
        #expect(mail?["login"] as? String == "vigil")
        #expect(mail?["from"] as? String == "vigil@example.com")
        #expect(mail?["to"] as? [String] == ["oncall@example.com", "ml@example.com"])
        let data = mail?["data"] as? String ?? ""
        #expect(data.contains("Subject: [FIRING:1] FraudErrors fraud"), "\(data)")
        #expect(data.contains("🔥 error_rate of fraud v1 is above 0.01"))
        // The delivery is recorded once the server has answered QUIT, a moment after the message is in the mailbox.
        var log: [[String: Any]] = []
        let recorded = try await AlertingTests.eventually(10) {
            log = try await server.request("GET", "/v1/notifications").json()["notifications"] as? [[String: Any]] ?? []
            return log.first?["deliveredAt"] != nil
        }
        #expect(recorded, "\(log)")
        try await server.stop()
    }

    @Test func aFailedDeliveryIsRetriedAndSaysWhyWithoutThePassword() async throws {
        // A server that refuses at once: nothing listens on the port.
        let server = try await TestServer.start { configuration in
            AlertingTests.configure(&configuration, alertmanager: "")
            configuration.alerting.alertmanagerURL = nil
            configuration.environment = ["TEST_SMTP_PASSWORD": "never-logged"]
            configuration.alerting.receivers = [
                Receiver(name: "mail", kind: .email(Receiver.Email(to: ["a@example.com"], from: "v@example.com", host: "127.0.0.1", port: 9, username: "vigil", passwordVariable: "TEST_SMTP_PASSWORD")))
            ]
            configuration.alerting.route = NotificationRoute(receiver: "mail", groupWait: 0, groupInterval: 500)
        }
        try await AlertingTests.sendErrors(server, rounds: 3)
        var log: [[String: Any]] = []
        _ = try await AlertingTests.eventually(10) {
            log = try await server.request("GET", "/v1/notifications").json()["notifications"] as? [[String: Any]] ?? []
            return log.first?["lastError"] != nil
        }
        let error = log.first?["lastError"] as? String ?? ""
        #expect(error.hasPrefix("mail: "), "\(error)")
        #expect(!error.contains("never-logged"))
        #expect(log.first?["nextAttemptAt"] != nil)
        try await server.stop()
    }
}
