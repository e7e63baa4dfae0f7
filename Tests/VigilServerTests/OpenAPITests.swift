import Foundation
import Testing

/// The OpenAPI document is served, and every operation it describes is a route the server has.
struct OpenAPITests {
    @Test func everyDocumentedOperationIsServed() async throws {
        let server = try await TestServer.start()
        let document = try await server.request("GET", "/openapi.yaml")
        #expect(document.status == 200)
        #expect(document.text.hasPrefix("openapi: 3.1.0"))
        var operations: [(method: String, path: String)] = []
        var path: String?
        for line in document.text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("components:") {
                path = nil
            } else if let current = path, let method = ["get", "post", "put", "delete"].first(where: { line == "    \($0):" }) {
                operations.append((method.uppercased(), current))
            }
        }
        #expect(operations.count == 10, "\(operations)")
        for (method, template) in operations {
            let concrete = template.replacingOccurrences(of: "{model}", with: "m").replacingOccurrences(of: "{id}", with: "x")
            let answer = try await server.request(method, concrete, body: method == "GET" ? nil : "{}")
            // An unknown route is a bare 404; Vigil's own 404s are problem documents.
            let routeMissing = answer.status == 404 && answer.headers["content-type"] != "application/problem+json"
            #expect(!routeMissing, "\(method) \(template) is documented but not served")
        }
        try await server.stop()
    }
}
