import Foundation
import Testing
import VigilServer

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
        #expect(operations.count == 24, "\(operations)")
        for (method, template) in operations {
            let concrete = template.replacingOccurrences(of: "{model}", with: "m").replacingOccurrences(of: "{id}", with: "x")
            let answer = try await server.request(method, concrete, body: method == "GET" ? nil : "{}")
            // An unknown route is a `no-endpoint` problem, or a 405 when the path takes other methods.
            let routeMissing = answer.status == 405
                || (answer.headers["content-type"] == "application/problem+json" && answer.text.contains("urn:vigil:problem:no-endpoint"))
            #expect(!routeMissing, "\(method) \(template) is documented but not served")
        }
        try await server.stop()
    }
}

/// Requests no route takes are answered with problem documents that say what the server does take.
struct UnmatchedRouteTests {
    @Test func wrongMethodIs405WithAllowAndUnknownPathIs404() async throws {
        let server = try await TestServer.start()
        let wrongMethod = try await server.request("DELETE", "/v1/models/m/predictions")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["allow"] == "POST", "\(wrongMethod.headers)")
        #expect(wrongMethod.headers["content-type"] == "application/problem+json")
        #expect(wrongMethod.text.contains("/v1/models/m/predictions takes POST, not DELETE"), "\(wrongMethod.text)")

        let twoMethods = try await server.request("POST", "/v1/models/m/reference", body: "{}")
        #expect(twoMethods.status == 405)
        #expect(twoMethods.headers["allow"] == "PUT")

        let unknown = try await server.request("GET", "/v1/nothing/here")
        #expect(unknown.status == 404)
        #expect(unknown.text.contains("urn:vigil:problem:no-endpoint"), "\(unknown.text)")
        #expect(unknown.text.contains("/openapi.yaml"))

        // A route's own 404 stays what it was: the model exists as a path, not as data.
        let missingModel = try await server.request("GET", "/v1/models/absent/summary")
        #expect(missingModel.status == 404)
        #expect(!missingModel.text.contains("no-endpoint"))
        try await server.stop()
    }
}
