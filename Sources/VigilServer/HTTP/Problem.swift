public import Hummingbird
public import VigilCore

/// An error answered as RFC 9457 problem details (`application/problem+json`): a stable `type`, a short
/// `title`, a `detail` saying what to change, and for ingestion the rows and fields at fault.
public struct Problem: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// A stable identifier of the kind of problem, such as `urn:vigil:problem:invalid-rows`.
    public var type: String
    public var title: String
    public var detail: String
    /// The rows and fields at fault, for ingestion requests.
    public var errors: [EventRowError]
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ kind: String, title: String, detail: String, errors: [EventRowError] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.type = "urn:vigil:problem:\(kind)"
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public var description: String { "\(status.code) \(title): \(detail)" }

    /// At most this many row errors are listed; `errorCount` says how many there were.
    static let listedErrorLimit = 100

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var writer = JSONWriter()
        writer.raw("{")
        writer.key("type", first: true)
        writer.string(type)
        writer.key("title")
        writer.string(title)
        writer.key("status")
        writer.number(Int64(status.code))
        writer.key("detail")
        writer.string(detail)
        writer.key("instance")
        writer.string(request.uri.path)
        if !errors.isEmpty {
            writer.key("errorCount")
            writer.number(Int64(errors.count))
            writer.key("errors")
            writer.array(errors.prefix(Self.listedErrorLimit)) { $1.write(to: &$0) }
        }
        writer.raw("}")
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }

    // MARK: The problems Vigil answers

    static func invalidRows(_ errors: [EventRowError], rowCount: Int) -> Problem {
        Problem(
            .unprocessableContent, "invalid-rows", title: "Invalid rows",
            detail: "\(errors.count) of \(rowCount) rows are invalid; nothing was stored. Fix them, or resend with ?partial=true to store the valid rows.",
            errors: errors
        )
    }

    static func invalidBody(_ error: EventRowError) -> Problem {
        Problem(.badRequest, "invalid-body", title: "Invalid request body", detail: error.message, errors: [error])
    }

    static func notFound(_ detail: String) -> Problem { Problem(.notFound, "not-found", title: "Not found", detail: detail) }

    static func badParameter(_ name: String, _ detail: String) -> Problem {
        Problem(.badRequest, "invalid-parameter", title: "Invalid parameter", detail: "\(name): \(detail)")
    }
}

