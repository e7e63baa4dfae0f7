/// The rows of one ingestion request, decoded: the events that are valid, each with its row index, and the
/// errors of the rows that are not.
///
/// Parallel arrays rather than an array of tuples: the events then go to the store and the live profiles
/// as they are, without a copy per event.
public struct EventBatch<Event: Sendable>: Sendable {
    /// The valid events, in request order.
    public private(set) var events: [Event] = []
    /// Each event's row index in the request, parallel to `events`.
    public private(set) var rows: [Int] = []
    /// Where each event's JSON lies in the body, parallel to `events`: the event log keeps the row as sent.
    public private(set) var sources: [Range<Int>] = []
    /// The refused rows.
    public private(set) var errors: [EventRowError] = []
    /// Rows in the request, valid or not.
    public var rowCount: Int { events.count + errors.count }

    mutating func append(_ event: Event, row: Int, source: Range<Int>) {
        events.append(event)
        rows.append(row)
        sources.append(source)
    }

    mutating func refuse(_ error: EventRowError) { errors.append(error) }
}

/// How a request body is laid out.
public enum EventBodyLayout: Sendable, Equatable {
    /// One JSON object, or a JSON array of objects.
    case json
    /// One JSON object per line (`application/x-ndjson`, `application/jsonl`); blank lines are skipped.
    case ndjson

    /// The layout a `Content-Type` names; nil for a type Vigil does not read.
    public init?(contentType: String?) {
        guard let contentType else {
            self = .json
            return
        }
        // Compared byte by byte, without allocating when the type is lowercase already (as clients send it):
        // String's own comparison and Character iteration cost 1 % of a single-prediction request.
        let bytes = contentType.utf8
        var mediaType = Substring(contentType[..<(bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex)]).trimmingWhitespace()
        if mediaType.utf8.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) { mediaType = Substring(mediaType.lowercased()) }
        guard let known = Self.mediaTypes.first(where: { mediaType.utf8.elementsEqual($0.name.utf8) }) else { return nil }
        self = known.layout
    }

    private static let mediaTypes: [(name: String, layout: EventBodyLayout)] = [
        // curl -d sends form encoding by default; its body is the JSON the user typed.
        ("application/json", .json), ("", .json), ("text/json", .json), ("application/x-www-form-urlencoded", .json),
        ("application/x-ndjson", .ndjson), ("application/ndjson", .ndjson), ("application/jsonl", .ndjson),
        ("application/x-jsonlines", .ndjson), ("application/jsonlines", .ndjson),
    ]
}

extension EventWireFormat {
    /// Decodes a body of predictions. Each row is checked on its own, so one bad row names itself and the
    /// others can still be stored (when the client asks for partial acceptance).
    /// - Throws: ``EventRowError`` with `row == nil` when the body as a whole cannot be read (malformed JSON
    ///   array, too many rows, empty body).
    public func predictions(in body: [UInt8], layout: EventBodyLayout) throws(EventRowError) -> EventBatch<PredictionEvent> {
        try decode(body, layout: layout) { (parser, row) throws(DecodeFailure) in try prediction(parsing: &parser, row: row) }
    }

    /// Decodes a body of labels, row by row like ``predictions(in:layout:)``.
    public func labels(in body: [UInt8], layout: EventBodyLayout) throws(EventRowError) -> EventBatch<LabelEvent> {
        try decode(body, layout: layout) { (parser, row) throws(DecodeFailure) in
            let value = try syntax { () throws(JSONParser.SyntaxError) in try parser.parseValue(depth: 0) }
            return try field { () throws(EventRowError) in try label(from: value, row: row) }
        }
    }

