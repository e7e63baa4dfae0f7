import ChildProcess
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// schemathesis (from PyPI; `.ci/run` installs it) generates requests from the OpenAPI document, valid and
/// not, against a running `vigil serve`: none may crash it or get a 5xx.
///
/// The server is a process of its own: schemathesis gives each request 10 s, and an in-process server shares
/// the test process's two cooperative threads with every other test running meanwhile.
struct FuzzTests {
    static let schemathesis: String? = {
        let candidates = [ProcessInfo.processInfo.environment["VIGIL_SCHEMATHESIS"], "/usr/local/bin/schemathesis", "/tmp/vigil-venv/bin/schemathesis"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    @Test(.enabled(if: schemathesis != nil || HTMLReportTests.inCI, "schemathesis is not installed (pip install schemathesis; set VIGIL_SCHEMATHESIS); .ci/run installs it"))
    func generatedRequestsNeverCrashTheServer() async throws {
        let program = try #require(Self.schemathesis, "schemathesis is required in CI")
        let token = "fuzz-token-0123456789"
        let config = VigilProcess.temporaryPath(".yaml")
        try "tokens:\n  - {name: fuzzer, token: \(token), scopes: [admin]}\n".write(toFile: config, atomically: true, encoding: .utf8)
        let server = try await ServerProcess.start(dataDirectory: VigilProcess.temporaryPath("-data"), config: config)
        let base = "http://127.0.0.1:\(server.port)"
        let run = try await ChildProcess.run(program, [
            "run", "\(base)/openapi.yaml", "--url", base, "--checks", "not_a_server_error", "--max-examples", "25", "--seed", "2026",
            "-H", "Authorization: Bearer \(token)", "--no-color",
        ])
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        #expect(run.output.contains("generated"), "schemathesis ran no test: \(run.output.suffix(1000))")
        let (health, _) = try await URLSession.shared.data(from: URL(string: "\(base)/healthz")!)
        #expect(String(decoding: health, as: UTF8.self).contains("ok"), "the server must still answer")
        await server.terminate()
    }
}
