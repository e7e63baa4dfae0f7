import Foundation
import Hummingbird
import NIOCore
import VigilCore
import HTTPTypes

extension Request {
    /// The body, up to `limit` bytes; a larger body is a 413 problem naming the limit.
    mutating func collectBytes(limit: Int) async throws -> [UInt8] {
        do {
            let buffer = try await collectBody(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw Problem(.contentTooLarge, "body-too-large", title: "Body too large", detail: "the body exceeds \(limit) bytes (max_body_bytes); split the batch")
        }
    }

    /// The `{model}` path parameter, percent-decoded and validated.
    func modelName(_ context: VigilRequestContext, limits: IngestLimits) throws(Problem) -> String {
        guard let model = pathParameter("model", context), limits.isValidName(model) else {
            throw Problem.badParameter("model", "a model name is 1 to \(limits.maxNameLength) letters, digits or _ . : -")
        }
        return model
    }

    /// A path parameter, percent-decoded (`%3A` is `:`); nil when absent or not valid percent-encoding.
    func pathParameter(_ name: String, _ context: VigilRequestContext) -> String? {
        guard let raw = context.parameters.get(name) else { return nil }
        // Foundation's decoding costs ~3 % of a single-prediction request; names rarely need it.
        return raw.utf8.contains(UInt8(ascii: "%")) ? raw.removingPercentEncoding : raw
    }

    /// A whole-number query parameter within `range`, or `fallback` when absent; anything else is a 400 naming it.
    func count(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws(Problem) -> Int {
        guard let text = query(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw Problem.badParameter(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A query parameter as text, if present.
    func query(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map(String.init)
    }
}