    private func decode<Event>(
        _ body: [UInt8], layout: EventBodyLayout, _ readRow: (inout JSONParser, Int) throws(DecodeFailure) -> Event
    ) throws(EventRowError) -> EventBatch<Event> {
        var batch = EventBatch<Event>()
        let limit = limits.maxRowsPerBatch
        let tooMany = EventRowError(row: nil, field: nil, message: "the batch has more than \(limit) rows; split it")
        let outcome: Result<Void, EventRowError> = body.withUnsafeBufferPointer { bytes in
            do throws(EventRowError) {
                var parser = JSONParser(bytes, start: 0, end: bytes.count)
                guard let first = parser.peek() else { throw EventRowError(row: nil, field: nil, message: "the body is empty") }
                let start = parser.index
                if layout == .json && first == UInt8(ascii: "[") {
                    try decodeArray(&parser, into: &batch, limit: limit, tooMany: tooMany, readRow)
                    return .success(())
                }
                if layout == .json {
                    // One object, unless the body holds several objects one per line (then it is NDJSON).
                    var single = parser
                    let row: Result<Event, DecodeFailure>
                    do throws(DecodeFailure) { row = .success(try readRow(&single, 0)) } catch { row = .failure(error) }
                    switch row {
                    case .success(let event) where single.peek() == nil:
                        batch.append(event, row: 0, source: start..<single.index)
                        return .success(())
                    case .failure(.field(let error)) where single.peek() == nil:
                        batch.refuse(error)
                        return .success(())
                    default:
                        break
                    }
                }
                try decodeLines(bytes, from: start, into: &batch, limit: limit, tooMany: tooMany, readRow)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try outcome.get()
        return batch
    }

    /// A JSON array of rows: a row with a bad field is skipped (its extent is still checked); malformed JSON
    /// anywhere refuses the body.
    private func decodeArray<Event>(
        _ parser: inout JSONParser, into batch: inout EventBatch<Event>, limit: Int, tooMany: EventRowError,
        _ readRow: (inout JSONParser, Int) throws(DecodeFailure) -> Event
    ) throws(EventRowError) {
        func malformed(_ error: JSONParser.SyntaxError) -> EventRowError {
            EventRowError(row: nil, field: nil, message: "the body is not valid JSON: \(error)")
        }
        parser.index += 1
        if parser.consume(UInt8(ascii: "]")) { return }
        var row = 0
        repeat {
            guard row < limit else { throw tooMany }
            _ = parser.peek()
            let rowStart = parser.index
            do throws(DecodeFailure) {
                batch.append(try readRow(&parser, row), row: row, source: rowStart..<parser.index)
            } catch {
                switch error {
                case .syntax(let syntaxError): throw malformed(syntaxError)
                case .field(let fieldError):
                    batch.refuse(fieldError)
                    parser.index = rowStart
                    do throws(JSONParser.SyntaxError) { try parser.skipValue(depth: 1) } catch { throw malformed(error) }
                }
            }
            row += 1
        } while parser.consume(UInt8(ascii: ","))
        do throws(JSONParser.SyntaxError) {
            try parser.expect(UInt8(ascii: "]"), "expected ',' or ']' in an array")
            guard parser.peek() == nil else { throw parser.error("unexpected text after the JSON value") }
        } catch {
            throw malformed(error)
        }
    }

    /// NDJSON: each non-blank line is a row; a line that is not valid JSON is a bad row, not a bad body.
    private func decodeLines<Event>(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, into batch: inout EventBatch<Event>, limit: Int, tooMany: EventRowError,
        _ readRow: (inout JSONParser, Int) throws(DecodeFailure) -> Event
    ) throws(EventRowError) {
        var row = 0
        var lineNumber = 0
        var lineStart = 0
        while lineStart < bytes.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var parser = JSONParser(bytes, start: max(lineStart, start), end: lineEnd)
            if parser.peek() != nil {
                guard row < limit else { throw tooMany }
                do throws(DecodeFailure) {
                    let rowStart = parser.index
                    let event = try readRow(&parser, row)
                    let rowEnd = parser.index
                    guard parser.peek() == nil else { throw DecodeFailure.syntax(parser.error("unexpected text after the JSON value")) }
                    batch.append(event, row: row, source: rowStart..<rowEnd)
                } catch {
                    switch error {
                    case .field(let fieldError): batch.refuse(fieldError)
                    case .syntax(let syntaxError):
                        batch.refuse(EventRowError(
                            row: row, field: nil,
                            message: "line \(lineNumber) is not valid JSON: \(syntaxError.message) at column \(syntaxError.offset - lineStart + 1)"
                        ))
                    }
                }
                row += 1
            }
            lineStart = lineEnd + 1
        }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        // Header whitespace is spaces and tabs (RFC 9110 OWS).
        func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        return self[first...last]
    }
}
