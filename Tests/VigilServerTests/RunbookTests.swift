import Foundation
import Testing
import VigilAlerting
import VigilExport
import VigilServer

/// `GET /runbooks`: the page every exported and built-in alert's `runbook_url` points at.
struct RunbookTests {
    @Test func everyShippedAlertHasASectionTheRunbookLinkLandsOn() async throws {
        let server = try await TestServer.start { configuration in
            configuration.tokens = [APIToken(name: "reader", secret: "reader-secret-0123456789", scopes: [.read])]
        }
        // Open without a token, like /healthz: the responder following a link may have none.
        let page = try await server.request("GET", "/runbooks", contentType: nil)
        #expect(page.status == 200)
        #expect(page.text.hasPrefix("<!doctype html>"))
        let links = PrometheusRules(AlertingConfiguration(), settings: ExportSettings()).alerts.compactMap {
            $0.prometheusRule.annotations?.entries["runbook_url"]
        }
        #expect(links.count == BuiltInRules.all.count)
        for link in links {
            let anchor = try #require(link.split(separator: "#").last)
            #expect(page.text.contains(#"id="\#(anchor)""#), "no section for \(link)")
        }
        #expect(page.text.contains(#"id="sloerrorbudgetburn""#))
        try await server.stop()
    }
}
